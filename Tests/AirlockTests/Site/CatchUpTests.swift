import Foundation
import Testing

@testable import AirlockBase
@testable import AirlockProducer
@testable import AirlockSite

/// A site that fell behind gets one bundle (`airlock catchup --from N`) that moves its target
/// from bundle N to the producer's newest: the target then holds what a target that applied
/// every bundle holds, its ledger is at the newest bundle, the next regular bundle applies on
/// top, and rolling the catch-up back gives the target at N again. Real `airlock` processes,
/// SQLite through `airlock apply` and PostgreSQL through plain `psql -1 -f`.
@Suite(.tags(.sqlite3, .postgres), .runsExternalPrograms) struct CatchUpTests {
    /// A workspace with bundles 1 to 3 (the example drop, then two payments exports), and
    /// bundle 4 made after the catch-up bundle from `from`.
    private struct Chain {
        let workspace: TestWorkspace
        var bundles: [URL] = []
        var catchup: URL!
        private let payments: String

        /// Bundles 1 to 3.
        init() throws {
            workspace = try TestWorkspace()
            try workspace.drop(TestWorkspace.exampleDrop)
            payments = try String(
                contentsOf: TestWorkspace.fixtures.appendingPathComponent("drop2/payments.csv"), encoding: .utf8)
            for drop in [nil, payments, payments.replacingOccurrences(of: ",card,", with: ",cash,")] {
                if let drop { try workspace.write(drop, toInbox: "payments.csv") }
                bundles.append(try Self.run(["run", "--once"], in: workspace, output: "wrote bundle"))
            }
        }

        /// Bundles 1 to 3, the catch-up bundle from `from`, then bundle 4.
        init(from: String) throws {
            try self.init()
            try catchUp(from: from)
        }

        /// Writes the catch-up bundle from `from`, then bundle 4.
        mutating func catchUp(from: String) throws {
            let made = try AirlockProcess.run(["catchup", "--from", from, "--workspace", workspace.root.path])
            guard made.status == 0, let line = made.output.split(separator: "\n").first, line.hasPrefix("wrote ") else {
                throw ShellError(description: "catchup: \(made.status) \(made.error)")
            }
            catchup = URL(fileURLWithPath: String(line.dropFirst("wrote ".count).prefix { $0 != ":" }))
            try workspace.write(payments.replacingOccurrences(of: ",card,", with: ",bank,"), toInbox: "payments.csv")
            bundles.append(try Self.run(["run", "--once"], in: workspace, output: "wrote bundle"))
        }

        private static func run(_ arguments: [String], in workspace: TestWorkspace, output: String) throws -> URL {
            let run = try AirlockProcess.run(arguments + ["--workspace", workspace.root.path])
            guard run.status == 0, let newest = try workspace.bundles().last else {
                throw ShellError(description: "\(arguments): \(run.status) \(run.error)")
            }
            return newest
        }

        func airlock(_ arguments: [String]) throws -> Shell.Result {
            try AirlockProcess.run(arguments + ["--workspace", workspace.root.path])
        }
    }

    /// Runs a bundle's script as a site without Airlock does: `sqlite3 -bail DB < SCRIPT`.
    private static func sqlite3(_ bundle: URL, _ script: String, on database: URL) throws -> Shell.Result {
        let folder = try Shell.extract(bundle)
        return try Shell.run(
            ["sqlite3", "-bail", database.path],
            input: try String(contentsOf: folder.appendingPathComponent("sqlite/\(script).sql"), encoding: .utf8),
            in: folder)
    }

    /// Runs a bundle's script as a site without Airlock does: `psql -X -v ON_ERROR_STOP=1 -1 -f SCRIPT`.
    private static func psql(_ bundle: URL, _ script: String, on database: Postgres) throws -> Shell.Result {
        try database.apply(try Shell.extract(bundle).appendingPathComponent("postgres/\(script).sql"))
    }

    private static func sqliteDump(_ database: URL) throws -> String {
        try Shell.run(["sqlite3", database.path, ".dump products payments"]).output
    }

    @Test func sqliteTargetCatchesUpFromBundleOneAndGoesOn() throws {
        let chain = try Chain(from: "1")
        defer { chain.workspace.remove() }
        #expect(chain.catchup.lastPathComponent == "catchup-000001-000003.tar.gz")
        let folder = chain.workspace.root
        let late = "sqlite:\(folder.path)/late.db", every = "sqlite:\(folder.path)/every.db"
        func dump(_ name: String) throws -> String { try Self.sqliteDump(folder.appendingPathComponent("\(name).db")) }
        for bundle in chain.bundles.prefix(3) {
            #expect(try chain.airlock(["apply", bundle.path, "--target", every]).status == 0)
        }
        #expect(try chain.airlock(["apply", chain.bundles[0].path, "--target", late]).status == 0)
        let atOne = try dump("late")

        let shown = try chain.airlock(["show", chain.catchup.path])
        #expect(shown.output.contains("catch-up: moves a target at bundle 1 to bundle 3"), "\(shown.output)")
        let caughtUp = try chain.airlock(["apply", chain.catchup.path, "--target", late])
        #expect(caughtUp.status == 0, "\(caughtUp.error)")
        #expect(
            caughtUp.output.contains("verify.sql: every table the bundle changed holds the rows"), "\(caughtUp.output)")
        #expect(
            try dump("late")
                == dump("every"))
        let status = try chain.airlock(["target-status", "--target", late])
        #expect(status.output.contains("chain intact"), "\(status.output)")
        #expect(status.output.contains("of a catch-up bundle"), "\(status.output)")

        // Applied twice, or to a target at another bundle: refused in words.
        let again = try chain.airlock(["apply", chain.catchup.path, "--target", late])
        #expect(again.status == ExitStatus.verificationRefused.rawValue)
        #expect(again.error.contains("which this target has reached already"), "\(again.error)")
        let fresh = try chain.airlock(["verify", chain.catchup.path, "--target", "sqlite:\(folder.path)/fresh.db"])
        #expect(fresh.status == ExitStatus.verificationRefused.rawValue)
        #expect(
            fresh.error.contains("moves a target at bundle 1") && fresh.error.contains("airlock catchup --from 0"),
            "\(fresh.error)")

        // The next regular bundle applies on top, and both roll back to bundle 1 exactly.
        let next = try chain.airlock(["apply", chain.bundles[3].path, "--target", late])
        #expect(next.status == 0, "\(next.error)")
        #expect(try chain.airlock(["rollback", chain.bundles[3].path, "--target", late]).status == 0)
        let back = try chain.airlock(["rollback", chain.catchup.path, "--target", late])
        #expect(back.status == 0, "\(back.error)")
        #expect(try dump("late") == atOne)
        #expect(try chain.airlock(["target-status", "--target", late]).output.contains("chain intact"))
    }

    @Test func postgresTargetStartsFromNothingWithPlainPsql() throws {
        let chain = try Chain(from: "0")
        defer { chain.workspace.remove() }
        #expect(chain.catchup.lastPathComponent == "catchup-000000-000003.tar.gz")
        let every = try Postgres.freshDatabase(), new = try Postgres.freshDatabase()
        func tables(_ database: Postgres) throws -> String {
            try database.query("SELECT * FROM products ORDER BY 1")
                + database.query("SELECT * FROM payments ORDER BY 1")
        }
        for bundle in chain.bundles.prefix(3) {
            let folder = try Shell.extract(bundle)
            #expect(try every.apply(folder.appendingPathComponent("postgres/upsert.sql")).status == 0)
        }
        let folder = try Shell.extract(chain.catchup)
        let applied = try new.apply(folder.appendingPathComponent("postgres/upsert.sql"))
        #expect(applied.status == 0, "\(applied.error)")
        #expect(try tables(new) == tables(every))
        let verify = try new.apply(folder.appendingPathComponent("postgres/verify.sql"))
        #expect(verify.status == 0 && !verify.output.contains("differ"), "\(verify.output) \(verify.error)")
        #expect(
            try new.query("SELECT head_digest FROM airlock_ledger ORDER BY id DESC LIMIT 1")
                == every.query("SELECT head_digest FROM airlock_ledger ORDER BY id DESC LIMIT 1"))

        let nextFolder = try Shell.extract(chain.bundles[3])
        let next = try new.apply(nextFolder.appendingPathComponent("postgres/upsert.sql"))
        #expect(next.status == 0, "\(next.error)")
        #expect(try new.apply(nextFolder.appendingPathComponent("postgres/rollback.sql")).status == 0)
        let back = try new.apply(folder.appendingPathComponent("postgres/rollback.sql"))
        #expect(back.status == 0, "\(back.error)")
        #expect(try new.query("SELECT count(*) FROM products") == "0\n")
    }

    @Test func nothingToCatchUpAndUnknownBundlesAreSaidSo() throws {
        let workspace = try TestWorkspace()
        defer { workspace.remove() }
        let none = try AirlockProcess.run(["catchup", "--from", "0", "--workspace", workspace.root.path])
        #expect(none.status == ExitStatus.nothingToDo.rawValue)
        #expect(none.error.contains("no bundle was made yet"), "\(none.error)")
        try workspace.drop(TestWorkspace.exampleDrop)
        _ = try workspace.run()
        let newest = try AirlockProcess.run(["catchup", "--from", "1", "--workspace", workspace.root.path])
        #expect(newest.status == ExitStatus.nothingToDo.rawValue)
        #expect(newest.error.contains("bundle 1 is the newest bundle (1): a target there needs no catch-up"))
        let unknown = try AirlockProcess.run(["catchup", "--from", "abc", "--workspace", workspace.root.path])
        #expect(unknown.status == ExitStatus.usageOrConfig.rawValue)
        #expect(unknown.error.contains("--from abc is not a bundle of this workspace's chain"), "\(unknown.error)")
    }

    /// A PostgreSQL target at bundle 1, named by the digest its ledger holds (what
    /// target-status prints), catches up with plain psql: bundle 3's own verify.sql then finds
    /// its rows, bundle 4 applies on top, and rolling both back gives bundle 1's database exactly.
    @Test func postgresTargetCatchesUpFromTheDigestOfBundleOneWithPlainPsql() throws {
        var chain = try Chain()
        defer { chain.workspace.remove() }
        let late = try Postgres.freshDatabase()
        let first = try Self.psql(chain.bundles[0], "upsert", on: late)
        #expect(first.status == 0, "\(first.error)")
        let atOne = try SeedsFixture.dump(late)
        let digest = try late.query("SELECT head_digest FROM airlock_ledger ORDER BY id DESC LIMIT 1")
            .trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(digest.count == 64, "\(digest)")
        try chain.catchUp(from: digest)
        #expect(chain.catchup.lastPathComponent == "catchup-000001-000003.tar.gz")

        let caughtUp = try Self.psql(chain.catchup, "upsert", on: late)
        #expect(caughtUp.status == 0, "\(caughtUp.error)")
        let verify = try Self.psql(chain.bundles[2], "verify", on: late)
        #expect(verify.status == 0, "\(verify.output) \(verify.error)")
        #expect(verify.output.contains("payments: ok"), "\(verify.output)")
        #expect(!verify.output.contains("DIFFERS"), "\(verify.output)")
        let next = try Self.psql(chain.bundles[3], "upsert", on: late)
        #expect(next.status == 0, "\(next.error)")

        #expect(try Self.psql(chain.bundles[3], "rollback", on: late).status == 0)
        let back = try Self.psql(chain.catchup, "rollback", on: late)
        #expect(back.status == 0, "\(back.error)")
        #expect(try SeedsFixture.dump(late) == atOne)
    }

    /// SQLite with plain `sqlite3 -bail`: from bundle 1 and from an empty file, each caught up
    /// to what a target that applied every bundle holds, bundle 3's verify.sql matching, bundle 4
    /// on top, and the rollbacks giving the target at the start back exactly.
    @Test(arguments: ["1", "0"]) func sqliteCatchesUpWithPlainSqlite3(from: String) throws {
        let chain = try Chain(from: from)
        defer { chain.workspace.remove() }
        let folder = chain.workspace.root
        let late = folder.appendingPathComponent("late.db"), every = folder.appendingPathComponent("every.db")
        for bundle in chain.bundles.prefix(3) {
            #expect(try Self.sqlite3(bundle, "upsert", on: every).status == 0)
        }
        if from == "1" { #expect(try Self.sqlite3(chain.bundles[0], "upsert", on: late).status == 0) }
        let atStart = try Self.sqliteDump(late)

        let caughtUp = try Self.sqlite3(chain.catchup, "upsert", on: late)
        #expect(caughtUp.status == 0, "\(caughtUp.error)")
        #expect(try Self.sqliteDump(late) == Self.sqliteDump(every))
        let verify = try Self.sqlite3(chain.bundles[2], "verify", on: late)
        #expect(verify.status == 0 && !verify.output.contains("DIFFERS"), "\(verify.output) \(verify.error)")
        let next = try Self.sqlite3(chain.bundles[3], "upsert", on: late)
        #expect(next.status == 0, "\(next.error)")

        #expect(try Self.sqlite3(chain.bundles[3], "rollback", on: late).status == 0)
        let back = try Self.sqlite3(chain.catchup, "rollback", on: late)
        #expect(back.status == 0, "\(back.error)")
        if from == "1" {
            #expect(try Self.sqliteDump(late) == atStart)
        } else {
            #expect(try Shell.run(["sqlite3", late.path, "SELECT count(*) FROM products"]).output == "0\n")
            #expect(try Shell.run(["sqlite3", late.path, "SELECT count(*) FROM payments"]).output == "0\n")
        }
    }

    /// `airlock run --full` writes, after the run, the bundle for an empty target (as catchup
    /// --from 0), even when nothing new came in: plain psql and sqlite3 apply it to empty
    /// targets, which then hold the producer's newest bundle, as its verify.sql confirms.
    @Test func runFullWritesTheBundleANewSiteStartsWith() throws {
        let chain = try Chain()
        defer { chain.workspace.remove() }
        let full = try chain.airlock(["run", "--full"])
        #expect(full.status == 0, "\(full.error)")
        #expect(full.output.contains("no new files in the inbox; no bundle written"), "\(full.output)")
        let written = chain.workspace.root.appendingPathComponent("outbox/catchup-000000-000003.tar.gz")
        #expect(full.output.contains("wrote \(written.path): moves a target at bundle 0 to bundle 3"), "\(full.output)")

        let folder = chain.workspace.root
        let new = folder.appendingPathComponent("new.db"), every = folder.appendingPathComponent("every.db")
        for bundle in chain.bundles { #expect(try Self.sqlite3(bundle, "upsert", on: every).status == 0) }
        let applied = try Self.sqlite3(written, "upsert", on: new)
        #expect(applied.status == 0, "\(applied.error)")
        #expect(try Self.sqliteDump(new) == Self.sqliteDump(every))
        let check = try Self.sqlite3(written, "verify", on: new)
        #expect(check.status == 0 && !check.output.contains("DIFFERS"), "\(check.output) \(check.error)")

        let everyPostgres = try Postgres.freshDatabase(), newPostgres = try Postgres.freshDatabase()
        for bundle in chain.bundles { #expect(try Self.psql(bundle, "upsert", on: everyPostgres).status == 0) }
        let appliedPostgres = try Self.psql(written, "upsert", on: newPostgres)
        #expect(appliedPostgres.status == 0, "\(appliedPostgres.error)")
        // The rows of every entity (the target that applied each bundle also keeps the rows
        // bundle 2 deleted, in payments__removed_000002, for its rollback).
        func rows(_ database: Postgres) throws -> String {
            try ["contacts", "orders", "payments", "products", "profiles"].map {
                try database.query("SELECT * FROM \($0) ORDER BY 1")
            }.joined(separator: "--\n")
        }
        #expect(try rows(newPostgres) == rows(everyPostgres))
        #expect(try newPostgres.query("SELECT count(*) FROM payments") == "3\n")
        let verify = try Self.psql(written, "verify", on: newPostgres)
        #expect(verify.status == 0 && !verify.output.contains("DIFFERS"), "\(verify.output) \(verify.error)")
        let head = "SELECT head_digest FROM airlock_ledger ORDER BY id DESC LIMIT 1"
        #expect(try newPostgres.query(head) == everyPostgres.query(head))
    }
}
