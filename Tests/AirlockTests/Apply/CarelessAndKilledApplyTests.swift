import Foundation
import Testing

@testable import AirlockBase
@testable import AirlockSite

/// Applies run the way an unlucky operator runs them: `sqlite3` without `-bail`, a target
/// that names no file, `airlock apply` killed while its script waits on the target. Each
/// must leave the target as it was and nothing of the bundle readable by other users.
@Suite(.tags(.postgres, .sqlite3), .runsExternalPrograms) struct CarelessAndKilledApplyTests {
    /// Without `-bail` the shell used to go on past a failed guard and commit the rest; the
    /// scripts now stop the shell at their first error themselves (`.bail on`).
    @Test func sqlite3WithoutBailChangesNothingWhenAGuardFails() throws {
        let fixture = try TrustFixture.shared.get()
        let upsert = try String(
            contentsOf: fixture.extracted.appendingPathComponent("sqlite/upsert.sql"), encoding: .utf8)
        let cases: [(name: String, from: URL?, edit: String?)] = [
            (
                "drifted row", fixture.targetAtOne,
                "UPDATE products SET name = 'Edited on site' WHERE product_id = 'P-100'"
            ),
            ("already applied", fixture.targetAtTwo, nil),
            ("wrong parent: an empty target", nil, nil)
        ]
        for test in cases {
            let path = fixture.file("no-bail.sqlite")
            if let from = test.from { try FileManager.default.copyItem(at: from, to: path) }
            if let edit = test.edit { #expect(try Shell.run(["sqlite3", path.path, edit]).status == 0) }
            let before = try Shell.run(["sqlite3", path.path, ".dump"]).output
            let run = try Shell.run(["sqlite3", path.path], input: upsert, in: fixture.extracted)
            #expect(run.status != 0, "\(test.name): \(run.output)")
            #expect(try Shell.run(["sqlite3", path.path, ".dump"]).output == before, "\(test.name)")
        }
    }

    /// `sqlite:` with no path, or `:memory:`, used to report "applied" into a database that
    /// vanished with the process.
    @Test func aTargetThatNamesNoFileIsRefused() throws {
        let fixture = try TrustFixture.shared.get()
        for target in ["sqlite:", "sqlite::memory:"] {
            let run = try AirlockProcess.run([
                "apply", fixture.bundle1.path, "--target", target, "--allowed-signers",
                fixture.workspace.allowedSigners.path
            ])
            #expect(run.status == ExitStatus.usageOrConfig.rawValue, "\(target): \(run.output) \(run.error)")
            #expect(run.error.contains("names no database file"), "\(target): \(run.error)")
            #expect(!run.output.contains("applied"), "\(target): \(run.output)")
        }
    }

    /// A PostgreSQL target that does not answer: its own exit status, and the target named with
    /// its password hidden.
    @Test func aTargetThatCannotBeReachedIsNamedWithoutItsPassword() throws {
        let fixture = try TrustFixture.shared.get()
        for target in ["postgres://app:s3cr3t@/shop?host=/nonexistent", "postgres:host=/nonexistent password=s3cr3t"] {
            let run = try AirlockProcess.run([
                "apply", fixture.bundle1.path, "--target", target, "--allowed-signers",
                fixture.workspace.allowedSigners.path
            ])
            #expect(run.status == ExitStatus.cannotConnect.rawValue, "\(target): \(run.error)")
            #expect(run.error.contains("cannot connect to postgres"), "\(run.error)")
            #expect(run.error.contains("***") && !run.error.contains("s3cr3t"), "\(run.error)")
        }
    }

    /// `airlock apply` killed with SIGKILL while psql waits for a lock on the target: its psql
    /// dies with it, so the transaction never commits and no lock is kept waiting.
    @Test func aKilledApplyTakesItsPsqlWithIt() throws {
        let killed = try KilledApply()
        #expect(killed.psqlOutlivedAirlock == false, "psql outlived airlock: \(killed.log)")
        #expect(try killed.postgres.query("SELECT count(*) FROM airlock_ledger") == "1\n")
    }

    /// The bundle a killed apply had unpacked was in a folder only its user could enter, and
    /// the next apply removes it.
    @Test func aKilledApplyLeavesNoReadableBundleBehind() throws {
        let killed = try KilledApply()
        #expect(killed.folderModes.count == 1, "\(killed.log)")
        #expect(
            killed.folderModes.allSatisfy { $0 == 0o700 }, "modes: \(killed.folderModes.map { String($0, radix: 8) })")
        let again = try AirlockProcess.run(
            ["apply", killed.fixture.bundle2.path, "--target", killed.target, "--dry-run"] + killed.signers,
            environment: ["TMPDIR": killed.temporary.path])
        #expect(again.status == 0, "\(again.error)")
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: killed.temporary.path).filter {
                $0.hasPrefix("airlock-apply-")
            } == [])
    }

    /// Bundle 1 applied to a fresh PostgreSQL database, then `airlock apply` of bundle 2 (its
    /// temporary folder in a folder of its own) killed while a session holds the products table.
    private struct KilledApply {
        let fixture: TrustFixture
        let postgres: Postgres
        let target: String
        let temporary: URL
        let signers: [String]
        /// The modes of the `airlock-apply-*` folders while the apply waited.
        var folderModes: [Int] = []
        var psqlOutlivedAirlock: Bool?
        var log = ""

        init() throws {
            fixture = try TrustFixture.shared.get()
            postgres = try Postgres.freshDatabase()
            target = "postgres:" + postgres.conninfo
            temporary = fixture.file("tmp")
            try FileManager.default.createDirectory(at: temporary, withIntermediateDirectories: true)
            signers = ["--allowed-signers", fixture.workspace.allowedSigners.path]
            let first = try AirlockProcess.run(["apply", fixture.bundle1.path, "--target", target] + signers)
            guard first.status == 0 else { throw ShellError(description: "apply bundle 1: \(first.error)") }

            // Another session holds the table, so the script waits inside its transaction.
            let holder = Process()
            holder.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            holder.arguments = [
                "psql", postgres.conninfo, "-X", "-q", "-c", "BEGIN; LOCK TABLE products; SELECT pg_sleep(60);"
            ]
            holder.standardOutput = FileHandle.nullDevice
            holder.standardError = FileHandle.nullDevice
            try holder.run()
            defer {
                holder.terminate()
                holder.waitUntilExit()
            }
            let postgres = postgres
            guard
                try AirlockProcess.wait(
                    upTo: 10,
                    for: {
                        try postgres.query(
                            "SELECT count(*) FROM pg_locks WHERE mode = 'AccessExclusiveLock' AND granted AND relation = 'products'::regclass"
                        )
                            != "0\n"
                    })
            else { throw ShellError(description: "the lock was not taken") }

            let apply = try AirlockProcess(
                ["apply", fixture.bundle2.path, "--target", target] + signers, logTo: fixture.file("apply.log"),
                environment: ["TMPDIR": temporary.path])
            var psql: Int32?
            let waiting = try AirlockProcess.wait(upTo: 20) {
                psql = AirlockProcess.children(of: apply.process.processIdentifier).first
                return try psql != nil
                    && postgres.query(
                        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()"
                    ) != "0\n"
            }
            guard waiting, let psql else {
                apply.signal(SIGKILL)
                throw ShellError(description: "the apply did not wait for the lock: \(apply.log)")
            }
            let temporary = temporary
            folderModes = try FileManager.default.contentsOfDirectory(atPath: temporary.path)
                .filter { $0.hasPrefix("airlock-apply-") }
                .map {
                    try FileManager.default.attributesOfItem(atPath: temporary.appendingPathComponent($0).path)[
                        .posixPermissions] as? Int ?? 0
                }
            apply.signal(SIGKILL)
            _ = apply.exitStatus()
            psqlOutlivedAirlock = !AirlockProcess.wait(upTo: 5) { !AirlockProcess.isRunning(psql) }
            // Only a psql still running: the number of one that ended may be another process's by now.
            if psqlOutlivedAirlock == true { kill(psql, SIGKILL) }
            log = apply.log
        }
    }
}
