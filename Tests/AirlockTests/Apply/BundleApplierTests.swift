import Foundation
import Testing

@testable import AirlockBase
@testable import AirlockProducer
@testable import AirlockSite

/// `airlock apply` and `rollback` against real SQLite and PostgreSQL targets: verification
/// first, one transaction, dry runs that leave the target as it was.
@Suite(.tags(.postgres, .sqlite3), .runsExternalPrograms) struct BundleApplierTests {
    @Test func sqliteApplyDryRunAndRollback() throws {
        let fixture = try TrustFixture.shared.get()
        let applier = BundleApplier(verifier: try fixture.verifier())
        let path = fixture.file("target.sqlite")
        let target = Target.sqlite(path: path.path)

        let dry = try applier.apply(fixture.bundle1, to: target, approvals: SiteApprovals(), dryRun: true)
        #expect(dry.head == dry.verified.digest)
        #expect(!FileManager.default.fileExists(atPath: path.path), "a dry run must not create the target")

        let one = try applier.apply(fixture.bundle1, to: target, approvals: SiteApprovals())
        let afterOne = try dump(path)
        #expect(
            try applier.apply(fixture.bundle2, to: target, approvals: SiteApprovals(), dryRun: true).head != one.head)
        #expect(try dump(path) == afterOne)

        #expect(throws: VerificationError.self) {
            try applier.apply(fixture.bundle1, to: target, approvals: SiteApprovals())
        }
        #expect(throws: VerificationError.self) {
            try applier.apply(fixture.bundle2, to: target, approvals: SiteApprovals(count: 1))
        }
        let two = try applier.apply(fixture.bundle2, to: target, approvals: SiteApprovals())
        #expect(try target.appliedChain().head == two.verified.digest)
        #expect(two.tableCheck == .matches)
        let afterTwo = try dump(path)

        #expect(throws: VerificationError.self) { try applier.rollback(fixture.bundle1, from: target) }
        let back = try applier.rollback(fixture.bundle2, from: target)
        #expect(back.head == one.verified.digest && back.script == .rollback)
        #expect(try dump(path) == afterOne)

        #expect(
            try applier.apply(fixture.bundle2, to: target, approvals: SiteApprovals(), mode: .cutover).script
                == .cutover)
        #expect(try dump(path) == afterTwo)
        let cutoverBack = try applier.rollback(fixture.bundle2, from: target)
        #expect(cutoverBack.head == one.verified.digest && cutoverBack.script == .cutoverRollback)
        #expect(try dump(path) == afterOne)
        let ledger = try Shell.run(["sqlite3", path.path, "SELECT sequence, kind FROM airlock_ledger ORDER BY id"])
            .output
        #expect(ledger == "1|upsert\n2|upsert\n2|rollback\n2|cutover\n2|rollback\n")
    }

    @Test func postgresApplyDryRunRollbackAndAFailingScript() throws {
        let fixture = try TrustFixture.shared.get()
        let applier = BundleApplier(verifier: try fixture.verifier())
        let postgres = try Postgres.freshDatabase()
        let target = try Target("postgres:" + postgres.conninfo)

        let one = try applier.apply(fixture.bundle1, to: target, approvals: SiteApprovals())
        #expect(one.head == one.verified.digest)
        let afterOne = try postgresRows(postgres)
        let dry = try applier.apply(fixture.bundle2, to: target, approvals: SiteApprovals(), dryRun: true)
        #expect(dry.head == dry.verified.digest)
        #expect(try postgresRows(postgres) == afterOne)
        #expect(try target.appliedChain().head == one.head)

        _ = try applier.apply(fixture.bundle2, to: target, approvals: SiteApprovals())
        let afterTwo = try postgresRows(postgres)
        #expect(afterTwo != afterOne)
        #expect(try applier.rollback(fixture.bundle2, from: target).head == one.head)
        #expect(try postgresRows(postgres) == afterOne)

        let dryCutover = try applier.apply(
            fixture.bundle2, to: target, approvals: SiteApprovals(), mode: .cutover, dryRun: true)
        #expect(dryCutover.head == dryCutover.verified.digest)
        #expect(try postgresRows(postgres) == afterOne)
        _ = try applier.apply(fixture.bundle2, to: target, approvals: SiteApprovals(), mode: .cutover)
        #expect(try postgresRows(postgres) == afterTwo)
        #expect(try applier.rollback(fixture.bundle2, from: target).script == .cutoverRollback)
        #expect(try postgresRows(postgres) == afterOne)

        // A target whose table does not fit: the script's check stops it and nothing changes.
        let other = try Postgres.freshDatabase()
        _ = try other.query("CREATE TABLE products (id integer)")
        #expect {
            try applier.apply(
                fixture.bundle1, to: try Target("postgres:" + other.conninfo), approvals: SiteApprovals())
        } throws: { error in
            guard case let TargetError.doesNotFit(script, report) = error else { return false }
            return script == "upsert.sql" && report.contains("table products has no column product_id")
                && (error as? TargetError)?.exitStatus == .targetDoesNotFit
        }
        #expect(try other.query("SELECT to_regclass('airlock_ledger') IS NULL") == "t\n")
    }

    /// A trigger on the target rewrites what the bundle writes: the apply commits, and then
    /// verify.sql reports that the table differs from the bundle.
    @Test func applyReportsATableThatDiffersAfterwards() throws {
        let fixture = try TrustFixture.shared.get()
        let applier = BundleApplier(verifier: try fixture.verifier())
        let path = fixture.file("trigger-target.sqlite")
        let target = Target.sqlite(path: path.path)
        _ = try applier.apply(fixture.bundle1, to: target, approvals: SiteApprovals())
        _ = try Shell.run([
            "sqlite3", path.path,
            "CREATE TRIGGER shout AFTER UPDATE ON products BEGIN UPDATE products SET name = upper(NEW.name) WHERE product_id = NEW.product_id AND name <> upper(NEW.name); END;"
        ])
        let outcome = try applier.apply(fixture.bundle2, to: target, approvals: SiteApprovals())
        guard case let .differs(report) = outcome.tableCheck else {
            Issue.record("verify.sql should find products changed by the trigger, got \(outcome.tableCheck)")
            return
        }
        #expect(report.contains("airlock: products: DIFFERS: the table has 4:"), "\(report)")
        #expect(try target.appliedChain().head == (try fixture.verifier().verify(fixture.bundle2).digest))
    }

    private func dump(_ database: URL) throws -> String {
        let result = try Shell.run([
            "sqlite3", database.path, "SELECT * FROM products ORDER BY 1; SELECT * FROM payments ORDER BY 1;"
        ])
        #expect(result.status == 0, "\(result.error)")
        return result.output
    }

    private func postgresRows(_ postgres: Postgres) throws -> String {
        try postgres.query("SELECT * FROM products ORDER BY 1")
            + (try postgres.query("SELECT * FROM payments ORDER BY 1"))
    }
}
