import AirlockBase
import AirlockSite
import AirlockSpec
import Foundation
import GRDB
import GRDBSQLite

/// An entity's full snapshot as a bundle carries it for a cutover: the SQLite `cutover.sql`
/// creates `<table>__staging_<seq>` and loads every row into it with multi-row `INSERT`s of
/// literals. Those statements alone (told apart by SQLite's own `sqlite3_complete`, never by
/// splitting on `;`) are run into the workspace being rebuilt, streaming, so memory holds one
/// statement; the rest of the script (ledger guards, the swap) is not run.
struct CutoverRows {
    let entity: EntitySpec
    /// The bundle's sequence, which names its staging table.
    let sequence: Int

    /// The entity's table when the bundle was made (a later bundle may have renamed it).
    let table: TableName

    /// `CutoverStatements.staging` in SQLite: named after the entity's table, not the entity.
    private var stagingName: String { table.name + "__staging_" + BundleIdentity.pad(sequence) }
    private var staging: String { SQLDialect.sqlite.identifier(stagingName) }

    /// Loads the rows of `script` into the empty workspace table `target`; returns the spec columns the
    /// bundle's table lacks or has beyond them (empty when they agree).
    func load(from script: URL, into target: String, in db: Database) throws -> (missing: [String], extra: [String]) {
        let create = Array("CREATE TABLE \(staging) ".utf8), insert = Array("INSERT INTO \(staging) (".utf8)
        var statement: [UInt8] = []
        try ByteSource.file(script, name: script.lastPathComponent).forEachLine { line, _ in
            statement += line
            statement.append(UInt8(ascii: "\n"))
            // A statement can only end where a line ends in `;`.
            guard line.last == UInt8(ascii: ";"), Self.isComplete(statement) else { return true }
            if statement.starts(with: create) || statement.starts(with: insert) {
                try db.execute(sql: String(decoding: statement, as: UTF8.self))
            }
            statement.removeAll(keepingCapacity: true)
            return true
        }
        defer { try? db.execute(sql: "DROP TABLE IF EXISTS \(staging)") }
        guard try db.tableExists(stagingName) else {
            return (entity.columns.map(\.name), [])
        }
        let columns = try Row.fetchAll(db, sql: "PRAGMA table_info(\(staging))").map { $0["name"] as String }
        let spec = entity.columns.map(\.name)
        let differ = (spec.filter { !columns.contains($0) }, columns.filter { !spec.contains($0) })
        guard differ.0.isEmpty && differ.1.isEmpty else { return differ }
        let list = EntitySQL(entity).columns
        try db.execute(sql: "INSERT INTO \(target) (\(list)) SELECT \(list) FROM \(staging)")
        return ([], [])
    }

    private static func isComplete(_ statement: [UInt8]) -> Bool {
        (statement + [0]).withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { sqlite3_complete($0.baseAddress!) != 0 }
        }
    }
}
