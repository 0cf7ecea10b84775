import Foundation
import GRDB
import Testing

@testable import AirlockBase
@testable import AirlockProducer
@testable import AirlockSite
@testable import AirlockSpec

/// An API dump of orders with nested lines (`children:`): the lines are an entity of their
/// own, following their orders. Inserts, updates and deletes of lines and orders apply and
/// roll back exactly on real PostgreSQL and SQLite with the foreign keys enforced; a bad
/// line holds back its order's lines, a held-back order keeps its lines.
@Suite(.tags(.postgres, .sqlite3), .runsExternalPrograms) struct ChildEntityTests {
    static let spec = """
        producer: {key: producer}
        entities:
          orders:
            source: {files: "orders*.json", records: data.orders}
            key: order_id
            delivery: both
            columns:
              order_id: {from: id, type: text}
              customer: text
              total: "decimal(10,2)"
            children:
              lines:
                path: "lines[]"
                key: [line_no]
                columns:
                  line_no: {from: no, type: integer}
                  sku: text
                  qty: integer
                children:
                  taxes: {path: "taxes[]", key: ordinal, columns: {rate: "decimal(5,2)"}}

        """

    /// Four exports: the first load; lines updated, added and removed, an order added and one
    /// deleted with its lines; an order's lines emptied and another's field gone; a bad line
    /// quantity and a bad order total, each held back.
    static let drops = [
        #"""
        {"data": {"orders": [
          {"id": "O-1", "customer": "Ann", "total": "10.00", "lines": [
            {"no": 1, "sku": "A", "qty": 2, "taxes": [{"rate": "15.00"}]},
            {"no": 2, "sku": "B", "qty": 1}]},
          {"id": "O-2", "customer": "Bo", "total": 5, "lines": [{"no": 1, "sku": "C", "qty": 5}]},
          {"id": "O-3", "customer": "Cy", "total": "7.5", "lines": [
            {"no": 1, "sku": "A", "qty": 1, "taxes": [{"rate": "15.00"}, {"rate": "2.50"}]}, {"no": 2, "sku": "D", "qty": 3}]}
        ]}}
        """#,
        #"""
        {"data": {"orders": [
          {"id": "O-1", "customer": "Ann", "total": "10.00", "lines": [
            {"no": 1, "sku": "A", "qty": 3, "taxes": [{"rate": "14.00"}]},
            {"no": 3, "sku": "E", "qty": 1, "taxes": []}]},
          {"id": "O-2", "customer": "Bob", "total": 5, "lines": [{"no": 1, "sku": "C", "qty": 5}]},
          {"id": "O-4", "customer": "Di", "total": 1, "lines": [{"no": 1, "sku": "F", "qty": 1, "taxes": [{"rate": "1"}]}]}
        ]}}
        """#,
        #"""
        {"data": {"orders": [
          {"id": "O-1", "customer": "Ann", "total": "10.00", "lines": []},
          {"id": "O-2", "customer": "Bob", "total": 5},
          {"id": "O-4", "customer": "Di", "total": 1, "lines": [{"no": 1, "sku": "F", "qty": 1, "taxes": [{"rate": "1"}]}]}
        ]}}
        """#,
        #"""
        {"data": {"orders": [
          {"id": "O-1", "customer": "Ann", "total": "oops", "lines": [{"no": 9, "sku": "Z", "qty": 1}]},
          {"id": "O-2", "customer": "Bob", "total": 5, "lines": [{"no": 1, "sku": "C", "qty": 6}]},
          {"id": "O-4", "customer": "Dee", "total": 1, "lines": [{"no": 1, "sku": "F", "qty": "x"}, {"no": 2, "sku": "G", "qty": 1}]}
        ]}}
        """#
    ]

    /// The rows each bundle leaves, `order|customer|total`, `order|line|sku|qty`, `order|line|ordinal|rate`.
    static let states: [[String: [String]]] = [
        [
            "orders": ["O-1|Ann|10.00", "O-2|Bo|5.00", "O-3|Cy|7.50"],
            "orders__lines": ["O-1|1|A|2", "O-1|2|B|1", "O-2|1|C|5", "O-3|1|A|1", "O-3|2|D|3"],
            "orders__lines__taxes": ["O-1|1|1|15.00", "O-3|1|1|15.00", "O-3|1|2|2.50"]
        ],
        [
            "orders": ["O-1|Ann|10.00", "O-2|Bob|5.00", "O-4|Di|1.00"],
            "orders__lines": ["O-1|1|A|3", "O-1|3|E|1", "O-2|1|C|5", "O-4|1|F|1"],
            "orders__lines__taxes": ["O-1|1|1|14.00", "O-4|1|1|1.00"]
        ],
        [
            "orders": ["O-1|Ann|10.00", "O-2|Bob|5.00", "O-4|Di|1.00"],
            "orders__lines": ["O-4|1|F|1"],
            "orders__lines__taxes": ["O-4|1|1|1.00"]
        ],
        [
            // O-1's record is held back: it keeps its row and its (no) lines. O-4's line 1 is
            // bad: O-4 changes, its lines stay as they were (line 2 waits for a good record).
            "orders": ["O-1|Ann|10.00", "O-2|Bob|5.00", "O-4|Dee|1.00"],
            "orders__lines": ["O-2|1|C|6", "O-4|1|F|1"],
            "orders__lines__taxes": ["O-4|1|1|1.00"]
        ]
    ]

    static func rows(_ db: Database, _ entity: EntitySpec, table: String) throws -> [String] {
        let columns = entity.columns.map { "CAST(\(SQLDialect.sqlite.identifier($0.name)) AS TEXT)" }
        return try String.fetchAll(db, sql: "SELECT \(columns.joined(separator: " || '|' || ")) FROM \(table)").sorted()
    }

    /// The four drops run in a fresh workspace, each checked to leave its state.
    struct Produced {
        let workspace: TestWorkspace
        var folders: [URL] = []
        var reports: [RunReport] = []
        var manifests: [Manifest] = []

        func script(_ bundle: Int, _ script: BundleScript, _ dialect: SQLDialect) -> URL {
            folders[bundle].appendingPathComponent(BundleLayout.script(script, for: dialect))
        }
    }

    static let entities = try! Spec.parse(yaml: spec).entities

    static func produce() throws -> Produced {
        var produced = Produced(workspace: try TestWorkspace(spec: Self.spec))
        for (index, drop) in Self.drops.enumerated() {
            try produced.workspace.write(drop, toInbox: "orders-\(index + 1).json")
            let report = try produced.workspace.run()
            guard case let .bundle(file, manifest, _) = report.outcome else {
                throw ShellError(description: "drop \(index + 1): no bundle: \(report.outcome)")
            }
            produced.folders.append(try Shell.extract(file))
            produced.reports.append(report)
            produced.manifests.append(manifest)
            let baseline = try DatabaseQueue(path: produced.workspace.database.path).read { db in
                try Dictionary(
                    uniqueKeysWithValues: entities.map {
                        ($0.name, try Self.rows(db, $0, table: EntityTables($0).baseline))
                    })
            }
            #expect(baseline == Self.states[index], "drop \(index + 1)")
        }
        return produced
    }

    @Test func ordersAndLinesApplyAndRollBackExactlyUnderEnforcedForeignKeys() throws {
        let produced = try Self.produce()
        defer { produced.workspace.remove() }
        let lines = produced.manifests[1].entities.first { $0.name == "orders__lines" }!.counts
        #expect(
            lines
                == EntityCounts(
                    processed: 4, inserted: 2, updated: 1, deleted: 3, unchanged: 1, quarantined: 0, superseded: 0,
                    failed: 0))
        #expect(produced.manifests[1].entities.map(\.name) == ["orders", "orders__lines", "orders__lines__taxes"])
        // Drop 4: the bad total holds back O-1 (its line 9 with it), the bad quantity O-4's lines.
        let findings = produced.reports[3].findings.map {
            "\($0.entity) record \($0.record ?? 0) \($0.field ?? ""): \($0.reason)"
        }
        #expect(
            findings == [
                "orders record 1 total: 'oops' is not a decimal number",
                "orders__lines record 3 lines[0].qty: 'x' is not an integer"
            ])
        // O-2's line returns (drop 3 removed it); O-4's two lines are held back, its old line kept.
        let held = produced.manifests[3].entities.first { $0.name == "orders__lines" }!.counts
        #expect(
            held
                == EntityCounts(
                    processed: 3, inserted: 1, updated: 0, deleted: 0, unchanged: 0, quarantined: 2, superseded: 0,
                    failed: 0))

        for dialect in SQLDialect.allCases {
            let target = try ScriptTarget.fresh(dialect)
            defer { target.remove() }
            for index in produced.folders.indices {
                for step in [BundleScript.upsert, .verify] {
                    let run = try target.run(produced.script(index, step, dialect))
                    #expect(run.status == 0, "\(dialect) bundle \(index + 1) \(step): \(run.error)")
                }
                #expect(try Self.targetRows(target) == Self.states[index], "\(dialect) bundle \(index + 1)")
            }
            #expect(try Self.foreignKeys(target) == 2, "\(dialect)")
            for index in produced.folders.indices.reversed().dropLast() {
                let run = try target.run(produced.script(index, .rollback, dialect))
                #expect(run.status == 0, "\(dialect) rollback \(index + 1): \(run.error)")
                #expect(try Self.targetRows(target) == Self.states[index - 1], "\(dialect) rollback \(index + 1)")
            }
        }
    }

    /// Bundle 2 as a cutover onto bundle 1: orders, lines and taxes are replaced together
    /// (an order gone takes its lines), and the cutover's rollback brings bundle 1 back.
    @Test func aCutoverReplacesOrdersWithTheirLinesAndRollsBack() throws {
        let produced = try Self.produce()
        defer { produced.workspace.remove() }
        for dialect in SQLDialect.allCases {
            let target = try ScriptTarget.fresh(dialect)
            defer { target.remove() }
            #expect(try target.run(produced.script(0, .upsert, dialect)).status == 0)
            let cutover = try target.run(produced.script(1, .cutover, dialect))
            #expect(cutover.status == 0, "\(dialect) cutover: \(cutover.error)")
            #expect(try Self.targetRows(target) == Self.states[1], "\(dialect) cutover")
            #expect(try Self.foreignKeys(target) == 2, "\(dialect)")
            let rollback = try target.run(produced.script(1, .cutoverRollback, dialect))
            #expect(rollback.status == 0, "\(dialect) cutover rollback: \(rollback.error)")
            #expect(try Self.targetRows(target) == Self.states[0], "\(dialect) cutover rollback")
        }
    }

    /// A line edited on the target after bundle 1 stops bundle 2, which updates it, before
    /// any change, and the error names the line by its whole key.
    @Test func aLineEditedOnTheTargetStopsTheNextBundle() throws {
        let produced = try Self.produce()
        defer { produced.workspace.remove() }
        let edit = #"UPDATE "orders__lines" SET "qty" = 99 WHERE "order_id" = 'O-1' AND "line_no" = 1"#
        for dialect in SQLDialect.allCases {
            let target = try ScriptTarget.fresh(dialect)
            defer { target.remove() }
            #expect(try target.run(produced.script(0, .upsert, dialect)).status == 0)
            switch target {
            case let .sqlite(path): _ = try Shell.run(["sqlite3", path.path, edit])
            case let .postgres(postgres): _ = try postgres.query(edit)
            }
            let run = try target.run(produced.script(1, .upsert, dialect))
            #expect(run.status != 0, "\(dialect)")
            #expect((run.output + run.error).contains("order_id=O-1, line_no=1"), "\(dialect): \(run.error)")
            var edited = Self.states[0]
            edited["orders__lines"] = edited["orders__lines"]!.map { $0 == "O-1|1|A|2" ? "O-1|1|A|99" : $0 }
            #expect(try Self.targetRows(target) == edited, "\(dialect)")
        }
    }

    /// The foreign keys the target's tables hold: each child refers to its parent.
    static func foreignKeys(_ target: ScriptTarget) throws -> Int {
        switch target {
        case let .sqlite(path):
            let names = entities.map { "'\($0.table.name)'" }.joined(separator: ", ")
            return try DatabaseQueue(path: path.path).read { db in
                try Int.fetchOne(
                    db,
                    sql:
                        "SELECT count(DISTINCT t.name || p.id) FROM sqlite_schema AS t, pragma_foreign_key_list(t.name) AS p WHERE t.name IN (\(names))"
                ) ?? 0
            }
        case let .postgres(postgres):
            return Int(
                try postgres.query("SELECT count(*) FROM pg_constraint WHERE contype = 'f'")
                    .trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
        }
    }

    static func targetRows(_ target: ScriptTarget) throws -> [String: [String]] {
        switch target {
        case let .sqlite(path):
            return try DatabaseQueue(path: path.path).read { db in
                try Dictionary(
                    uniqueKeysWithValues: entities.map {
                        ($0.name, try rows(db, $0, table: SQLDialect.sqlite.identifier($0.table.name)))
                    })
            }
        case let .postgres(postgres):
            return try Dictionary(
                uniqueKeysWithValues: entities.map { entity in
                    let columns = entity.columns.map { "\(SQLDialect.postgres.identifier($0.name))::text" }
                    let output = try postgres.query(
                        "SELECT \(columns.joined(separator: " || '|' || ")) FROM \(entity.table.qualified(.postgres))")
                    return (entity.name, output.split(separator: "\n").map(String.init).sorted())
                })
        }
    }
}
