import Foundation
import GRDB
import Testing

@testable import AirlockBase
@testable import AirlockProducer
@testable import AirlockSite

/// A spec fixed after its files were read reads their stored records again, on the next run
/// for the entities whose part of the spec changed, for all with `airlock run --renormalize`;
/// what the fix changes is bundled, records held back before are tried again, and nothing is
/// read from the inbox twice.
@Suite struct RenormalizeTests {
    private static func spec(dateFormat: String, mode: String = "snapshot", statusMap: String = "{}") -> String {
        """
        producer: {key: producer}
        entities:
          payments:
            source: {files: "payments*.csv", mode: \(mode)}
            key: id
            columns:
              id: integer
              paid: {type: timestamp, format: "\(dateFormat)", zone: UTC}
              status: {type: enum, map: \(statusMap)}
        """
    }

    private static let payments = """
        id,paid,status
        1,05/11/2026,paid
        2,13/11/2026,paid
        3,20/11/2026,refund

        """

    private func rows(_ workspace: TestWorkspace) throws -> [String] {
        try DatabaseQueue(path: workspace.database.path).read { db in
            try String.fetchAll(
                db, sql: "SELECT id || '|' || paid || '|' || status FROM base_payments ORDER BY id")
        }
    }

    private func rewriteSpec(_ workspace: TestWorkspace, _ text: String) throws {
        try text.write(to: workspace.root.appendingPathComponent("airlock.yml"), atomically: true, encoding: .utf8)
    }

    private func renormalize(_ workspace: TestWorkspace) throws -> RunReport {
        try Producer(workspace: try Workspace(root: workspace.root.path), logger: .test).runOnce(renormalize: true)
    }

    @Test func aFixedFormatReadsTheStoredRecordsAgainAndBundlesTheCorrectedValues() throws {
        let workspace = try TestWorkspace(spec: Self.spec(dateFormat: "%m/%d/%Y"))
        defer { workspace.remove() }
        try workspace.write(Self.payments, toInbox: "payments.csv")
        guard case let .bundle(_, first, _) = try workspace.run().outcome else {
            throw ShellError(description: "the first drop made no bundle")
        }
        #expect(first.entities[0].counts.quarantined == 2)
        // Month first: 05/11 is read as 11 May, 13/11 and 20/11 are held back.
        #expect(try rows(workspace) == ["1|2026-05-11T00:00:00Z|paid"])

        try rewriteSpec(workspace, Self.spec(dateFormat: "%d/%m/%Y"))
        let report = try renormalize(workspace)
        guard case let .bundle(_, second, _) = report.outcome else {
            throw ShellError(description: "the fixed spec made no bundle: \(report.outcome)")
        }
        let counts = second.entities[0].counts
        #expect([counts.inserted, counts.updated, counts.deleted, counts.quarantined] as [Int] == [2, 1, 0, 0])
        #expect(report.ingested.isEmpty)
        #expect(second.sources.map(\.name) == ["payments.csv"])
        #expect(
            try rows(workspace) == [
                "1|2026-11-05T00:00:00Z|paid", "2|2026-11-13T00:00:00Z|paid", "3|2026-11-20T00:00:00Z|refund"
            ])
        let digest = try FileDigest.sha256(of: workspace.root.appendingPathComponent("airlock.yml"))
        #expect(second.specDigest == digest)
        #expect(first.specDigest != nil && first.specDigest != digest)

        // Read again under the same spec, the records change nothing.
        #expect(try renormalize(workspace).outcome == .noChanges)
        // The file itself is still the one the workspace holds: dropped again, it is not read.
        try workspace.write(Self.payments, toInbox: "payments-again.csv")
        let again = try workspace.run()
        #expect(again.alreadySeen == ["payments-again.csv (same content as payments.csv)"])
    }

    @Test func theNextRunAfterTheSpecChangedReadsThatEntitysRecordsAgainByItself() throws {
        let workspace = try TestWorkspace(spec: Self.spec(dateFormat: "%m/%d/%Y"))
        defer { workspace.remove() }
        try workspace.write(Self.payments, toInbox: "payments.csv")
        _ = try workspace.run()
        // A comment is no change.
        try rewriteSpec(workspace, "# payments, month first\n" + Self.spec(dateFormat: "%m/%d/%Y"))
        #expect(try workspace.run().outcome == .noNewFiles)
        try rewriteSpec(workspace, Self.spec(dateFormat: "%d/%m/%Y"))
        guard case let .bundle(_, manifest, _) = try workspace.run().outcome else {
            throw ShellError(description: "the fixed format made no bundle")
        }
        #expect(manifest.entities[0].counts.inserted == 2 && manifest.entities[0].counts.updated == 1)
        #expect(manifest.schemaChanges == nil)
        #expect(try workspace.run().outcome == .noNewFiles)
    }

    @Test func aDeltaSourceReadsEveryFileAgainInTheOrderTheyArrived() throws {
        let workspace = try TestWorkspace(spec: Self.spec(dateFormat: "%d/%m/%Y", mode: "delta"))
        defer { workspace.remove() }
        try workspace.write(Self.payments, toInbox: "payments-1.csv")
        _ = try workspace.run()
        try workspace.write("id,paid,status\n2,14/11/2026,paid-out\n", toInbox: "payments-2.csv")
        _ = try workspace.run()
        #expect(
            try rows(workspace) == [
                "1|2026-11-05T00:00:00Z|paid", "2|2026-11-14T00:00:00Z|paid_out", "3|2026-11-20T00:00:00Z|refund"
            ])

        try rewriteSpec(
            workspace,
            Self.spec(dateFormat: "%d/%m/%Y", mode: "delta", statusMap: "{paid: settled, paid-out: settled}"))
        guard case let .bundle(_, manifest, _) = try renormalize(workspace).outcome else {
            throw ShellError(description: "the new map made no bundle")
        }
        #expect(manifest.entities[0].counts.updated == 2)
        #expect(manifest.sources.map(\.name) == ["payments-1.csv", "payments-2.csv"])
        // Key 2 keeps the newer file's date: the files were read in the order they arrived.
        #expect(
            try rows(workspace) == [
                "1|2026-11-05T00:00:00Z|settled", "2|2026-11-14T00:00:00Z|settled", "3|2026-11-20T00:00:00Z|refund"
            ])
    }

    @Test func aBlockedRenormalizeLeavesTheFilesAsTheyWere() throws {
        let workspace = try TestWorkspace(spec: Self.spec(dateFormat: "%d/%m/%Y"))
        defer { workspace.remove() }
        try workspace.write(Self.payments, toInbox: "payments.csv")
        _ = try workspace.run()
        // Every id below 10 is now out of range: held back, then blocked by min_rows.
        try rewriteSpec(
            workspace,
            Self.spec(dateFormat: "%d/%m/%Y").replacingOccurrences(
                of: "id: integer", with: "id: {type: integer, checks: [{range: {min: 10}, severity: block}]}")
                + "\n    thresholds: {min_rows: 1}\n")
        guard case .blocked = try renormalize(workspace).outcome else {
            throw ShellError(description: "the run was not blocked")
        }
        #expect(try rows(workspace).count == 3)
        // The files still hold the current rows: the old spec back, they read as before.
        try rewriteSpec(workspace, Self.spec(dateFormat: "%d/%m/%Y"))
        #expect(try renormalize(workspace).outcome == .noChanges)
    }
}
