import Foundation
import GRDB
import Testing

@testable import AirlockBase
@testable import AirlockProducer
@testable import AirlockSite

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

    /// A workspace a later release migrated is refused in words, untouched, rather than read
    /// with tables this release does not know.
    @Test func aWorkspaceOfALaterReleaseIsRefused() throws {
        let workspace = try TestWorkspace()
        defer { workspace.remove() }
        try workspace.write(EarlierStateTests.stateA, toInbox: "payments-1.csv")
        guard case .bundle = try workspace.run().outcome else { throw ShellError(description: "no bundle 1") }
        try DatabaseQueue(path: workspace.database.path).write { db in
            try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99 later')")
        }
        try workspace.write(EarlierStateTests.stateB, toInbox: "payments-2.csv")
        #expect(throws: WorkspaceError.newerWorkspace(changes: ["v99 later"])) { try workspace.run() }
        #expect(FileManager.default.fileExists(atPath: workspace.inbox.appendingPathComponent("payments-2.csv").path))
        // Nor does recover rebuild it, moving the later release's state aside.
        let recover = try workspace.airlock(["recover"])
        #expect(recover.status == 64 && recover.error.contains("changed by a newer Airlock"), "\(recover.error)")
        #expect(try workspace.bundles().count == 1)
    }

    /// `Tests/Fixtures/upgrade/workspace-abc7f5f.tar.gz`: a workspace the release before spec
    /// changes were migrations made (commit abc7f5f: two drops, two bundles, its keys and
    /// outbox). Today's code opens it, migrates its own tables, bundles the next drop on top of
    /// bundle 2, and a spec change after it; the four bundles apply in turn with plain sqlite3.
    @Test(.tags(.sqlite3), .runsExternalPrograms) func aWorkspaceOfThePreviousReleaseGoesOnWithItsChain() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("airlock-upgrade-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let fixture = TestWorkspace.fixtures.appendingPathComponent("upgrade/workspace-abc7f5f.tar.gz")
        #expect(try Shell.run(["tar", "xzf", fixture.path, "-C", root.path]).status == 0)
        let workspace = TestWorkspace(existing: root)
        try workspace.write(
            TestWorkspace.paymentsHeader + "1001,Thandi,Nkosi,1200.00,card,2026-11-05T10:00:00Z\n",
            toInbox: "payments-3.csv")
        guard case let .bundle(_, third, _) = try workspace.run().outcome else {
            throw ShellError(description: "the upgraded workspace made no bundle")
        }
        let verifier = BundleVerifier(allowedSigners: try AllowedSigners(path: workspace.allowedSigners.path))
        let outbox = root.appendingPathComponent("outbox")
        let second = try verifier.verify(outbox.appendingPathComponent("bundle-000002.tar.gz"), policy: .integrityOnly)
        #expect(third.sequence == 3 && third.parent == second.digest)
        #expect(third.entities.map(\.counts.inserted) == [0] && third.entities.map(\.counts.deleted) == [2])

        let spec = root.appendingPathComponent("airlock.yml")
        try String(contentsOf: spec, encoding: .utf8).replacingOccurrences(
            of: "      last_name: {from: \"Last name\", type: text, trim: true}\n",
            with:
                "      surname: {from: \"Last name\", type: text, trim: true, renamed_from: last_name}\n      note: {from: \"Method\", type: text}\n"
        ).write(to: spec, atomically: true, encoding: .utf8)
        guard case let .bundle(_, fourth, _) = try workspace.run().outcome else {
            throw ShellError(description: "the spec change made no bundle")
        }
        #expect(fourth.schemaChanges?.map(\.change) == ["column_renamed", "column_added"])

        let target = try ScriptTarget.fresh(.sqlite)
        defer { target.remove() }
        for sequence in 1...4 {
            let folder = try Shell.extract(
                outbox.appendingPathComponent("bundle-\(BundleIdentity.pad(sequence)).tar.gz"))
            defer { try? FileManager.default.removeItem(at: folder) }
            for script in [BundleScript.upsert, .verify] {
                let result = try target.run(folder.appendingPathComponent(BundleLayout.script(script, for: .sqlite)))
                #expect(result.status == 0, "bundle \(sequence) \(script.fileName): \(result.error)")
            }
        }
        #expect(
            try target.query("SELECT payment_id, surname, amount, note FROM payments") == "1001|Nkosi|1200.00|card\n")
    }
}
