import Foundation
import GRDB
import Testing

@testable import AirlockBase
@testable import AirlockProducer
@testable import AirlockSpec

/// Three levels of foreign keys (customers ← orders ← order_lines), declared children first in
/// the spec: the scripts insert, re-point and delete without a constraint error on targets
/// that enforce the constraints, and roll back the same way.
@Suite(.tags(.postgres, .sqlite3), .runsExternalPrograms) struct ForeignKeyOrderTests {
    static let spec = """
        producer: {key: producer}
        entities:
          order_lines:
            source: {files: "lines*.csv"}
            key: line_id
            columns:
              line_id: text
              order_id: {type: integer, references: orders}
              sku: text
          orders:
            source: {files: "orders*.csv"}
            key: order_id
            columns:
              order_id: integer
              customer_id: {type: integer, references: customers}
          customers:
            source: {files: "customers*.csv"}
            key: customer_id
            columns:
              customer_id: integer
              name: text
        """

    /// Bundle 1 creates two customers with an order and a line each. Bundle 2 deletes customer 2
    /// with its order and line, adds customer 3 with an order, and moves line a to that order.
    /// Bundle 3 moves order 10 to customer 3, then deletes customer 1.
    private static var snapshots: [[String: [[DatabaseValueConvertible?]]]] {
        [
            [
                "customers": [[1, "Ann"], [2, "Bo"]], "orders": [[10, 1], [11, 2]],
                "order_lines": [["a", 10, "X1"], ["b", 11, "X2"]]
            ],
            [
                "customers": [[1, "Ann"], [3, "Cy"]], "orders": [[10, 1], [12, 3]],
                "order_lines": [["a", 12, "X1"], ["c", 12, "X3"]]
            ],
            ["customers": [[3, "Cy"]], "orders": [[10, 3], [12, 3]], "order_lines": [["a", 12, "X1"], ["c", 12, "X3"]]]
        ]
    }

    @Test func specOrdersParentsFirst() throws {
        let spec = try Spec.parse(yaml: Self.spec)
        #expect(spec.entities.map(\.name) == ["customers", "orders", "order_lines"])
    }

    @Test(arguments: SQLDialect.allCases)
    func appliesAndRollsBackWithConstraintsEnforced(dialect: SQLDialect) throws {
        let harness = try ScriptHarness(entities: try Spec.parse(yaml: Self.spec).entities)
        let target = try ScriptTarget.fresh(dialect)
        defer { target.remove() }
        var states: [String] = []
        var bundles: [ScriptHarness.Scripts] = []
        for snapshot in Self.snapshots {
            let scripts = try harness.bundle(snapshot)
            let run = try target.run(scripts.upsert(dialect))
            #expect(run.status == 0, "\(run.error)")
            #expect(try harness.rows(of: target) == (try harness.baseline()))
            states.append(try harness.baseline())
            bundles.append(scripts)
        }
        switch target {
        case let .postgres(postgres):
            #expect(try postgres.query("SELECT count(*) FROM pg_constraint WHERE contype = 'f'") == "2\n")
        case let .sqlite(path):
            #expect(
                try Shell.run([
                    "sqlite3", path.path,
                    "SELECT (SELECT count(*) FROM pragma_foreign_key_list('orders')) + (SELECT count(*) FROM pragma_foreign_key_list('order_lines'))"
                ]).output == "2\n")
            #expect(try Shell.run(["sqlite3", path.path, "PRAGMA foreign_key_check"]).output == "")
        }
        for (scripts, earlier) in zip(bundles.reversed(), states.dropLast().reversed()).prefix(2) {
            let run = try target.run(scripts.rollback(dialect))
            #expect(run.status == 0, "\(run.error)")
            #expect(try harness.rows(of: target) == earlier)
        }
    }

    /// The control: the same bundles written children first fail on the same server, so the
    /// constraints are really checked and the order is what makes the tests above pass.
    @Test func childrenFirstFailsOnTheSameServer() throws {
        let entities = try Spec.parse(yaml: Self.spec).entities
        let postgres = try Postgres.freshDatabase()
        for entity in entities {
            _ = try postgres.query(EntitySQL(entity, .postgres).createTargetTable)
        }
        let harness = try ScriptHarness(entities: entities.reversed())
        let run = try postgres.apply(try harness.bundle(Self.snapshots[0]).upsert(.postgres))
        #expect(run.status != 0)
        #expect(run.error.contains("violates foreign key constraint"))
    }

    @Test func cyclesAndBadReferencesAreNamed() {
        func spec(_ columns: String) -> String {
            """
            producer: {key: p}
            entities:
              a:
                source: {files: "a*.csv"}
                key: id
                columns: {id: integer, b_id: {type: integer, references: b}}
              b:
                source: {files: "b*.csv"}
                key: id
                columns: {id: integer, \(columns)}
            """
        }
        #expect(
            throws: SpecError.invalid(
                path: "airlock.yml", at: "entities.a.columns.b_id.references",
                reason: "foreign keys form a cycle (a → b → a); scripts could not order their inserts and deletes")
        ) {
            try Spec.parse(yaml: spec("a_id: {type: integer, references: a}"))
        }
        #expect(
            throws: SpecError.invalid(
                path: "airlock.yml", at: "entities.b.columns.c_id.references", reason: "no entity is named 'c'")
        ) {
            try Spec.parse(yaml: spec("c_id: {type: integer, references: c}"))
        }
        #expect(
            throws: SpecError.invalid(
                path: "airlock.yml", at: "entities.b.columns.a_id.references",
                reason: "'a.id' is integer but this column is text; make them the same type")
        ) {
            try Spec.parse(yaml: spec("a_id: {type: text, references: a}"))
        }
        #expect(throws: SpecError.self) { try Spec.parse(yaml: spec("b_id: {type: integer, references: b}")) }
    }
}
