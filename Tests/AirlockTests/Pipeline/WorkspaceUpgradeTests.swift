import Foundation
import GRDB
import Testing

@testable import AirlockProducer

/// A workspace made by the previous release opens and continues: the migrations after it fill
/// in what that release did not record, so no file lying in a kept inbox is read again and
/// an older state dropped again still syncs back.
@Suite struct WorkspaceUpgradeTests {
    /// Takes the workspace database back to the schema the release before `v6 current state`
    /// made: the same rows without what that migration added.
    private func downgradeToV5(_ workspace: TestWorkspace) throws {
        let database = try DatabaseQueue(path: workspace.database.path)
        try database.write { db in
            try db.execute(
                sql: """
                    ALTER TABLE airlock_files DROP COLUMN settled_order;
                    DROP TABLE airlock_kept_files;
                    DELETE FROM grdb_migrations WHERE identifier = 'v6 current state';
                    """)
        }
    }

    @Test func aKeptInboxFromThePreviousReleaseIsNotReadAgainAndAnOlderStateStillSyncsBack() throws {
        let spec = try String(
            contentsOf: TestWorkspace.repository.appendingPathComponent("airlock.yml"), encoding: .utf8)
        let workspace = try TestWorkspace(spec: spec)
        defer { workspace.remove() }
        try workspace.write(EarlierStateTests.stateA, toInbox: "payments-1.csv")
        guard case .bundle = try workspace.run().outcome else { throw ShellError(description: "no bundle 1") }
        try workspace.write(EarlierStateTests.stateB, toInbox: "payments-2.csv")
        guard case .bundle = try workspace.run().outcome else { throw ShellError(description: "no bundle 2") }
        try downgradeToV5(workspace)

        let reopened = try workspace.run()
        #expect(reopened.outcome == .noNewFiles)
        #expect(reopened.alreadySeen == ["payments-1.csv", "payments-2.csv"])
        try workspace.write(EarlierStateTests.stateA, toInbox: "payments-3.csv")
        guard case let .bundle(_, manifest, _) = try workspace.run().outcome else {
            throw ShellError(description: "state A dropped again made no bundle")
        }
        #expect(manifest.sequence == 3)
        #expect(manifest.entities.map(\.name) == ["payments"])
        let rows = try DatabaseQueue(path: workspace.database.path).read { db in
            try String.fetchAll(db, sql: "SELECT payment_id || '|' || amount FROM base_payments ORDER BY payment_id")
        }
        #expect(rows == ["1001|1.00", "1002|2.50"])
    }
}
