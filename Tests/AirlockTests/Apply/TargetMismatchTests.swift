import Foundation
import Testing

@testable import AirlockBase
@testable import AirlockSite

/// Each way a site's tables can fail to fit a bundle, on `SeedsFixture`'s target changed by
/// hand: the script's check refuses it before anything changes, in words a DBA acts on, every
/// problem at once, with `airlock apply` exiting 6 and plain psql stopping; the target's ledger
/// and rows are as they were.
@Suite(.tags(.postgres, .sqlite3), .runsExternalPrograms) struct TargetMismatchTests {
    static var fixture: Result<SeedsFixture, Error> { SeedsFixture.shared }
    nonisolated(unsafe) static let onConflictFixture = Result {
        try SeedsFixture(spec: SeedsFixture.spec.replacingOccurrences(of: "    upsert: update_then_insert\n", with: ""))
    }

    private struct Case {
        let name: String
        /// SQL run on the site's schema before the bundle comes.
        let change: String
        let refusals: [String]
        var bundle = 1
        var onConflict = false
        var script = "upsert.sql"
    }

    private static let postgresCases = [
        Case(
            name: "missing schema", change: "DROP SCHEMA auth CASCADE",
            refusals: ["users: schema auth does not exist; create it (CREATE SCHEMA auth)"]),
        Case(
            name: "missing column", change: "ALTER TABLE unified_profiles DROP COLUMN display_name",
            refusals: [
                "profiles: table unified_profiles has no column display_name, which the entity fills (spec type text)"
            ]),
        Case(
            name: "a type that cannot hold the values",
            change: "ALTER TABLE products ALTER COLUMN price TYPE numeric(10,1)",
            refusals: [
                "products: column price of public.products is numeric(10,1), which cannot hold the spec's decimal(12,2) values exactly"
            ]),
        Case(
            name: "enum labels", change: "ALTER TYPE product_type RENAME VALUE 'bill_payment' TO 'bills'",
            refusals: [
                "products: enum type product_type lacks 1 label that the bundle's rows need in column product_type of public.products: 'bill_payment'; add it (ALTER TYPE product_type ADD VALUE 'bill_payment')"
            ]),
        Case(
            name: "a NOT NULL column nobody fills", change: "ALTER TABLE products ADD COLUMN supplier text NOT NULL",
            refusals: [
                "products: column supplier of public.products is NOT NULL without a default, and the entity does not fill it"
            ]),
        Case(
            name: "no unique key for on_conflict", change: "SELECT 1",
            refusals: [
                "products: table public.products has no primary key or unique constraint on (sku), which upsert: on_conflict needs (INSERT ... ON CONFLICT); add one (ALTER TABLE public.products ADD UNIQUE (sku)) or set upsert: update_then_insert"
            ], onConflict: true),
        Case(
            name: "values a column refuses",
            change: "ALTER TABLE auth.users ALTER COLUMN email TYPE varchar(17)",
            refusals: [
                "users: column email of auth.users is character varying(17), which cannot take some of the bundle's values, such as 'lerato@example.com', 'thandi@example.com': value too long for type character varying(17)"
            ]),
        Case(
            name: "every problem at once",
            change:
                "ALTER TABLE unified_profiles DROP COLUMN preferences; ALTER TYPE auth.user_role RENAME VALUE 'member' TO 'regular'; ALTER TABLE products ADD CONSTRAINT cheap CHECK (price < 100)",
            refusals: [
                "users: enum type auth.user_role lacks 1 label that the bundle's rows need in column role of auth.users: 'member'",
                "profiles: table unified_profiles has no column preferences",
                "products: 1 of the bundle's rows break check constraint cheap of public.products, CHECK (price < (100)::numeric) (sku=P-3)"
            ]),
        Case(
            name: "a table the rollback needs", change: "DROP TABLE products",
            refusals: ["products: table public.products does not exist"], script: "rollback.sql"),
        Case(
            name: "a cutover without its schema", change: "DROP SCHEMA auth CASCADE",
            refusals: ["users: schema auth does not exist; create it (CREATE SCHEMA auth)"], script: "cutover.sql")
    ]

    @Test func postgresRefusesEachMismatchInWordsAndChangesNothing() throws {
        for test in Self.postgresCases {
            let fixture = try (test.onConflict ? Self.onConflictFixture : Self.fixture).get()
            let postgres = try SeedsFixture.postgresTarget()
            let target = "postgres:" + postgres.conninfo
            let bundle =
                test.script == "rollback.sql" ? fixture.bundle1 : test.bundle == 1 ? fixture.bundle1 : fixture.bundle2
            if test.script == "rollback.sql" {
                #expect(try fixture.airlock(["apply", fixture.bundle1.path, "--target", target]).status == 0)
            }
            _ = try postgres.query(test.change)
            let before = try SeedsFixture.dump(postgres) + (try ledger(postgres))
            let command = test.script == "rollback.sql" ? ["rollback"] : ["apply"]
            let mode = test.script == "cutover.sql" ? ["--mode", "cutover"] : []
            let run = try fixture.airlock(command + [bundle.path, "--target", target] + mode)
            #expect(run.status == ExitStatus.targetDoesNotFit.rawValue, "\(test.name): \(run.status) \(run.error)")
            #expect(
                run.error.contains("the target does not fit bundle 00000\(test.bundle); nothing was changed"),
                "\(test.name)")
            for refusal in test.refusals {
                #expect(run.error.contains(refusal), "\(test.name): \(refusal)\n\(run.error)")
            }
            let plain = try postgres.apply(
                (test.bundle == 1 ? fixture.extracted1 : fixture.extracted2).appendingPathComponent(
                    "postgres/\(test.script)"))
            #expect(plain.status != 0 && plain.error.contains(test.refusals[0]), "\(test.name): \(plain.error)")
            #expect(try SeedsFixture.dump(postgres) + (try ledger(postgres)) == before, "\(test.name)")
        }
    }

    private func ledger(_ postgres: Postgres) throws -> String {
        guard try postgres.query("SELECT to_regclass('airlock_ledger') IS NOT NULL") == "t\n" else {
            return "no ledger"
        }
        return try postgres.query("SELECT bundle_id, kind FROM airlock_ledger ORDER BY id")
    }

    // MARK: - SQLite

    private static let sqliteCases = [
        Case(
            name: "missing column", change: "ALTER TABLE unified_profiles DROP COLUMN display_name",
            refusals: ["profiles: table unified_profiles has no column display_name, which the entity fills"]),
        Case(
            name: "an affinity that changes values",
            change:
                "DROP TABLE products; CREATE TABLE products (sku TEXT, name TEXT, product_type TEXT, price DECIMAL(12,2))",
            refusals: [
                "products: column price of table products is declared 'DECIMAL(12,2)', whose NUMERIC affinity would store text that looks like a number as a number"
            ]),
        Case(
            name: "a NOT NULL column nobody fills", change: "ALTER TABLE products ADD COLUMN supplier TEXT NOT NULL",
            refusals: ["products: column supplier of table products is NOT NULL without a default"]),
        Case(
            name: "no unique key for on_conflict", change: "SELECT 1",
            refusals: [
                "products: table products has no primary key or unique constraint on (sku), which upsert: on_conflict needs"
            ], onConflict: true),
        Case(
            name: "a NOT NULL column the rows leave empty",
            change:
                "DROP TABLE unified_profiles; CREATE TABLE unified_profiles (user_id TEXT PRIMARY KEY, display_name TEXT, preferences TEXT NOT NULL, tags TEXT)",
            refusals: [
                "profiles: column preferences of table unified_profiles is NOT NULL, but 1 of the bundle's rows have no value for it (user_id=6f1c0c2e-4b7a-4d39-9a57-0f7c2d7e1a04)"
            ], bundle: 2),
        Case(
            name: "a CHECK constraint that refuses rows",
            change:
                "DROP TABLE users; CREATE TABLE users (id TEXT PRIMARY KEY, email TEXT, role TEXT CHECK (role IN ('admin', 'member')))",
            refusals: [
                "airlock: users: refused: id=6f1c0c2e-4b7a-4d39-9a57-0f7c2d7e1a04",
                "the target does not fit bundle 000002: table users refused rows of it (listed above: a CHECK, NOT NULL or UNIQUE constraint of the table, or a trigger); nothing was changed"
            ], bundle: 2)
    ]

    @Test func sqliteRefusesEachMismatchInWordsAndChangesNothing() throws {
        for test in Self.sqliteCases {
            let fixture = try (test.onConflict ? Self.onConflictFixture : Self.fixture).get()
            let path = fixture.workspace.root.appendingPathComponent("\(UUID().uuidString).db")
            #expect(try Shell.run(["sqlite3", path.path, ExistingDatabaseTests.sqliteSchema]).status == 0)
            _ = try Shell.run(["sqlite3", path.path, test.change])
            if test.bundle == 2 {
                #expect(try upsert(fixture.extracted1, on: path, bail: true).status == 0)
            }
            let before = try Shell.run(["sqlite3", path.path, ".dump"]).output
            let bundle = test.bundle == 1 ? fixture.bundle1 : fixture.bundle2
            let run = try fixture.airlock(["apply", bundle.path, "--target", "sqlite:" + path.path])
            #expect(run.status == ExitStatus.targetDoesNotFit.rawValue, "\(test.name): \(run.status) \(run.error)")
            for refusal in test.refusals {
                #expect(run.error.contains(refusal), "\(test.name): \(refusal)\n\(run.error)")
            }
            let plain = try upsert(test.bundle == 1 ? fixture.extracted1 : fixture.extracted2, on: path, bail: false)
            #expect(
                plain.status != 0 && (plain.output + plain.error).contains(test.refusals[0]),
                "\(test.name): \(plain.error)")
            #expect(try Shell.run(["sqlite3", path.path, ".dump"]).output == before, "\(test.name)")
        }
    }

    /// `sqlite3 [-bail] TARGET < sqlite/upsert.sql` in the unpacked bundle `folder`.
    private func upsert(_ folder: URL, on target: URL, bail: Bool) throws -> Shell.Result {
        try Shell.run(
            ["sqlite3"] + (bail ? ["-bail"] : []) + [target.path],
            input: try String(contentsOf: folder.appendingPathComponent("sqlite/upsert.sql"), encoding: .utf8),
            in: folder)
    }
}
