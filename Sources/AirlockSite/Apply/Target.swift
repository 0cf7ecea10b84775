import AirlockBase
import Foundation
import GRDB

/// A database a bundle is applied to: `sqlite:PATH` or `postgres:CONNINFO` (a libpq
/// connection string or URI, used through `psql`, which an air-gapped site has).
package enum Target: Equatable, Sendable {
    case sqlite(path: String)
    case postgres(conninfo: String)

    package init(_ text: String) throws {
        if text.hasPrefix("sqlite:") {
            self = .sqlite(path: String(text.dropFirst("sqlite:".count)))
        } else if text.hasPrefix("postgres:") {
            self = .postgres(conninfo: String(text.dropFirst("postgres:".count)))
        } else if text.hasPrefix("postgresql://") || text.hasPrefix("postgres://") {
            self = .postgres(conninfo: text)
        } else {
            throw TargetError.badTarget(text)
        }
    }

    var dialect: SQLDialect {
        switch self {
        case .sqlite: return .sqlite
        case .postgres: return .postgres
        }
    }

    /// The chain of bundles the target's `airlock_ledger` records; empty when it has none.
    package func appliedChain() throws -> AppliedChain {
        switch self {
        case let .sqlite(path):
            guard FileManager.default.fileExists(atPath: path) else { return .empty }
            var configuration = Configuration()
            configuration.readonly = true
            return try Self.chain(in: try DatabaseQueue(path: path, configuration: configuration))
        case let .postgres(conninfo):
            let ledger = LedgerStatements(dialect: .postgres)
            let exists = try Self.psql(conninfo, ["-c", ledger.exists])
            guard exists.trimmingCharacters(in: .whitespacesAndNewlines) == "t" else { return .empty }
            let entries = try Self.psql(conninfo, ["-c", ledger.entries])
                .split(separator: "\n").compactMap {
                    LedgerEntry(fields: $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init))
                }
            return AppliedChain(ledger: entries)
        }
    }

    /// What a script run left: the ledger head, and the lines the script printed on its way
    /// (skipped drifted keys).
    struct ScriptRun {
        var head: String
        var printed: [String]
    }

    /// Runs a bundle script as one transaction. A dry run makes the same changes and undoes
    /// them: PostgreSQL rolls the transaction back, SQLite works on a copy of the database.
    /// `skipDrift` sets the scripts' switch (`ScriptSwitches.skipDrift`).
    func run(_ script: URL, dryRun: Bool, skipDrift: Bool = false) throws -> ScriptRun {
        switch self {
        case let .sqlite(path):
            let database: DatabaseQueue
            if dryRun {
                database = try DatabaseQueue()
                if FileManager.default.fileExists(atPath: path) {
                    var configuration = Configuration()
                    configuration.readonly = true
                    try DatabaseQueue(path: path, configuration: configuration).backup(to: database)
                }
            } else {
                database = try DatabaseQueue(path: path)
            }
            let sql = try String(contentsOf: script, encoding: .utf8)
            return try database.writeWithoutTransaction { db in
                // verify.sql uses sha3(), which the sqlite3 shell has and the library does not.
                SQLiteShellFunctions.register(in: db)
                // What the script SELECTs is what the sqlite3 shell would print: the keys a
                // drift guard names before it stops the script, or those it skips.
                var printed: [String] = []
                do {
                    let statements = try db.allStatements(sql: sql)
                    while let statement = try statements.next() {
                        statement.setUncheckedArguments([ScriptSwitches.skipDrift: skipDrift])
                        if statement.columnCount > 0 {
                            printed += try String?.fetchAll(statement).compactMap { $0 }
                        } else {
                            try statement.execute()
                        }
                    }
                } catch {
                    if db.isInsideTransaction { try db.execute(sql: "ROLLBACK") }
                    let reason = (error as? DatabaseError)?.message ?? "\(error)"
                    throw TargetError.scriptFailed(
                        script: script.lastPathComponent, reason: (printed + [reason]).joined(separator: "\n"))
                }
                return ScriptRun(head: try Self.chain(in: db).head, printed: printed)
            }
        case let .postgres(conninfo):
            let headQuery = "SELECT " + LedgerStatements(dialect: .postgres).head
            let run =
                dryRun
                ? ["-c", "BEGIN", "-f", script.path, "-c", headQuery, "-c", "ROLLBACK"]
                : ["-1", "-f", script.path, "-c", headQuery]
            let switches = skipDrift ? ["-v", "\(ScriptSwitches.skipDrift)=on"] : []
            var lines = try Self.psql(
                conninfo, switches + run, failure: { .scriptFailed(script: script.lastPathComponent, reason: $0) }
            )
            .split(separator: "\n").map(String.init).filter { !$0.isEmpty }
            let head = lines.popLast() ?? ""
            return ScriptRun(head: head, printed: lines)
        }
    }

    private static func chain(in database: DatabaseQueue) throws -> AppliedChain {
        try database.read { try chain(in: $0) }
    }

    private static func chain(in db: Database) throws -> AppliedChain {
        let ledger = LedgerStatements(dialect: .sqlite)
        guard try Bool.fetchOne(db, sql: ledger.exists) == true else { return .empty }
        let entries = try Row.fetchAll(db, sql: ledger.entries).compactMap { row in
            LedgerEntry(fields: (0..<row.count).map { row[$0] as String? ?? "" })
        }
        return AppliedChain(ledger: entries)
    }

    /// Runs `psql` with `arguments` (commands and files); rows come back as tab-separated lines.
    static func psql(
        _ conninfo: String, _ arguments: [String],
        failure: (String) -> TargetError = { .unreachable(target: "postgres", reason: $0) }
    ) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["psql", conninfo, "-X", "-q", "-A", "-t", "-F", "\t", "-v", "ON_ERROR_STOP=1"] + arguments
        // stderr goes to a file, not a second pipe: psql blocks once a pipe it writes to is
        // full, so reading one pipe to the end before the other could wait forever.
        let errorFile = FileManager.default.temporaryDirectory.appendingPathComponent(
            "airlock-psql-\(UUID().uuidString).err")
        guard FileManager.default.createFile(atPath: errorFile.path, contents: nil),
            let errors = FileHandle(forWritingAtPath: errorFile.path)
        else {
            throw TargetError.unreachable(target: "postgres", reason: "cannot create \(errorFile.path)")
        }
        defer { try? FileManager.default.removeItem(at: errorFile) }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = errors
        do {
            try process.run()
        } catch {
            throw TargetError.unreachable(target: "postgres", reason: "cannot run psql: \(error)")
        }
        try? errors.close()
        let text = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let errorText = (try? String(contentsOf: errorFile, encoding: .utf8)) ?? ""
            throw failure(errorText.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        return String(decoding: text, as: UTF8.self)
    }
}

/// A target that cannot be named or reached.
package enum TargetError: AirlockError, Equatable {
    case badTarget(String)
    case unreachable(target: String, reason: String)
    /// The script stopped, by one of its guards or a database error; nothing was changed.
    case scriptFailed(script: String, reason: String)

    package var exitStatus: ExitStatus {
        switch self {
        case .badTarget: return .usageOrConfig
        case .unreachable, .scriptFailed: return .failure
        }
    }

    package var description: String {
        switch self {
        case let .badTarget(text):
            return
                "'\(text)' is not a target; use sqlite:PATH or postgres:CONNINFO (for example postgres:'host=/run/postgresql dbname=shop')"
        case let .unreachable(target, reason): return "\(target): cannot read the ledger: \(reason)"
        case let .scriptFailed(script, reason): return "\(script) stopped and changed nothing: \(reason)"
        }
    }
}
