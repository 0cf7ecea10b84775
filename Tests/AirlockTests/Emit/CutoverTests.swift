import Foundation
import GRDB
import Testing

@testable import AirlockBase
@testable import AirlockProducer
@testable import AirlockSpec

/// Cutover scripts on targets a DBA has worked on: what the target added to a managed table
/// survives the swap, foreign keys follow the tables, and anything the bundle does not manage
/// stops the script before it changes a thing.
@Suite(.tags(.postgres, .sqlite3), .runsExternalPrograms) struct CutoverTests {
    private static var first: [String: [[DatabaseValueConvertible?]]] {
        [
            "customers": [[1, "Ann"], [2, "Bo"]], "orders": [[10, 1], [11, 2]]
        ]
    }
    /// Changes only customers (of ForeignKeyOrderTests' three levels), so orders keeps its table and its foreign key must be re-pointed.
    private static var renamed: [String: [[DatabaseValueConvertible?]]] {
        ["customers": [[1, "Ann B"], [2, "Bo"], [3, "Cy"]]]
    }
    /// Drops customer 2, whom order 11 still refers to.
    private static var orphaning: [String: [[DatabaseValueConvertible?]]] {
        ["customers": [[1, "Ann"]]]
    }

    private func harness() throws -> ScriptHarness {
        try ScriptHarness(entities: try Spec.parse(yaml: ForeignKeyOrderTests.spec).entities)
    }

    @Test func postgresKeepsIndexesGrantsAndForeignKeysAcrossCutoverAndRollback() throws {
        let harness = try harness()
        let postgres = try Postgres.freshDatabase()
        let target = ScriptTarget.postgres(postgres)
        #expect(try target.run(try harness.bundle(Self.first).upsert(.postgres)).status == 0)
        let before = try harness.baseline()
        let reader = "reader_" + UUID().uuidString.prefix(8).lowercased()
        _ = try postgres.query(
            """
            CREATE INDEX customers_name_idx ON customers (lower(name)) WHERE name IS NOT NULL;
            ALTER TABLE customers ADD CONSTRAINT name_not_blank CHECK (name <> '');
            CREATE ROLE \(reader); GRANT SELECT ON customers TO \(reader);
            """)
        let bundle = try harness.bundle(Self.renamed)
        let after = try harness.baseline()
        let indexes =
            "SELECT string_agg(indexname, ',' ORDER BY indexname) FROM pg_indexes WHERE tablename = 'customers'"
        let foreignKeys =
            "SELECT string_agg(conrelid::regclass || '->' || confrelid::regclass, ',' ORDER BY conname) FROM pg_constraint WHERE contype = 'f'"

        let cutover = try target.run(bundle.cutover(.postgres))
        #expect(cutover.status == 0, "\(cutover.error)")
        #expect(try harness.rows(of: target) == after)
        #expect(try postgres.query(indexes) == "customers_name_idx,customers_pkey\n")
        #expect(try postgres.query(foreignKeys) == "order_lines->orders,orders->customers\n")
        #expect(
            try postgres.query(
                "SELECT has_table_privilege('\(reader)', 'customers', 'SELECT'), count(*) FROM customers__backup_000002"
            ) == "t|2\n")
        #expect(
            try postgres.query(
                "SELECT count(*) FROM pg_constraint WHERE conrelid = 'customers'::regclass AND conname = 'name_not_blank'"
            ) == "1\n")
        let orphan = try Shell.run([
            "psql", postgres.conninfo, "-X", "-q", "-c", "DELETE FROM customers WHERE customer_id = 1"
        ])
        #expect(
            orphan.error.contains("violates foreign key constraint"), "orders must refer to the new customers table")

        let rollback = try target.run(bundle.cutoverRollback(.postgres))
        #expect(rollback.status == 0, "\(rollback.error)")
        #expect(try harness.rows(of: target) == before)
        #expect(try postgres.query(indexes) == "customers_name_idx,customers_pkey\n")
        #expect(try postgres.query(foreignKeys) == "order_lines->orders,orders->customers\n")
        #expect(
            try postgres.query(
                "SELECT count(*), to_regclass('customers__backup_000002') IS NULL FROM customers__staging_000002")
                == "3|t\n")

        let retry = try target.run(bundle.cutover(.postgres))
        #expect(retry.status == 0, "\(retry.error)")
        #expect(try harness.rows(of: target) == after)
        _ = try postgres.query("DROP OWNED BY \(reader); DROP ROLE \(reader)")
    }

    @Test func postgresStopsOnWhatTheBundleDoesNotManage() throws {
        let harness = try harness()
        let postgres = try Postgres.freshDatabase()
        let target = ScriptTarget.postgres(postgres)
        #expect(try target.run(try harness.bundle(Self.first).upsert(.postgres)).status == 0)
        let before = try harness.rows(of: target)
        let bundle = try harness.bundle(Self.renamed)
        let dependents = [
            (
                "view customer_names", "CREATE VIEW customer_names AS SELECT name FROM customers",
                "DROP VIEW customer_names"
            ),
            (
                "foreign key invoices_customer_id_fkey of table invoices",
                "CREATE TABLE invoices (customer_id bigint REFERENCES customers)", "DROP TABLE invoices"
            ),
            (
                "trigger audit",
                """
                CREATE FUNCTION audit() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END';
                CREATE TRIGGER audit AFTER INSERT ON customers FOR EACH ROW EXECUTE FUNCTION audit()
                """, "DROP TRIGGER audit ON customers"
            )
        ]
        for (name, create, drop) in dependents {
            _ = try postgres.query(create)
            let run = try target.run(bundle.cutover(.postgres))
            #expect(run.status != 0)
            #expect(
                run.error.contains(
                    "cutover of customers stopped before any change: \(name) depends on table customers"),
                "\(run.error)")
            #expect(try harness.rows(of: target) == before)
            _ = try postgres.query(drop)
        }
        #expect(try target.run(bundle.cutover(.postgres)).status == 0)
    }

    @Test func sqliteStopsOnTriggersAndKeepsIndexes() throws {
        let harness = try harness()
        let target = try ScriptTarget.fresh(.sqlite)
        defer { target.remove() }
        guard case let .sqlite(path) = target else { return }
        #expect(try target.run(try harness.bundle(Self.first).upsert(.sqlite)).status == 0)
        let before = try harness.rows(of: target)
        let bundle = try harness.bundle(Self.renamed)
        _ = try Shell.run([
            "sqlite3", path.path,
            """
            CREATE INDEX customers_name_idx ON customers (name);
            CREATE TRIGGER audit AFTER INSERT ON customers BEGIN SELECT 1; END;
            """
        ])
        let stopped = try target.run(bundle.cutover(.sqlite))
        #expect(stopped.status != 0)
        #expect(
            stopped.error.contains("cutover of customers stopped before any change: table customers has triggers"),
            "\(stopped.error)")
        #expect(try harness.rows(of: target) == before)

        _ = try Shell.run(["sqlite3", path.path, "DROP TRIGGER audit"])
        let run = try target.run(bundle.cutover(.sqlite))
        #expect(run.status == 0, "\(run.error)")
        #expect(try harness.rows(of: target) == (try harness.baseline()))
        #expect(
            try Shell.run([
                "sqlite3", path.path,
                "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'customers' AND sql IS NOT NULL"
            ]).output == "customers_name_idx\n")
        #expect(try Shell.run(["sqlite3", path.path, "SELECT count(*) FROM customers__backup_000002"]).output == "2\n")
    }

    /// The spec's `cutover:` minimums, with four customers on the target (no orders, so only
    /// the minimums can stop the cutover): a snapshot below one stops it before any change, a
    /// snapshot at the minimum goes through.
    @Test(arguments: SQLDialect.allCases)
    func cutoverStopsBelowTheSpecsMinimums(dialect: SQLDialect) throws {
        let four: [String: [[DatabaseValueConvertible?]]] = ["customers": [[1, "Ann"], [2, "Bo"], [3, "Cy"], [4, "Di"]]]
        let cases: [(CutoverMinimums, customers: Int, stop: String?)] = [
            (CutoverMinimums(rows: 2), 1, "bundle 000002 holds 1 rows, fewer than the spec's cutover.min_rows 2"),
            (CutoverMinimums(rows: 2), 2, nil),
            (
                CutoverMinimums(shareOfCurrent: "0.5"), 1,
                "bundle 000002 holds 1 rows, fewer than the spec's cutover.min_share_of_current 0.5 of the rows table customers holds now"
            ),
            (CutoverMinimums(shareOfCurrent: "0.5"), 2, nil)
        ]
        for (minimums, customers, stop) in cases {
            var entities = try Spec.parse(yaml: ForeignKeyOrderTests.spec).entities
            entities[entities.firstIndex { $0.name == "customers" }!].cutoverMinimums = minimums
            let harness = try ScriptHarness(entities: entities)
            let target = try ScriptTarget.fresh(dialect)
            defer { target.remove() }
            #expect(try target.run(try harness.bundle(four).upsert(dialect)).status == 0)
            let before = try harness.rows(of: target)
            let run = try target.run(
                try harness.bundle(["customers": Array(four["customers"]!.prefix(customers))]).cutover(dialect))
            if let stop {
                #expect(run.status != 0)
                #expect(
                    run.error.contains("airlock: cutover of customers stopped before any change: " + stop),
                    "\(run.error)")
                #expect(try harness.rows(of: target) == before)
            } else {
                #expect(run.status == 0, "\(minimums), \(customers) customers: \(run.error)")
                #expect(try harness.rows(of: target) == (try harness.baseline()))
            }
        }
    }

    @Test(arguments: SQLDialect.allCases)
    func cutoverThatOrphansRowsChangesNothing(dialect: SQLDialect) throws {
        let harness = try harness()
        let target = try ScriptTarget.fresh(dialect)
        defer { target.remove() }
        #expect(try target.run(try harness.bundle(Self.first).upsert(dialect)).status == 0)
        let before = try harness.rows(of: target)
        let run = try target.run(try harness.bundle(Self.orphaning).cutover(dialect))
        #expect(run.status != 0)
        let expected =
            dialect == .sqlite
            ? "airlock: foreign key broken: orders row 11 refers to a missing row of customers"
            : "violates foreign key constraint"
        #expect(run.output.contains(expected) || run.error.contains(expected), "\(run.output) \(run.error)")
        #expect(try harness.rows(of: target) == before)
    }
}
