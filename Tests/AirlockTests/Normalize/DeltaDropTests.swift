import Foundation
import GRDB
import Testing

@testable import AirlockProducer
@testable import AirlockSite
@testable import AirlockSpec

/// `source.mode: delta`: a drop holds only what changed, so a key it lacks keeps its row and
/// only a tombstone deletes one; a snapshot drop that lacks most keys is blocked by default.
@Suite struct DeltaDropTests {
    static func spec(source: String, thresholds: String = "") -> String {
        """
        producer: {key: producer}
        entities:
          products:
            source: \(source)
            key: sku
            category: kind
            columns:
              sku: text
              name: {type: text, checks: [not_null]}
              kind: enum
        \(thresholds)
        """
    }

    static let tombstoneSpec = spec(
        source: "{files: \"products*.ndjson\", format: ndjson, mode: delta, tombstone: deleted}")

    /// The rows the workspace's baseline holds, as `sku name kind`, in key order.
    static func baseline(_ workspace: TestWorkspace) throws -> [String] {
        try DatabaseQueue(path: workspace.database.path).read { db in
            try String.fetchAll(db, sql: "SELECT sku || ' ' || name || ' ' || kind FROM base_products ORDER BY sku")
        }
    }

    static func manifest(of report: RunReport) -> Manifest.Entity? {
        guard case let .bundle(_, manifest, _) = report.outcome else { return nil }
        return manifest.entities.first { $0.name == "products" }
    }

    @Test func threeDaysOfDeltasDeleteOnlyWhatTheirTombstonesName() throws {
        let workspace = try TestWorkspace(spec: Self.tombstoneSpec)
        defer { workspace.remove() }
        let day0 = (1...5).map { #"{"sku": "P\#($0)", "name": "Product \#($0)", "kind": "Tool"}"# }
        try workspace.write(day0.joined(separator: "\n") + "\n", toInbox: "products-0.ndjson")
        let first = try workspace.run()
        #expect(
            Self.manifest(of: first)?.counts
                == EntityCounts(processed: 5, inserted: 5, superseded: 0, failed: 0, tombstones: 0))

        // Day 1 names three keys: one changes, one is new, one is a tombstone with nothing but
        // its key (its missing name breaks no check). P1, P2 and P4 are not named and stay.
        try workspace.write(
            """
            {"sku": "P3", "name": "Product 3, renamed", "kind": "Tool"}
            {"sku": "P6", "name": "Product 6", "kind": "Part"}
            {"sku": "P5", "deleted": true}

            """, toInbox: "products-1.ndjson")
        let second = try workspace.run()
        let day1 = try #require(Self.manifest(of: second))
        #expect(
            day1.counts
                == EntityCounts(
                    processed: 3, inserted: 1, updated: 1, deleted: 1, quarantined: 0, superseded: 0, failed: 0,
                    tombstones: 1))
        #expect(
            try Self.baseline(workspace) == [
                "P1 Product 1 tool", "P2 Product 2 tool", "P3 Product 3, renamed tool", "P4 Product 4 tool",
                "P6 Product 6 part"
            ])
        #expect(day1.categories?.allSatisfy { $0.counts.processed == $0.counts.outcomes } == true)
        // Reports show the tombstones column for a delta entity only.
        #expect(Breakdown.columns(for: [Breakdown(day1)]).map(\.rawValue).contains("tombstones"))
        #expect(Breakdown(day1).cell(.tombstones) == "1")

        // Day 2: a tombstone for a key never seen deletes nothing; P2 is deleted and made again
        // later in the same file (the later record wins); P4's tombstone says "maybe", so it is
        // held back and P4 keeps its row; P1 is deleted and marked not deleted explicitly once.
        try workspace.write(
            """
            {"sku": "P9", "deleted": true}
            {"sku": "P2", "deleted": true}
            {"sku": "P2", "name": "Product 2 again", "kind": "Tool", "deleted": false}
            {"sku": "P4", "deleted": "maybe"}
            {"sku": "P1", "deleted": "true"}

            """, toInbox: "products-2.ndjson")
        let third = try workspace.run()
        let day2 = try #require(Self.manifest(of: third))
        #expect(
            day2.counts
                == EntityCounts(
                    processed: 5, updated: 1, deleted: 1, quarantined: 1, superseded: 1, failed: 0, tombstones: 2))
        #expect(
            third.findings.map(\.reason) == [
                "'maybe' is not true or false, so whether the record deletes its key cannot be told"
            ])
        #expect(third.findings.first?.line == 4)
        #expect(
            try Self.baseline(workspace) == [
                "P2 Product 2 again tool", "P3 Product 3, renamed tool", "P4 Product 4 tool", "P6 Product 6 part"
            ])
        #expect(day2.categories?.allSatisfy { $0.counts.processed == $0.counts.outcomes } == true)
    }

    @Test func deleteWhenIsSQLOverTheNormalizedColumns() throws {
        let spec = Self.spec(
            source: "{files: \"products*.csv\", mode: delta, delete_when: \"kind = 'retired'\"}")
        let workspace = try TestWorkspace(spec: spec)
        defer { workspace.remove() }
        try workspace.write("sku,name,kind\nP1,One,Tool\nP2,Two,Tool\nP3,Three,Tool\n", toInbox: "products-1.csv")
        _ = try workspace.run()
        try workspace.write("sku,name,kind\nP2,,Retired\nP4,Four,Part\n", toInbox: "products-2.csv")
        let report = try workspace.run()
        #expect(
            Self.manifest(of: report)?.counts
                == EntityCounts(
                    processed: 2, inserted: 1, deleted: 1, quarantined: 0, superseded: 0, failed: 0, tombstones: 1))
        #expect(try Self.baseline(workspace) == ["P1 One tool", "P3 Three tool", "P4 Four part"])
    }

    /// 200 rows, then an export cut at 40 %: the default guard blocks it, naming the setting
    /// that allows it; with `max_delete_share: 1` the same drop is bundled.
    @Test(arguments: [false, true]) func aSnapshotThatLacksMostKeysIsBlockedByDefault(allowed: Bool) throws {
        let spec = Self.spec(
            source: "{files: \"products*.csv\"}",
            thresholds: allowed ? "    thresholds: {max_delete_share: 1}\n" : "")
        let workspace = try TestWorkspace(spec: spec)
        defer { workspace.remove() }
        let rows = (1...200).map { "P\($0),Product \($0),Tool" }
        try workspace.write("sku,name,kind\n" + rows.joined(separator: "\n") + "\n", toInbox: "products-1.csv")
        _ = try workspace.run()
        try workspace.write(
            "sku,name,kind\n" + rows.prefix(80).joined(separator: "\n") + "\n", toInbox: "products-2.csv")
        let report = try workspace.run()
        if allowed {
            #expect(Self.manifest(of: report)?.counts.deleted == 120)
        } else {
            guard case let .blocked(findings) = report.outcome else {
                Issue.record("not blocked: \(report.outcome)")
                return
            }
            #expect(findings.map(\.check) == ["max_delete_share"])
            #expect(findings.first?.reason.hasPrefix("120 of 200 rows would be deleted (60.0%)") == true)
            #expect(findings.first?.reason.contains("thresholds.max_delete_share") == true)
        }
    }

    /// An export cut in the middle of P2's line: P2 cannot be read, so neither it nor P3 (which
    /// the cut may have lost) is deleted; the next drop read in full deletes P3.
    @Test func aRecordCutMidLineNeverTurnsItsKeyIntoADelete() throws {
        let workspace = try TestWorkspace(spec: Self.spec(source: "{files: \"products*.csv\"}"))
        defer { workspace.remove() }
        try workspace.write("sku,name,kind\nP1,One,Tool\nP2,Two,Tool\nP3,Three,Tool\n", toInbox: "products-1.csv")
        _ = try workspace.run()
        try workspace.write("sku,name,kind\nP1,One,Tool\nP2,Tw", toInbox: "products-2.csv")
        let cut = try workspace.run()
        guard case let .noChanges = cut.outcome else {
            Issue.record("a cut drop changed something: \(cut.outcome)")
            return
        }
        #expect(cut.findings.map(\.check) == ["unread_records"])
        #expect(cut.findings.first?.reason.contains("the 2 rows it would delete are kept") == true)
        #expect(try Self.baseline(workspace).count == 3)
        try workspace.write("sku,name,kind\nP1,One,Tool\nP2,Two,Tool\n", toInbox: "products-3.csv")
        #expect(Self.manifest(of: try workspace.run())?.counts.deleted == 1)
    }

    @Test func aDeltaSourceThatLacksMostKeysDeletesNothing() throws {
        let workspace = try TestWorkspace(spec: Self.spec(source: "{files: \"products*.csv\", mode: delta}"))
        defer { workspace.remove() }
        let rows = (1...200).map { "P\($0),Product \($0),Tool" }
        try workspace.write("sku,name,kind\n" + rows.joined(separator: "\n") + "\n", toInbox: "products-1.csv")
        _ = try workspace.run()
        try workspace.write("sku,name,kind\nP7,Seven,Part\n", toInbox: "products-2.csv")
        let report = try workspace.run()
        #expect(
            Self.manifest(of: report)?.counts
                == EntityCounts(processed: 1, updated: 1, quarantined: 0, superseded: 0, failed: 0))
        #expect(try Self.baseline(workspace).count == 200)
    }

    @Test(arguments: [
        ("{files: a.csv, tombstone: deleted}", "delete_when and tombstone mark deletions in delta drops"),
        ("{files: a.csv, mode: delta, tombstone: deleted, delete_when: \"1\"}", "give delete_when or tombstone"),
        ("{files: a.csv, mode: deltas}", "expected snapshot (the default")
    ])
    func theSpecRefusesDeletionsItCannotHonour(source: String, message: String) throws {
        #expect {
            _ = try Spec.parse(yaml: Self.spec(source: source))
        } throws: { error in
            "\(error)".contains(message)
        }
    }
}
