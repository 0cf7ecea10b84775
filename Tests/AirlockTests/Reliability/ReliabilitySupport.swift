import Foundation

@testable import AirlockProducer

/// The `airlock` command as an operator runs it, in a workspace, and what the reliability
/// tests compare targets with.
extension TestWorkspace {
    /// Runs `airlock ARGUMENTS --workspace ROOT` as a separate process.
    @discardableResult
    func airlock(_ arguments: [String], environment: [String: String] = [:]) throws -> Shell.Result {
        let command = environment.isEmpty ? [] : ["env"] + environment.map { "\($0)=\($1)" }
        return try Shell.run(command + [AirlockProcess.executable.path] + arguments + ["--workspace", root.path])
    }

    var outbox: URL { root.appendingPathComponent("outbox") }

    /// The bundle files in `outbox/`, oldest first.
    func bundles() throws -> [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: outbox.path)) ?? []
        return names.filter { $0.hasPrefix("bundle-") && $0.hasSuffix(".tar.gz") }.sorted().map {
            outbox.appendingPathComponent($0)
        }
    }

    /// A payments export with the example's header.
    static func payments(_ rows: [String]) -> String {
        paymentsHeader + rows.map { $0 + "\n" }.joined()
    }
}

/// A fresh target of each dialect, applied to with `airlock apply` and read with the site's tools.
struct AppliedTargets {
    let sqlite: URL
    let postgres: Postgres

    init() throws {
        sqlite = FileManager.default.temporaryDirectory.appendingPathComponent("airlock-target-\(UUID().uuidString).db")
        postgres = try Postgres.freshDatabase()
    }

    var arguments: [[String]] { [["--target", "sqlite:\(sqlite.path)"], ["--target", "postgres:\(postgres.conninfo)"]] }

    /// Applies `bundle` to both targets; the results, SQLite's first.
    func apply(_ bundle: URL, in workspace: TestWorkspace) throws -> [Shell.Result] {
        try arguments.map { try workspace.airlock(["apply", bundle.path] + $0) }
    }

    /// `query`'s rows as `a|b` lines, from each target, SQLite's first.
    func rows(_ query: String) throws -> [String] {
        let sqliteRows = try Shell.run(["sqlite3", "-bail", sqlite.path, query])
        return [sqliteRows.output, try postgres.query(query)]
    }

    func remove() { try? FileManager.default.removeItem(at: sqlite) }
}
