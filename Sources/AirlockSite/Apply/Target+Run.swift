import AirlockBase
import Foundation
import GRDB
import GRDBSQLite

extension Target {
    /// What a script run left: the ledger head, and the lines the script printed on its way
    /// (skipped drifted keys; checking only, the check's verdict).
    struct ScriptRun {
        var head: String
        var printed: [String]
    }

    /// The switches a script is run with (`ScriptSwitches`).
    struct Switches {
        var skipDrift = false
        /// Only the script's checks of the target; implies a dry run.
        var checkOnly = false
    }

    /// Runs a bundle script as one transaction. A dry run makes the same changes and undoes
    /// them: PostgreSQL rolls the transaction back, SQLite works on a copy of the database.
    func run(_ script: URL, dryRun: Bool, switches: Switches = Switches()) throws -> ScriptRun {
        let dryRun = dryRun || switches.checkOnly
        switch self {
        case let .sqlite(path):
            let database: DatabaseQueue
            if dryRun {
                database = try DatabaseQueue()
                if FileManager.default.fileExists(atPath: path) {
                    try openSQLite(readOnly: true).backup(to: database)
                }
            } else {
                database = try openSQLite(readOnly: false)
            }
            return try Self.runInProcess(script, on: database, switches: switches)
        case .postgres:
            let headQuery = "SELECT " + LedgerStatements(dialect: .postgres).head
            // Checking only, the script rolls its transaction back itself and ends.
            let run =
                switches.checkOnly
                ? ["-c", "BEGIN", "-f", script.path]
                : dryRun
                    ? ["-c", "BEGIN", "-f", script.path, "-c", headQuery, "-c", "ROLLBACK"]
                    : ["-1", "-f", script.path, "-c", headQuery]
            var variables: [String] = []
            if switches.skipDrift { variables += ["-v", "\(ScriptSwitches.skipDrift)=on"] }
            if switches.checkOnly { variables += ["-v", "\(ScriptSwitches.checkOnly)=on"] }
            // From the unpacked bundle, whose data members the script loads by relative paths.
            let output = try psql!.run(variables + run, in: BundleLayout.bundleFolder(ofScript: script)) {
                .stopped(script.lastPathComponent, $0)
            }
            // Empty lines kept until the head is taken: a target with no bundle applied prints
            // an empty head, and the line before it is the script's own last word.
            var lines = output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            if lines.last == "" { lines.removeLast() }
            // Checking only, the script ends before the head query.
            let head = switches.checkOnly ? "" : lines.popLast() ?? ""
            return ScriptRun(head: head, printed: lines.filter { !$0.isEmpty })
        }
    }

    /// Runs only the check a script starts with (`ScriptSwitches.checkOnly`), changing
    /// nothing, and gives back what it printed: its verdict and any notes. A target that does
    /// not fit throws `TargetError.doesNotFit` with every problem.
    package func check(_ script: URL) throws -> [String] {
        try run(script, dryRun: true, switches: Switches(checkOnly: true)).printed
    }

    /// Runs an SQLite script as the `sqlite3` shell would, statement by statement: what it
    /// SELECTs is what the shell would print (the keys a drift guard names before it stops
    /// the script, or those it skips), its shell commands load the bundle's data members
    /// (`SQLiteShellCommand`), and the first error ends it.
    private static func runInProcess(_ script: URL, on database: DatabaseQueue, switches: Switches) throws
        -> ScriptRun
    {
        let lines = try String(contentsOf: script, encoding: .utf8).split(
            separator: "\n", omittingEmptySubsequences: false)
        let bundle = BundleLayout.bundleFolder(ofScript: script)
        return try database.writeWithoutTransaction { db in
            // verify.sql uses sha3(), which the sqlite3 shell has and the library does not.
            SQLiteShellFunctions.register(in: db)
            var printed: [String] = []
            var pending: [Substring] = []
            func runPending() throws {
                let statements = try db.allStatements(sql: pending.joined(separator: "\n"))
                pending.removeAll()
                while let statement = try statements.next() {
                    statement.setUncheckedArguments([
                        ScriptSwitches.skipDrift: switches.skipDrift, ScriptSwitches.checkOnly: switches.checkOnly
                    ])
                    if statement.columnCount > 0 {
                        printed += try String?.fetchAll(statement).compactMap { $0 }
                    } else {
                        try statement.execute()
                    }
                }
            }
            do {
                for line in lines {
                    // Like the shell, a command only where a statement may start.
                    guard line.hasPrefix("."), let command = SQLiteShellCommand(line),
                        sqlite3_complete(pending.joined(separator: "\n") + "\n;") != 0
                    else {
                        pending.append(line)
                        continue
                    }
                    try runPending()
                    if case let .importLines(file, table) = command {
                        try importLines(of: bundle.appendingPathComponent(file), into: table, db)
                    }
                }
                try runPending()
            } catch {
                if db.isInsideTransaction { try db.execute(sql: "ROLLBACK") }
                let reason = (error as? DatabaseError)?.message ?? "\(error)"
                if switches.checkOnly, let verdict = reason.range(of: ScriptSwitches.checkedMarker) {
                    return ScriptRun(head: "", printed: printed + [String(reason[verdict.lowerBound...])])
                }
                throw TargetError.stopped(script.lastPathComponent, (printed + [reason]).joined(separator: "\n"))
            }
            return ScriptRun(head: AppliedChain(ledger: try entries(in: db)).head, printed: printed)
        }
    }

    /// `.import` as the script's shell commands set it up: each line of `file` one row of the
    /// one-column `table`, read a block at a time.
    private static func importLines(of file: URL, into table: String, _ db: Database) throws {
        let handle: FileHandle
        do {
            handle = try FileHandle(forReadingFrom: file)
        } catch {
            throw UnreadableMember(path: file.path, reason: FileErrorText.reason(error))
        }
        defer { try? handle.close() }
        let insert = try db.makeStatement(sql: "INSERT INTO \(table) VALUES (?)")
        // Bytes of lines not yet ended; each byte is searched for the end of its line once.
        var rest: [UInt8] = []
        while let block = try handle.read(upToCount: 1 << 20), !block.isEmpty {
            var start = 0, searched = rest.count
            rest += block
            while let end = rest[searched...].firstIndex(of: UInt8(ascii: "\n")) {
                try insert.execute(arguments: [String(decoding: rest[start..<end], as: UTF8.self)])
                start = end + 1
                searched = start
            }
            if start > 0 { rest.removeFirst(start) }
        }
        if !rest.isEmpty { try insert.execute(arguments: [String(decoding: rest, as: UTF8.self)]) }
    }
}

/// A data member an SQLite script loads that cannot be read, in the shell's words.
private struct UnreadableMember: Error, CustomStringConvertible {
    var path: String
    var reason: String
    var description: String { "cannot open \"\(path)\": \(reason)" }
}
