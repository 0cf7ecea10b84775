import Foundation
import Testing

@testable import AirlockBase
@testable import AirlockSite

/// Bundles applied onto a database the site built itself (`SeedsFixture`): its schemas,
/// enum, uuid, varchar and jsonb columns, a bigserial id and columns of its own, with plain
/// `psql -1 -f` and with `airlock apply`, and every way back exact.
@Suite(.tags(.postgres, .sqlite3), .runsExternalPrograms) struct ExistingDatabaseTests {
    private func psql(_ postgres: Postgres, _ folder: URL, _ script: String) throws -> Shell.Result {
        try postgres.apply(folder.appendingPathComponent("postgres/\(script)"))
    }

    private func verifies(_ postgres: Postgres, _ folder: URL) throws -> Shell.Result {
        try Shell.run([
            "psql", postgres.conninfo, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-f",
            folder.appendingPathComponent("postgres/verify.sql").path
        ])
    }

    @Test func bundlesApplyVerifyAndRollBackExactlyOnTheSitesOwnSchema() throws {
        let fixture = try SeedsFixture()
        let postgres = try SeedsFixture.postgresTarget()
        let empty = try SeedsFixture.dump(postgres)

        let first = try psql(postgres, fixture.extracted1, "upsert.sql")
        #expect(first.status == 0, "\(first.error)")
        let verified = try verifies(postgres, fixture.extracted1)
        #expect(
            verified.status == 0 && verified.output.contains("airlock: products: ok"),
            "\(verified.output) \(verified.error)")
        #expect(
            try postgres.query("SELECT email, role FROM auth.users ORDER BY email")
                == "lerato@example.com|member\nsipho@example.com|member\nthandi@example.com|admin\n")
        #expect(
            try postgres.query("SELECT preferences->>'theme' FROM unified_profiles WHERE display_name = 'Thandi'")
                == "dark\n")
        // An array column takes its literal as an array, elements and all.
        #expect(
            try postgres.query(
                "SELECT array_length(tags, 1), tags[2] FROM unified_profiles WHERE display_name = 'Thandi'")
                == "2|early adopter\n")
        // The site's own columns: ids from its sequence, values of its own.
        _ = try postgres.query(
            "UPDATE products SET notes = 'reorder', stock = 7 WHERE sku = 'P-2'; UPDATE products SET stock = 3 WHERE sku = 'P-1'"
        )
        let ids = try postgres.query("SELECT sku, id FROM products ORDER BY sku")
        let atOne = try SeedsFixture.dump(postgres)

        let second = try fixture.airlock(["apply", fixture.bundle2.path, "--target", "postgres:" + postgres.conninfo])
        #expect(second.status == 0, "\(second.error)")
        #expect(
            second.output.contains("verify.sql: every table the bundle changed holds the rows"),
            "\(second.output) \(second.error)")
        #expect(
            try postgres.query("SELECT sku, price, stock, notes FROM products ORDER BY sku")
                == "P-1|12.50|3|\nP-3|150.50|0|\nP-4|50.00|0|\n")
        #expect(
            try postgres.query("SELECT sku, id FROM products WHERE sku IN ('P-1', 'P-3') ORDER BY sku")
                == ids.split(separator: "\n").filter { !$0.hasPrefix("P-2") }.map { $0 + "\n" }.joined())
        #expect(try postgres.query("SELECT count(*) FROM auth.users WHERE created_at IS NULL") == "0\n")

        let back = try psql(postgres, fixture.extracted2, "rollback.sql")
        #expect(back.status == 0, "\(back.error)")
        #expect(
            try SeedsFixture.dump(postgres) == atOne,
            "rollback restores every column of every row, P-2's notes and id too")

        let cutover = try psql(postgres, fixture.extracted2, "cutover.sql")
        #expect(cutover.status == 0, "\(cutover.error)")
        #expect(try verifies(postgres, fixture.extracted2).status == 0)
        #expect(
            try postgres.query("SELECT sku, price, stock FROM products ORDER BY sku")
                == "P-1|12.50|3\nP-3|150.50|0\nP-4|50.00|0\n")
        #expect(
            try postgres.query("SELECT sku, id FROM products WHERE sku IN ('P-1', 'P-3') ORDER BY sku")
                == ids.split(separator: "\n").filter { !$0.hasPrefix("P-2") }.map { $0 + "\n" }.joined())
        #expect(try postgres.query("SELECT count(*) FROM auth.users__backup_000002") == "3\n")
        let cutBack = try psql(postgres, fixture.extracted2, "cutover-rollback.sql")
        #expect(cutBack.status == 0, "\(cutBack.error)")
        #expect(try SeedsFixture.dump(postgres) == atOne, "the cutover's rollback puts the site's tables back")

        // Applied again, the rows it inserts get new defaults (a new id, a new created_at); the
        // rows it updates keep theirs.
        #expect(try psql(postgres, fixture.extracted2, "upsert.sql").status == 0)
        #expect(try verifies(postgres, fixture.extracted2).status == 0)
        #expect(try psql(postgres, fixture.extracted2, "rollback.sql").status == 0)
        #expect(try SeedsFixture.dump(postgres) == atOne)
        _ = try postgres.query("UPDATE products SET notes = NULL, stock = 0")
        #expect(try psql(postgres, fixture.extracted1, "rollback.sql").status == 0)
        #expect(try SeedsFixture.dump(postgres) == empty, "rolled back to the start, the target is as the site made it")
    }
}

extension ExistingDatabaseTests {
    /// The other way round: airlock for bundle 1 and its rollback, psql for bundle 2.
    @Test func airlockAndPsqlTakeTurns() throws {
        let fixture = try SeedsFixture()
        let postgres = try SeedsFixture.postgresTarget()
        let target = "postgres:" + postgres.conninfo
        let empty = try SeedsFixture.dump(postgres)
        let first = try fixture.airlock(["apply", fixture.bundle1.path, "--target", target])
        #expect(first.status == 0, "\(first.error)")
        #expect(first.output.contains("verify.sql: every table the bundle changed holds the rows"), "\(first.output)")
        let second = try psql(postgres, fixture.extracted2, "upsert.sql")
        #expect(second.status == 0, "\(second.error)")
        #expect(try verifies(postgres, fixture.extracted2).status == 0)
        #expect(try psql(postgres, fixture.extracted2, "rollback.sql").status == 0)
        let back = try fixture.airlock(["rollback", fixture.bundle1.path, "--target", target])
        #expect(back.status == 0, "\(back.error)")
        #expect(try SeedsFixture.dump(postgres) == empty)
    }
}

extension ExistingDatabaseTests {
    /// The same site on SQLite: no schemas (auth.users is users), a CHECK constraint for the
    /// role, an INTEGER PRIMARY KEY id and columns of the site's own.
    static let sqliteSchema = """
        CREATE TABLE users (id TEXT PRIMARY KEY, email VARCHAR(120) NOT NULL UNIQUE,
            role TEXT NOT NULL CHECK (role IN ('admin', 'member', 'guest')), created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP);
        CREATE TABLE unified_profiles (user_id TEXT PRIMARY KEY REFERENCES users (id), display_name TEXT, preferences TEXT,
            tags TEXT, updated_at TEXT DEFAULT CURRENT_TIMESTAMP);
        CREATE TABLE products (id INTEGER PRIMARY KEY, sku TEXT NOT NULL, name TEXT, product_type TEXT NOT NULL, price TEXT,
            notes TEXT, stock INTEGER NOT NULL DEFAULT 0);
        """

    private func sqlite3(_ path: URL, _ folder: URL, _ script: String) throws -> Shell.Result {
        try Shell.run(
            ["sqlite3", "-bail", path.path],
            input: try String(contentsOf: folder.appendingPathComponent("sqlite/\(script)"), encoding: .utf8),
            in: folder)
    }

    /// The site's tables as `.dump` writes them, every value of every column; lines sorted, as
    /// a row restored to a table without an INTEGER PRIMARY KEY may take another rowid, which
    /// is not data (VACUUM renumbers them too).
    private func sqliteDump(_ path: URL) throws -> String {
        try Shell.run(["sqlite3", path.path, ".dump users unified_profiles products"]).output
            .split(separator: "\n").sorted().joined(separator: "\n")
    }

    @Test func sqliteTargetOfTheSitesOwnTakesBundlesAndGivesThemBack() throws {
        let fixture = try SeedsFixture()
        let path = fixture.workspace.root.appendingPathComponent("site.db")
        #expect(try Shell.run(["sqlite3", path.path, Self.sqliteSchema]).status == 0)
        let empty = try sqliteDump(path)
        let first = try sqlite3(path, fixture.extracted1, "upsert.sql")
        #expect(first.status == 0, "\(first.error)")
        #expect(try sqlite3(path, fixture.extracted1, "verify.sql").status == 0)
        _ = try Shell.run(["sqlite3", path.path, "UPDATE products SET notes = 'reorder', stock = 7 WHERE sku = 'P-2'"])
        let ids = try Shell.run(["sqlite3", path.path, "SELECT sku, id FROM products WHERE sku <> 'P-2' ORDER BY sku"])
            .output
        let atOne = try sqliteDump(path)

        let second = try fixture.airlock(["apply", fixture.bundle2.path, "--target", "sqlite:" + path.path])
        #expect(second.status == 0, "\(second.error)")
        #expect(second.output.contains("verify.sql: every table the bundle changed holds the rows"), "\(second.output)")
        #expect(
            try Shell.run([
                "sqlite3", path.path, "SELECT sku, id FROM products WHERE sku IN ('P-1', 'P-3') ORDER BY sku"
            ]).output == ids)
        #expect(try sqlite3(path, fixture.extracted2, "rollback.sql").status == 0)
        #expect(try sqliteDump(path) == atOne)

        let cutover = try sqlite3(path, fixture.extracted2, "cutover.sql")
        #expect(cutover.status == 0, "\(cutover.error)")
        #expect(try sqlite3(path, fixture.extracted2, "verify.sql").status == 0)
        #expect(
            try Shell.run([
                "sqlite3", path.path, "SELECT sku, id FROM products WHERE sku IN ('P-1', 'P-3') ORDER BY sku"
            ]).output == ids)
        #expect(try sqlite3(path, fixture.extracted2, "cutover-rollback.sql").status == 0)
        #expect(try sqliteDump(path) == atOne)
        _ = try Shell.run(["sqlite3", path.path, "UPDATE products SET notes = NULL, stock = 0"])
        #expect(try sqlite3(path, fixture.extracted1, "rollback.sql").status == 0)
        #expect(try sqliteDump(path) == empty)
    }
}

extension ExistingDatabaseTests {
    /// A target with the schema and nothing in it: the upsert makes each table in its schema,
    /// with the foreign key naming the mapped parent table, and a cutover swaps them there.
    @Test func theBundleMakesTheTablesItLacksWhereTheSpecMapsThem() throws {
        let fixture = try SeedsFixture.shared.get()
        let postgres = try Postgres.freshDatabase()
        _ = try postgres.query("CREATE SCHEMA auth")
        #expect(try psql(postgres, fixture.extracted1, "upsert.sql").status == 0)
        #expect(
            try postgres.query(
                "SELECT conrelid::regclass || ' -> ' || confrelid::regclass FROM pg_constraint WHERE contype = 'f'")
                == "unified_profiles -> auth.users\n")
        #expect(try postgres.query("SELECT count(*) FROM auth.users") == "3\n")
        let cutover = try psql(postgres, fixture.extracted2, "cutover.sql")
        #expect(cutover.status == 0, "\(cutover.error)")
        #expect(try verifies(postgres, fixture.extracted2).status == 0)
        #expect(
            try postgres.query(
                "SELECT conrelid::regclass || ' -> ' || confrelid::regclass FROM pg_constraint WHERE contype = 'f' ORDER BY 1"
            )
                == "unified_profiles -> auth.users\n")
        #expect(try postgres.query("SELECT to_regclass('auth.users__backup_000002') IS NOT NULL") == "t\n")
    }
}
