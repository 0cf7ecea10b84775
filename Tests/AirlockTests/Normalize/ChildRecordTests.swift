import Foundation
import GRDB
import Testing

@testable import AirlockBase
@testable import AirlockProducer
@testable import AirlockSite
@testable import AirlockSpec

/// How a child's records are read from its parent's: arrays that are not arrays and elements
/// that are not objects are findings on the parent's record; a child keyed by position warns
/// when positions move; in a delta drop a parent not named keeps its children and a
/// tombstoned one takes them away; a parent kept because another entity still names it
/// keeps its children too.
@Suite struct ChildRecordTests {
    static func spec(source: String = "", key: String = "[line_no]") -> String {
        """
        producer: {key: producer}
        entities:
          orders:
            source: {files: "orders*.ndjson"\(source)}
            key: id
            columns: {id: text, customer: text}
            children:
              lines:
                path: "lines[]"
                key: \(key)
                columns: {line_no: {from: no, type: integer}, sku: text}

        """
    }

    /// Runs each drop in a fresh workspace; returns the reports, the lines each run leaves
    /// and what `status` says each entity holds back (`entity unreadable invalid`).
    static func run(_ spec: String, _ drops: [String]) throws -> [(RunReport, [String], heldBack: [String])] {
        let workspace = try TestWorkspace(spec: spec)
        defer { workspace.remove() }
        let lines = try Spec.parse(yaml: spec).entity(named: "orders__lines")
        return try drops.enumerated().map { index, drop in
            try workspace.write(drop, toInbox: "orders-\(index + 1).ndjson")
            let report = try workspace.run()
            let columns = lines.columns.map {
                "coalesce(CAST(\(SQLDialect.sqlite.identifier($0.name)) AS TEXT), 'NULL')"
            }
            let rows = try DatabaseQueue(path: workspace.database.path).read { db in
                try String.fetchAll(
                    db,
                    sql:
                        "SELECT \(columns.joined(separator: " || '|' || ")) FROM \(EntityTables(lines).baseline) ORDER BY 1"
                )
            }
            let status = try WorkspaceStatus(
                workspace: try Workspace(root: workspace.root.path), listingUnparsed: false)
            return (report, rows, status.heldBack.map { "\($0.entity) \($0.unreadable) \($0.invalidValues)" })
        }
    }

    @Test func arraysAndElementsTheChildCannotReadHoldBackTheirArray() throws {
        let runs = try Self.run(
            Self.spec(),
            [
                """
                {"id": "O-1", "customer": "Ann", "lines": [{"no": 1, "sku": "A"}]}
                {"id": "O-2", "customer": "Bo", "lines": [{"no": 1, "sku": "B"}]}
                {"id": "O-3", "customer": "Cy", "lines": null}

                """,
                """
                {"id": "O-1", "customer": "Ann", "lines": "none"}
                {"id": "O-2", "customer": "Bo", "lines": [7, {"no": 2, "sku": "C"}]}
                {"id": "O-3", "customer": "Cy", "lines": [{"no": 1, "sku": "D"}]}

                """
            ])
        let findings = runs[1].0.findings.map {
            "\($0.check) line \($0.line ?? 0) \($0.field ?? ""): \($0.reason)"
        }
        #expect(
            findings == [
                "nested_array line 1 lines: expected an array of objects, found text",
                "nested_array line 2 lines[0]: expected an object, found integer"
            ])
        // O-1 and O-2 keep the lines they had; O-3's first line arrives.
        #expect(runs[1].1 == ["O-1|1|A", "O-2|1|B", "O-3|1|D"])
        // status names the child whose arrays were held back, not the orders it let through.
        #expect(runs[1].heldBack == ["orders 0 0", "orders__lines 0 2"])
        guard case let .bundle(_, manifest, _) = runs[1].0.outcome else {
            Issue.record("no bundle: \(runs[1].0.outcome)")
            return
        }
        let counts = manifest.entities.first { $0.name == "orders__lines" }!.counts
        #expect(counts.processed == 2 && counts.quarantined == 1 && counts.inserted == 1, "\(counts)")
    }

    /// A grandchild under a child keyed by position reads that position from its line's place.
    @Test func aGrandchildOfAChildKeyedByPositionCarriesThatPosition() throws {
        let spec =
            Self.spec(key: "ordinal")
            .replacingOccurrences(
                of: "columns: {line_no: {from: no, type: integer}, sku: text}", with: "columns: {sku: text}")
                + """
                        children:
                          taxes: {path: "taxes[]", key: [code], columns: {code: text}}

                """
        let workspace = try TestWorkspace(spec: spec)
        defer { workspace.remove() }
        try workspace.write(
            #"{"id": "O-1", "customer": "Ann", "lines": [{"sku": "A"}, {"sku": "B", "taxes": [{"code": "V"}, {"code": "W"}]}]}"#
                + "\n", toInbox: "orders-1.ndjson")
        let report = try workspace.run()
        #expect(report.findings.isEmpty, "\(report.findings)")
        let taxes = try DatabaseQueue(path: workspace.database.path).read { db in
            try String.fetchAll(
                db, sql: #"SELECT id || '|' || ordinal || '|' || code FROM "base_orders__lines__taxes" ORDER BY 1"#)
        }
        #expect(taxes == ["O-1|2|V", "O-1|2|W"])
    }

    /// A child whose columns are all key columns (tags keyed by the tag) leaves a workspace the
    /// whole-database check finds sound (SQLite 3.40's integrity_check reported NULLs in its
    /// undo table that are not there, and status called the workspace damaged).
    @Test func aChildOfKeyColumnsOnlyLeavesASoundWorkspace() throws {
        let spec = Self.spec().replacingOccurrences(
            of: "columns: {line_no: {from: no, type: integer}, sku: text}",
            with: "columns: {line_no: {from: no, type: integer}}")
        let workspace = try TestWorkspace(spec: spec)
        defer { workspace.remove() }
        for (number, lines) in ["[{\"no\": 1}, {\"no\": 2}]", "[{\"no\": 2}]"].enumerated() {
            try workspace.write(
                "{\"id\": \"O-1\", \"customer\": \"Ann\", \"lines\": \(lines)}\n", toInbox: "orders-\(number).ndjson")
            _ = try workspace.run()
        }
        try WorkspaceHealth(workspace: try Workspace(root: workspace.root.path)).check(always: true)
    }

    /// One order of eleven goes, with 150 of the 160 lines: the orders' guard lets one in
    /// eleven go, and the lines, which follow their orders, have no default guard of their own.
    @Test func anOrderHoldingMostLinesIsDeletedWithoutTheDefaultGuard() throws {
        func order(_ number: Int, lines: Int) -> String {
            let elements = (1...lines).map { "{\"no\": \($0), \"sku\": \"S\"}" }.joined(separator: ", ")
            return "{\"id\": \"O-\(number)\", \"customer\": \"C\", \"lines\": [\(elements)]}\n"
        }
        let all = (1...11).map { order($0, lines: $0 == 1 ? 150 : 1) }
        let runs = try Self.run(Self.spec(), [all.joined(), all.dropFirst().joined()])
        #expect(runs[1].0.findings.filter { $0.severity == .block }.isEmpty, "\(runs[1].0.findings)")
        #expect(runs[1].1.count == 10)
    }

    /// An override on a child keeps what the element said in its audit column, so a new
    /// source value is a change even while the override holds the column.
    @Test func anOverrideOnAChildKeepsTheElementsValue() throws {
        let columns = "columns: {line_no: {from: no, type: integer}, sku: text}"
        let spec = Self.spec().replacingOccurrences(
            of: columns, with: columns + "\n        overrides: [{when: \"line_no = 2\", set: {sku: X}, note: free}]")
        let runs = try Self.run(
            spec,
            [
                #"{"id": "O-1", "customer": "Ann", "lines": [{"no": 1, "sku": "A"}, {"no": 2, "sku": "B"}]}"# + "\n",
                #"{"id": "O-1", "customer": "Ann", "lines": [{"no": 1, "sku": "A"}, {"no": 2, "sku": "C"}]}"# + "\n"
            ])
        #expect(runs[0].1 == ["O-1|1|A|A", "O-1|2|X|B"])
        #expect(runs[1].1 == ["O-1|1|A|A", "O-1|2|X|C"])
        guard case .bundle = runs[1].0.outcome else {
            Issue.record("the new source value made no bundle: \(runs[1].0.outcome)")
            return
        }
    }

    @Test func aChildKeyedByPositionWarnsWhenPositionsMove() throws {
        let runs = try Self.run(
            Self.spec(key: "ordinal"),
            [
                #"{"id": "O-1", "customer": "Ann", "lines": [{"no": 1, "sku": "A"}, {"no": 2, "sku": "B"}]}"# + "\n",
                #"{"id": "O-1", "customer": "Ann", "lines": [{"no": 2, "sku": "B"}]}"# + "\n"
            ])
        #expect(runs[0].0.findings.isEmpty)
        #expect(runs[1].1 == ["O-1|1|2|B"])
        #expect(
            runs[1].0.findings.map(\.reason) == [
                "keyed by position (key: ordinal): 1 updated and 1 deleted rows may only be elements that moved up or down their array; key the child by a field of its elements if they have one"
            ])
    }

    @Test func aDeltaDropChangesTheChildrenOfTheParentsItNames() throws {
        let runs = try Self.run(
            Self.spec(source: ", mode: delta, tombstone: deleted"),
            [
                """
                {"id": "O-1", "customer": "Ann", "lines": [{"no": 1, "sku": "A"}, {"no": 2, "sku": "B"}]}
                {"id": "O-2", "customer": "Bo", "lines": [{"no": 1, "sku": "C"}]}

                """,
                #"{"id": "O-1", "customer": "Ann", "lines": [{"no": 2, "sku": "B2"}]}"# + "\n",
                #"{"id": "O-2", "deleted": true}"# + "\n"
            ])
        #expect(runs.map(\.1) == [["O-1|1|A", "O-1|2|B", "O-2|1|C"], ["O-1|2|B2", "O-2|1|C"], ["O-1|2|B2"]])
    }

    @Test func aParentKeptForAnotherEntitysReferenceKeepsItsChildren() throws {
        let spec =
            Self.spec()
                + """
                  shipments:
                    source: {files: "shipments*.ndjson"}
                    key: id
                    columns: {id: text, order_id: {type: text, references: {entity: orders, severity: quarantine}}}

                """
        let workspace = try TestWorkspace(spec: spec)
        defer { workspace.remove() }
        try workspace.write(
            #"{"id": "O-1", "customer": "Ann", "lines": [{"no": 1, "sku": "A"}]}"# + "\n", toInbox: "orders-1.ndjson")
        try workspace.write(#"{"id": "S-1", "order_id": "O-1"}"# + "\n", toInbox: "shipments-1.ndjson")
        _ = try workspace.run()
        try workspace.write(
            #"{"id": "O-2", "customer": "Bo", "lines": [{"no": 1, "sku": "B"}]}"# + "\n", toInbox: "orders-2.ndjson")
        let report = try workspace.run()
        #expect(report.findings.map(\.check) == ["references"])
        guard case let .bundle(_, manifest, _) = report.outcome else {
            Issue.record("no bundle: \(report.outcome)")
            return
        }
        let lines = manifest.entities.first { $0.name == "orders__lines" }!.counts
        #expect(lines == EntityCounts(processed: 1, inserted: 1, quarantined: 0, superseded: 0, failed: 0))
        let rows = try DatabaseQueue(path: workspace.database.path).read { db in
            try String.fetchAll(db, sql: "SELECT id || '|' || line_no FROM base_orders__lines ORDER BY 1")
        }
        #expect(rows == ["O-1|1", "O-2|1"])
    }

    /// `unknown_fields` and `missing_fields` look at a child's elements too; the fields are
    /// named within their array, and the hint names the child's setting.
    @Test func theFieldsOfTheElementsAreCheckedAgainstTheChildsColumns() throws {
        let runs = try Self.run(
            Self.spec(source: ", unknown_fields: warn"),
            [#"{"id": "O-1", "customer": "Ann", "lines": [{"no": 1, "skew": "A"}]}"# + "\n"])
        #expect(
            runs[0].0.findings.map { "\($0.entity) \($0.check) \($0.field ?? ""): \($0.reason)" } == [
                "orders__lines unknown_fields lines[].skew: the file holds a field the spec does not read, 'lines[].skew'; add a column for it (from: skew) or set source.unknown_fields: ignore",
                "orders__lines missing_fields lines[].sku: no record of the file holds 'lines[].sku', which column sku reads; if the source renamed it 'skew', set entities.orders.children.lines.columns.sku.from: skew"
            ])
    }

    /// A line cut short keeps every order the drop lacks, so their lines stay too; the orders
    /// it does hold get exactly their lines.
    @Test func anUnreadableRecordKeepsTheChildrenOfTheParentsItMayHaveHeld() throws {
        let runs = try Self.run(
            Self.spec(),
            [
                """
                {"id": "O-1", "customer": "Ann", "lines": [{"no": 1, "sku": "A"}, {"no": 2, "sku": "B"}]}
                {"id": "O-2", "customer": "Bo", "lines": [{"no": 1, "sku": "C"}]}

                """,
                """
                {"id": "O-1", "customer": "Ann", "lines": [{"no": 2, "sku": "B"}]}
                {"id": "O-2", "customer": "Bo", "lines": [{"no": 1,

                """
            ])
        #expect(runs[1].1 == ["O-1|2|B", "O-2|1|C"])
        #expect(runs[1].0.findings.map(\.check) == ["unread_records"])
    }
}
