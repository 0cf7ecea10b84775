import AirlockBase
import AirlockSite
import Foundation
import GRDB

/// Checks, before a run reads or writes anything, that the workspace database is sound and is
/// the state that made `outbox/`. A database that was lost (`.airlock/` removed), restored from
/// an older copy or taken from another workspace would otherwise start the chain again and
/// write bundles the sites refuse, or that collide with published ones. What it finds stops
/// the run with `WorkspaceError` and the way out (`airlock recover`).
///
/// `PRAGMA integrity_check` reads the whole database (1 s per 160 MB, a 300,000-row workspace,
/// on the 2-core CI machine), so it runs when it is likely to find something, and daily:
/// the first run after the last process died with the database open (its write-ahead log was
/// left behind), the first run after a day without a check (`.airlock/checked`), and every
/// `airlock status`. Damage met in between stops the run as `SQLITE_CORRUPT` does anyway.
struct WorkspaceHealth {
    let workspace: Workspace

    /// Seconds between whole-database checks of a database that was closed cleanly.
    static let checkInterval: TimeInterval = 24 * 3600

    private var marker: URL { workspace.state.appendingPathComponent("checked") }

    /// Checks the outbox, and the database when it is due (or `always`).
    func check(always: Bool = false) throws {
        try workspace.database.read { db in
            if always || isDue {
                let problems = Self.confirmed(try String.fetchAll(db, sql: "PRAGMA integrity_check"), in: db)
                guard problems.isEmpty else {
                    throw WorkspaceError.databaseDamaged(details: Array(problems.prefix(3)))
                }
                workspace.checkedAt = Date()
                FileManager.default.createFile(atPath: marker.path, contents: nil)
            }
            try checkOutbox(known: try BundleRecord.all(in: db))
        }
    }

    /// What `PRAGMA integrity_check` reported, but for the NULLs it names that the table does
    /// not hold: SQLite 3.40 reports a NULL in every row of a WITHOUT ROWID table whose one
    /// column outside the primary key is NOT NULL (the undo table of an entity whose columns
    /// are all key columns, such as a child `tags` keyed by its tag), so each such claim is
    /// asked of the table itself. Empty when all is well.
    private static func confirmed(_ problems: [String], in db: Database) -> [String] {
        guard problems != ["ok"] else { return [] }
        return problems.filter { problem in
            guard let match = problem.wholeMatch(of: #/NULL value in ([^.]+)\.(.+)/#) else { return true }
            let sqlite = SQLDialect.sqlite
            let sql =
                "SELECT EXISTS (SELECT 1 FROM \(sqlite.identifier(String(match.output.1))) WHERE \(sqlite.identifier(String(match.output.2))) IS NULL)"
            return (try? Bool.fetchOne(db, sql: sql)) ?? true
        }
    }

    private var isDue: Bool {
        if workspace.checkedAt == nil && !workspace.closedCleanly { return true }
        let last =
            workspace.checkedAt
            ?? (try? marker.resourceValues(forKeys: [.contentModificationDateKey]).contentModificationDate)
        return last.map { Date().timeIntervalSince($0) >= Self.checkInterval } ?? true
    }

    /// Every bundle in `outbox/` must be one the database knows, and the newest of them must be
    /// the bundle it recorded under that name (same digest). Bundles the database knows but the
    /// outbox no longer holds are fine: operators carry them away.
    private func checkOutbox(known records: [BundleRecord]) throws {
        let outbox = OutboxBundle.list(in: workspace.outbox)
        let known = Dictionary(records.map { ($0.fileName, $0) }, uniquingKeysWith: { $1 })
        let unknown = outbox.filter { known[$0.name] == nil }
        if !unknown.isEmpty {
            let knows =
                records.last.map { "it knows bundles up to \(BundleIdentity.pad($0.sequence))" }
                ?? (workspace.databaseWasCreated
                    ? "there was no workspace database, so a new, empty one was made"
                    : "it knows no bundle")
            throw WorkspaceError.outboxMismatch(
                found: "outbox/ holds \(Self.names(unknown)), which the workspace database does not know (\(knows))")
        }
        guard let newest = outbox.last, let record = known[newest.name] else { return }
        let digest = try? newest.digest()
        guard digest == record.digest else {
            throw WorkspaceError.outboxMismatch(
                found:
                    "outbox/\(newest.name) is not the bundle \(BundleIdentity.pad(record.sequence)) the workspace database recorded (digest \(digest.map { String($0.prefix(16)) } ?? "unreadable"), recorded \(record.digest.prefix(16)))"
            )
        }
    }

    private static func names(_ bundles: [OutboxBundle]) -> String {
        guard bundles.count > 3 else { return bundles.map(\.name).joined(separator: ", ") }
        return "\(bundles.count) bundles (\(bundles.first!.name) … \(bundles.last!.name))"
    }
}
