import Foundation
import Testing

@testable import AirlockBase
@testable import AirlockSite

/// `airlock check-target` and `airlock target-status` as a DBA runs them, on the seeds-like
/// target: the check reads only and says whether the target fits, in the scripts' own words;
/// the status names the ledger head, the chain and what Airlock left behind.
@Suite(.tags(.postgres, .sqlite3), .runsExternalPrograms) struct TargetCommandTests {
    @Test func checkTargetReadsOnlyAndSaysWhetherTheTargetFits() throws {
        let fixture = try SeedsFixture.shared.get()
        let postgres = try SeedsFixture.postgresTarget()
        let target = "postgres:" + postgres.conninfo
        let before = try SeedsFixture.dump(postgres)
        let fits = try fixture.airlock(["check-target", "--target", target, fixture.bundle1.path])
        #expect(fits.status == 0, "\(fits.error)")
        #expect(
            fits.output.contains("airlock: check only: the target fits bundle 000001 (upsert.sql); nothing was changed")
        )
        let cutover = try fixture.airlock([
            "check-target", "--target", target, fixture.bundle1.path, "--mode", "cutover"
        ])
        #expect(cutover.status == 0 && cutover.output.contains("(cutover.sql)"), "\(cutover.error)")
        #expect(try SeedsFixture.dump(postgres) == before)
        #expect(try postgres.query("SELECT to_regclass('airlock_ledger') IS NULL") == "t\n", "no ledger was made")
        // The same check with nothing but psql, which commits at the end of -1: still nothing.
        let plain = try Shell.run(
            [
                "psql", postgres.conninfo, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-v", "airlock_check_only=on", "-1",
                "-f",
                "postgres/upsert.sql"
            ], in: fixture.extracted1)
        #expect(plain.status == 0 && plain.output.contains("the target fits bundle 000001"), "\(plain.error)")
        #expect(plain.error.isEmpty, "psql -1's closing COMMIT finds a transaction: \(plain.error)")
        #expect(try SeedsFixture.dump(postgres) == before)
        #expect(try postgres.query("SELECT to_regclass('airlock_ledger') IS NULL") == "t\n")

        _ = try postgres.query("ALTER TYPE product_type RENAME VALUE 'data' TO 'mobile_data'")
        let refused = try fixture.airlock(["check-target", "--target", target, fixture.bundle1.path])
        #expect(refused.status == ExitStatus.targetDoesNotFit.rawValue)
        #expect(
            refused.error.contains("enum type product_type lacks 1 label that the bundle's rows need"),
            "\(refused.error)")

        let sqlite = fixture.workspace.root.appendingPathComponent("\(UUID().uuidString).db")
        #expect(try Shell.run(["sqlite3", sqlite.path, ExistingDatabaseTests.sqliteSchema]).status == 0)
        let sqliteBefore = try Shell.run(["sqlite3", sqlite.path, ".dump"]).output
        let sqliteFits = try fixture.airlock(["check-target", "--target", "sqlite:" + sqlite.path, fixture.bundle1.path]
        )
        #expect(sqliteFits.status == 0, "\(sqliteFits.error)")
        #expect(sqliteFits.output.contains("airlock: check only: the target fits bundle 000001 (upsert.sql)"))
        #expect(try Shell.run(["sqlite3", sqlite.path, ".dump"]).output == sqliteBefore)
    }

    @Test func checkTargetWithoutABundleChecksTheWorkspacesSpec() throws {
        let fixture = try SeedsFixture.shared.get()
        let spec = SeedsFixture.spec.replacingOccurrences(
            of: "      role: enum\n", with: "      role: {type: enum, values: [admin, member, guest, owner]}\n")
        let workspace = try TestWorkspace(spec: spec)
        defer { workspace.remove() }
        let signers = ["--allowed-signers", fixture.workspace.allowedSigners.path, "--workspace", workspace.root.path]
        let empty = try Postgres.freshDatabase()
        let noSchema = try AirlockProcess.run(["check-target", "--target", "postgres:" + empty.conninfo] + signers)
        #expect(noSchema.status == ExitStatus.targetDoesNotFit.rawValue)
        #expect(noSchema.error.contains("users: schema auth does not exist; create it (CREATE SCHEMA auth)"))
        _ = try empty.query("CREATE SCHEMA auth")
        let notes = try AirlockProcess.run(["check-target", "--target", "postgres:" + empty.conninfo] + signers)
        #expect(notes.status == 0, "\(notes.output) \(notes.error)")
        #expect(
            notes.output.contains(
                "airlock: users: table auth.users does not exist yet; a bundle's upsert or cutover creates it"))
        #expect(notes.output.contains("the target fits the workspace's spec"))

        let postgres = try SeedsFixture.postgresTarget()
        let refused = try AirlockProcess.run(["check-target", "--target", "postgres:" + postgres.conninfo] + signers)
        #expect(refused.status == ExitStatus.targetDoesNotFit.rawValue, "\(refused.output) \(refused.error)")
        #expect(
            refused.error.contains(
                "users: enum type auth.user_role lacks 1 of the labels the spec allows in column role of auth.users: 'owner'"
            ),
            "\(refused.error)")
    }

    @Test func targetStatusNamesTheHeadTheChainAndWhatAirlockLeft() throws {
        let fixture = try SeedsFixture.shared.get()
        let postgres = try SeedsFixture.postgresTarget()
        let target = "postgres:" + postgres.conninfo
        let status = { try AirlockProcess.run(["target-status", "--target", target]) }
        let none = try status()
        #expect(none.status == 0 && none.output.contains("no bundle applied yet"), "\(none.output) \(none.error)")

        #expect(try fixture.airlock(["apply", fixture.bundle1.path, "--target", target]).status == 0)
        #expect(try fixture.airlock(["apply", fixture.bundle2.path, "--target", target]).status == 0)
        let upserted = try status()
        #expect(upserted.output.contains("at bundle 000002 ("), "\(upserted.output)")
        #expect(upserted.output.contains("applied as upsert at 20"))
        #expect(upserted.output.contains("ledger: 2 row(s); chain intact"))
        #expect(upserted.output.contains("public.products__removed_000002: the rows bundle 000002 deleted"))
        #expect(upserted.output.contains("DROP TABLE \"public\".\"products__removed_000002\";"))
        #expect(upserted.output.contains("; needed to roll back"))

        #expect(try fixture.airlock(["rollback", fixture.bundle2.path, "--target", target]).status == 0)
        #expect(
            try fixture.airlock(["apply", fixture.bundle2.path, "--target", target, "--mode", "cutover"]).status == 0)
        let cut = try status()
        #expect(cut.output.contains("applied as cutover"), "\(cut.output)")
        #expect(
            cut.output.contains(
                "auth.users__backup_000002: the table as it was before the cutover of bundle 000002; needed to roll back"
            ))
        #expect(try fixture.airlock(["rollback", fixture.bundle2.path, "--target", target]).status == 0)
        let twice = try fixture.airlock(["rollback", fixture.bundle2.path, "--target", target])
        #expect(twice.status == ExitStatus.verificationRefused.rawValue)
        #expect(
            twice.error.contains(
                "is not the last bundle applied to the target, which is at bundle 1 (airlock-000001-"),
            "\(twice.error)")
        let back = try status()
        #expect(back.output.contains("at bundle 000001"), "\(back.output)")
        #expect(back.output.contains("last run: rollback of bundle 000002"))
        #expect(
            back.output.contains(
                "auth.users__staging_000002: the rows of bundle 000002's cutover, kept by its rollback for a retry; not needed by any rollback the target can run"
            ))

        _ = try postgres.query(
            "INSERT INTO airlock_ledger (bundle_id, sequence, digest, parent_digest, kind, head_digest) VALUES ('forged', 9, 'x', 'y', 'upsert', 'x')"
        )
        let broken = try status()
        #expect(
            broken.output.contains("chain BROKEN: ledger row 6 records bundle 000009 (upsert) on top of y…"),
            "\(broken.output)")
    }
}
