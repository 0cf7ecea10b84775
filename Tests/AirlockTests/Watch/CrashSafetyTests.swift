import Foundation
import GRDB
import Testing

@testable import AirlockBase
@testable import AirlockProducer
@testable import AirlockSpec

/// `kill -9` of the watcher at random moments of ingest and bundle writing, then a restart:
/// every file is ingested exactly once, `outbox/` never holds a partial bundle, and the
/// workspace database passes `PRAGMA integrity_check`.
@Suite(.serialized) struct CrashSafetyTests {
    static let iterations = 30
    static let fileRows = [4000, 3000, 2000]

    /// A payments export with keys from `first` on, so the snapshot is every row of every file.
    private func write(rows: Int, from first: Int, to url: URL) throws {
        var text = "\"Payment ID\",\"First name\",\"Last name\",Amount,Method,\"Paid at\"\n"
        for key in first..<(first + rows) {
            text += "\(key),Name \(key),\"Surname, \(key % 97)\",\(key % 1000).25,card,2026-11-05T10:00:00Z\n"
        }
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    private func integrity(of workspace: TestWorkspace) throws -> String {
        // Killed before it created the workspace database: nothing to check yet.
        guard FileManager.default.fileExists(atPath: workspace.database.path) else { return "ok" }
        return try DatabaseQueue(path: workspace.database.path).read { db in
            try String.fetchOne(db, sql: "PRAGMA integrity_check") ?? ""
        }
    }

    /// Every bundle in `outbox/` verifies: complete, signed, hashes right.
    private func outboxVerifies(_ workspace: TestWorkspace) throws -> [String] {
        let outbox = workspace.root.appendingPathComponent("outbox")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: outbox.path)) ?? []
        for name in names {
            let result = try Shell.run([
                AirlockProcess.executable.path, "verify", outbox.appendingPathComponent(name).path,
                "--workspace", workspace.root.path
            ])
            #expect(result.status == 0, "\(name): \(result.error)")
        }
        return names.sorted()
    }

    @Test func killedAtAnyMomentEveryFileIsIngestedExactlyOnce() throws {
        let seed = UInt64(Date().timeIntervalSince1970)
        var random = SplitMix64(seed: seed)
        var fullRun = 0.0
        for iteration in 0...Self.iterations {
            let workspace = try TestWorkspace()
            defer { workspace.remove() }
            var first = 1
            for (index, rows) in Self.fileRows.enumerated() {
                try write(rows: rows, from: first, to: workspace.inbox.appendingPathComponent("payments-\(index).csv"))
                first += rows
            }
            // Iteration 0 runs to the end to time a whole run; the others are killed within it.
            let delay = iteration == 0 ? 0 : Double.random(in: 0...fullRun, using: &random)
            let started = Date()
            let watcher = try AirlockProcess(
                ["watch", "--settle", "0", "--workspace", workspace.root.path],
                logTo: workspace.root.appendingPathComponent("watch.log"))
            if iteration == 0 {
                #expect(AirlockProcess.wait(upTo: 120) { watcher.log.contains("wrote bundle") })
                fullRun = Date().timeIntervalSince(started)
            } else {
                Thread.sleep(forTimeInterval: delay)
            }
            watcher.signal(SIGKILL)
            _ = watcher.exitStatus()
            let context = "seed \(seed), iteration \(iteration), killed after \(delay) s of \(fullRun) s"
            #expect(try integrity(of: workspace) == "ok", "\(context)")
            _ = try outboxVerifies(workspace)

            let report = try workspace.run()
            #expect(report.rejected.isEmpty, "\(context): \(report.rejected)")
            #expect(try outboxVerifies(workspace) == ["bundle-000001.tar.gz"], "\(context)")
            #expect(try integrity(of: workspace) == "ok", "\(context)")
            try DatabaseQueue(path: workspace.database.path).read { (db: Database) throws -> Void in
                let files = try Row.fetchAll(
                    db, sql: "SELECT name, records, state, bundle_sequence FROM airlock_files ORDER BY name"
                )
                .map { "\($0[0] as String) \($0[1] as Int) \($0[2] as String) \(($0[3] as Int?) ?? 0)" }
                #expect(
                    files == Self.fileRows.enumerated().map { "payments-\($0.offset).csv \($0.element) bundled 1" },
                    "\(context)")
                let raw = try Row.fetchAll(
                    db,
                    sql:
                        "SELECT (SELECT name FROM airlock_files WHERE sha256 = \(RawRecords.file)), count(*) FROM \(RawRecords.records(inFiles: "SELECT sha256 FROM airlock_files")) GROUP BY 1 ORDER BY 1"
                )
                .map { "\($0[0] as String) \($0[1] as Int)" }
                #expect(
                    raw == Self.fileRows.enumerated().map { "payments-\($0.offset).csv \($0.element)" }, "\(context)")
                // No record outside its file's run: none read twice.
                #expect(
                    try Int.fetchOne(db, sql: "SELECT count(*) FROM airlock_raw") == Self.fileRows.reduce(0, +),
                    "\(context)")
                #expect(
                    try Int.fetchOne(db, sql: "SELECT count(*) FROM base_payments") == Self.fileRows.reduce(0, +),
                    "\(context)")
            }
            #expect(try InboxFile.list(in: workspace.inbox).isEmpty, "\(context)")
            #expect(
                try FileManager.default.contentsOfDirectory(
                    atPath: workspace.inbox.appendingPathComponent("processed").path
                ).sorted()
                    == ["payments-0.csv", "payments-1.csv", "payments-2.csv"], "\(context)")
        }
    }
}
