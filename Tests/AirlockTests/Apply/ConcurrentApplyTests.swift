import Foundation
import Testing

@testable import AirlockBase
@testable import AirlockSite

/// Two applies started at the same moment: of one bundle, and of two bundles forked from one
/// parent (TrustFixture's bundle 2 and bundle 2′). The scripts' lock makes the later one wait
/// and then read the first one's ledger row, so exactly one commits and the other is refused
/// in words (already applied, wrong parent), never by a constraint of the catalog or the
/// ledger, and the tables hold exactly the winner's snapshot. Each race is run 20 times per
/// dialect, alternately with the site's tools (psql -1 -f, sqlite3 -bail) and with airlock apply.
@Suite(.tags(.postgres, .sqlite3), .runsExternalPrograms) struct ConcurrentApplyTests {
    static let races = 20

    /// The words a refused apply may use, from its script's ledger guards or, when it reads
    /// the ledger after the winner committed, from airlock's own check of the chain.
    static let refusals = ["is already applied", "applies on top of", "forks the chain", "a replayed bundle is refused"]
    static let neverSeen = ["duplicate key", "violates", "deadlock", "database is locked", "could not serialize"]

    /// A process started now and waited for later, its output kept in files.
    private final class Started {
        let process = Process()
        let output: URL, error: URL

        init(_ arguments: [String], in folder: URL) throws {
            output = folder.appendingPathComponent("\(UUID().uuidString).out")
            error = folder.appendingPathComponent("\(UUID().uuidString).err")
            FileManager.default.createFile(atPath: output.path, contents: nil)
            FileManager.default.createFile(atPath: error.path, contents: nil)
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = arguments
            process.standardOutput = try FileHandle(forWritingTo: output)
            process.standardError = try FileHandle(forWritingTo: error)
            try process.run()
        }

        func finish() -> (status: Int32, text: String) {
            process.waitUntilExit()
            let text = [output, error].map { (try? String(contentsOf: $0, encoding: .utf8)) ?? "" }.joined()
            return (process.terminationStatus, text)
        }
    }

    private enum Dialect {
        case postgres(Postgres)
        case sqlite(URL)

        var target: String {
            switch self {
            case let .postgres(postgres): return "postgres:" + postgres.conninfo
            case let .sqlite(path): return "sqlite:" + path.path
            }
        }

        func plain(_ script: URL) -> [String] {
            switch self {
            case let .postgres(postgres):
                return [
                    "-C", BundleLayout.bundleFolder(ofScript: script).path, "psql", postgres.conninfo, "-X", "-q", "-v",
                    "ON_ERROR_STOP=1", "-1", "-f", script.path
                ]
            case let .sqlite(path):
                return [
                    "-C", BundleLayout.bundleFolder(ofScript: script).path, "sh", "-c",
                    "exec sqlite3 -bail \"$1\" < \"$2\"",
                    "sh", path.path, script.path
                ]
            }
        }

        func query(_ sql: String) throws -> String {
            switch self {
            case let .postgres(postgres): return try postgres.query(sql)
            case let .sqlite(path): return try Shell.run(["sqlite3", path.path, sql]).output
            }
        }

        var folder: String {
            if case .postgres = self { return "postgres" }
            return "sqlite"
        }
    }

    /// Starts `bundles` (one twice, or the two forks) together against a target at `base`,
    /// and checks what the race left.
    private func race(
        _ bundles: [URL], on dialect: Dialect, plainTools: Bool, ledgerRows: Int, fixture: TrustFixture,
        folders: [URL: URL], round: Int
    ) throws {
        let work = fixture.file("race")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        let started = try bundles.map { bundle in
            try Started(
                plainTools
                    ? dialect.plain(folders[bundle]!.appendingPathComponent("\(dialect.folder)/upsert.sql"))
                    : [
                        AirlockProcess.executable.path, "apply", bundle.path, "--target", dialect.target,
                        "--allowed-signers", fixture.workspace.allowedSigners.path
                    ], in: work)
        }
        let results = started.map { $0.finish() }
        let context = "round \(round), \(dialect.folder), \(plainTools ? "psql/sqlite3" : "airlock apply")"
        let winners = results.indices.filter { results[$0].status == 0 }
        #expect(winners.count == 1, "\(context): \(results)")
        for result in results where result.status != 0 {
            #expect(Self.refusals.contains { result.text.contains($0) }, "\(context): \(result.text)")
            #expect(!Self.neverSeen.contains { result.text.contains($0) }, "\(context): \(result.text)")
        }
        #expect(try dialect.query("SELECT count(*) FROM airlock_ledger") == "\(ledgerRows)\n", "\(context)")
        guard let winner = winners.first else { return }
        // The target is at the winner, and its tables are the winner's snapshot.
        let digest = try fixture.verifier().verify(bundles[winner], policy: .integrityOnly).digest
        #expect(
            try dialect.query("SELECT head_digest FROM airlock_ledger ORDER BY id DESC LIMIT 1") == digest + "\n",
            "\(context)")
        let verify = folders[bundles[winner]]!.appendingPathComponent("\(dialect.folder)/verify.sql")
        #expect(try Shell.run(dialect.plain(verify)).status == 0, "\(context)")
    }

    private func folders(_ fixture: TrustFixture) throws -> [URL: URL] {
        try Dictionary(
            uniqueKeysWithValues: [fixture.bundle1, fixture.bundle2, fixture.forked2].map {
                ($0, try Shell.extract($0))
            })
    }

    @Test func postgresAppliesOneOfTwoAtATime() throws {
        let fixture = try TrustFixture.shared.get()
        let folders = try folders(fixture)
        for round in 0..<Self.races {
            let fresh = Dialect.postgres(try Postgres.freshDatabase())
            try race(
                [fixture.bundle1, fixture.bundle1], on: fresh, plainTools: round.isMultiple(of: 2), ledgerRows: 1,
                fixture: fixture, folders: folders, round: round)
            let atOne = Dialect.postgres(try Postgres.freshDatabase())
            #expect(
                try Shell.run(atOne.plain(folders[fixture.bundle1]!.appendingPathComponent("postgres/upsert.sql")))
                    .status == 0)
            try race(
                [fixture.bundle2, fixture.forked2], on: atOne, plainTools: round.isMultiple(of: 2), ledgerRows: 2,
                fixture: fixture, folders: folders, round: round)
        }
    }

    @Test func sqliteAppliesOneOfTwoAtATime() throws {
        let fixture = try TrustFixture.shared.get()
        let folders = try folders(fixture)
        for round in 0..<Self.races {
            let fresh = Dialect.sqlite(fixture.file("race-fresh.db"))
            try race(
                [fixture.bundle1, fixture.bundle1], on: fresh, plainTools: round.isMultiple(of: 2), ledgerRows: 1,
                fixture: fixture, folders: folders, round: round)
            let path = fixture.file("race-one.db")
            try FileManager.default.copyItem(at: fixture.targetAtOne, to: path)
            try race(
                [fixture.bundle2, fixture.forked2], on: .sqlite(path), plainTools: round.isMultiple(of: 2),
                ledgerRows: 2, fixture: fixture, folders: folders, round: round)
        }
    }
}
