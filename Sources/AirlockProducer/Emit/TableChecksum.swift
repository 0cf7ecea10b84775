import AirlockBase
import AirlockSpec
import Foundation
import GRDB
import GRDBSQLite

/// The content checksum of one entity's table, as `verify.sql` computes it on a target with
/// nothing but `psql` or `sqlite3`: `ROWS:A:B`, where A and B are the sums of the first and
/// the second 32 bits of a hash of each row's canonical text. Sums do not depend on row order,
/// so the two databases need not sort text alike, and they stream.
///
/// PostgreSQL hashes with `sha256()`; the `sqlite3` shell has only `sha3()`. So each dialect
/// has its own checksum, and the producer computes both from the workspace snapshot, where
/// values are stored exactly as an SQLite target stores them.
struct TableChecksum {
    let entity: EntitySpec

    /// How rows are written out and hashed here: a producer whose rows hash otherwise does
    /// not start from sums an older one kept (`BaselineSums`). Raise it with any change to
    /// the row text, the hashes or the key groups.
    static let format = 1

    /// The checksum of `table` on a target of `dialect`, as one text value. PostgreSQL takes
    /// off the table's checksum offsets (`ChecksumOffsetStatements`), with verify.sql's
    /// `pg_temp.airlock_offsets` defined.
    func query(_ dialect: SQLDialect, table: String) -> String {
        switch dialect {
        case .postgres:
            let slices = [(1, "first"), (9, "second")].map { start, part in
                "coalesce(sum(('x' || substr(h, \(start), 8))::bit(32)::bigint), 0) - (SELECT \(part) FROM pg_temp.airlock_offsets(\(dialect.literal(table))))"
            }
            // OFFSET 0 keeps the planner from pulling the hash up into each slice (measured: 8% faster).
            return """
                SELECT count(*) || ':' || \(slices.joined(separator: " || ':' || ")) FROM (SELECT encode(sha256(convert_to(\(postgresLine), 'UTF8')), 'hex') AS h FROM \(table) OFFSET 0) AS hashed
                """
        case .sqlite:
            return sqliteQuery(table: table, hash: "sha3(line, 256)")
        }
    }

    /// What `query(dialect, table:)` gives on a target of each dialect holding exactly the rows
    /// of the workspace's `table`, with each row's key group, and the groups of the rows SQL
    /// condition `unchanged` holds for (the table's row called `s` in it), from one pass over it.
    ///
    /// The same row texts and sums as the shell's query, built in Swift from each value's
    /// bytes in place (SQL concatenation and hex digits picked one by one cost SQLite 13 µs a
    /// row: 100k rows, 2.6 s for both dialects) and hashed on another thread meanwhile
    /// (`ChecksumHasher`).
    func hashes(of table: String, unchanged: String = "0", in db: Database) throws -> SnapshotHashes {
        try hashes(ofRows: "\(table) AS s", unchanged: unchanged, in: db)
    }

    /// The hashes of the snapshot's rows after the diff (`EntityDiff.findChanges`): from
    /// `baseline`, the sums the baseline's rows had when they were a snapshot, less the
    /// baseline rows the bundle replaces, plus the snapshot rows it writes, so only changed rows
    /// are hashed; without it, from every row.
    func snapshotHashes(from baseline: RowSums?, in db: Database) throws -> SnapshotHashes {
        let tables = EntityTables(entity), diff = EntityDiff(entity)
        guard let baseline else {
            // A first bundle changes every row: no row needs looking up among the changed keys.
            let unchanged = try diff.counts(in: db).unchanged > 0 ? diff.unchangedRow : "0"
            return try hashes(of: tables.snapshot, unchanged: unchanged, in: db)
        }
        // The rows of `table` at the changed keys but those of kind `kind` (`s`, as every row here).
        func changedRows(of table: String, except kind: String) -> String {
            "\(tables.changed) AS c JOIN \(table) AS s ON \(diff.changedKey("s")) WHERE c.airlock_op <> '\(kind)'"
        }
        let replaced = try hashes(ofRows: changedRows(of: tables.baseline, except: "insert"), in: db).sums
        let written = try hashes(ofRows: changedRows(of: tables.snapshot, except: "delete"), in: db).sums
        let kept = baseline - replaced
        return SnapshotHashes(
            sums: kept + written,
            unchanged: Dictionary(uniqueKeysWithValues: SQLDialect.allCases.map { ($0, kept[$0].groups) }))
    }

    /// `hashes(of:unchanged:)` of the rows `rows` gives: a FROM clause (and maybe WHERE) in
    /// which each row is called `s`.
    private func hashes(ofRows rows: String, unchanged: String = "0", in db: Database) throws -> SnapshotHashes {
        let hasher = ChecksumHasher()
        var batch = ChecksumHasher.Batch()
        var key: [UInt8] = []
        let keyColumns = self.keyColumns, markColumn = Int32(entity.columns.count)
        try forEachRowLine(of: rows, marking: unchanged, in: db) { line, raw in
            keyText(raw, keyColumns, into: &key)
            batch.append(line: line, key: key, unchanged: sqlite3_column_int(raw, markColumn) != 0)
            if batch.isFull {
                hasher.hash(batch)
                batch = ChecksumHasher.Batch()
            }
        }
        hasher.hash(batch)
        return hasher.result()
    }

    /// Each key column's name and place among the entity's columns.
    private var keyColumns: [(name: String, column: Int32)] {
        entity.key.map { name in (name, Int32(entity.columns.firstIndex { $0.name == name }!)) }
    }

    /// The key text of the current row of `raw` (`product_id=P-100`, `order_id=O-1, line=2`),
    /// as `rowQuery` names a row on a target.
    private func keyText(_ raw: OpaquePointer, _ keyColumns: [(name: String, column: Int32)], into key: inout [UInt8]) {
        key.removeAll(keepingCapacity: true)
        for (index, (name, column)) in keyColumns.enumerated() {
            if index > 0 { key += ", ".utf8 }
            key += name.utf8
            key.append(UInt8(ascii: "="))
            if let text = ColumnText.bytes(raw, column) { key += text } else { key += "NULL".utf8 }
        }
    }

    /// Hands `body` each of the workspace's rows `rows` (a FROM clause, the row called `s`) as
    /// its canonical text (`line`: the same bytes the shells' queries hash) and the statement,
    /// whose columns are the row's values as text in spec order, each read in place rather
    /// than copied into a `String`. The statement's column after the row's values is the
    /// value of SQL condition `mark` for the row.
    private func forEachRowLine(
        of rows: String, marking mark: String, in db: Database,
        _ body: (_ line: [UInt8], _ row: OpaquePointer) throws -> Void
    ) throws {
        let selected = workspaceTexts(of: "s") + ["(\(mark))"]
        let statement = try db.makeStatement(sql: "SELECT \(selected.joined(separator: ", ")) FROM \(rows)")
        let raw = statement.sqliteStatement
        let rows = try Row.fetchCursor(statement)
        var line: [UInt8] = []
        while try rows.next() != nil {
            line.removeAll(keepingCapacity: true)
            for column in 0..<Int32(entity.columns.count) {
                if column > 0 { line.append(UInt8(ascii: ",")) }
                guard let text = ColumnText.bytes(raw, column) else {
                    line.append(UInt8(ascii: "-"))
                    continue
                }
                line += String(Self.sqliteLength(text)).utf8
                line.append(UInt8(ascii: ":"))
                line += text
            }
            try body(line, raw)
        }
    }

    /// SQL: each row of `table` on a target as `key` (`product_id=P-100`) and `h`, the first 16
    /// hex digits (lower case) of the hash the checksum sums.
    func rowQuery(_ dialect: SQLDialect, table: String) -> String {
        switch dialect {
        case .postgres:
            let key = entity.key.map { name in
                "\(dialect.literal(name + "=")) || coalesce(\(Self.postgresText(entity.columns.first { $0.name == name }!)), 'NULL')"
            }
            return
                "SELECT \(key.joined(separator: " || ', ' || ")) AS key, substr(encode(sha256(convert_to(\(postgresLine), 'UTF8')), 'hex'), 1, 16) AS h FROM \(table)"
        case .sqlite:
            let key = entity.key.map { name in
                "\(dialect.literal(name + "=")) || coalesce(CAST(\(dialect.identifier(name)) AS TEXT), 'NULL')"
            }
            return
                "SELECT \(key.joined(separator: " || ', ' || ")) AS key, lower(substr(hex(sha3(\(line(workspaceTexts)), 256)), 1, 16)) AS h FROM \(table)"
        }
    }

    /// SQLite's `length()` of text: its characters (UTF-8 lead bytes) before the first NUL.
    private static func sqliteLength(_ text: UnsafeBufferPointer<UInt8>) -> Int {
        text.prefix { $0 != 0 }.reduce(0) { $1 & 0xC0 == 0x80 ? $0 : $0 + 1 }
    }

    // MARK: - Canonical row text

    /// Each value as `LENGTH:TEXT`, NULL as `-`, joined by commas; lengths keep the text unambiguous.
    private func line(_ texts: [String]) -> String {
        texts.map { "coalesce(length(\($0)) || ':' || \($0), '-')" }.joined(separator: " || ',' || ")
    }

    /// The canonical text of a row of the entity's columns, over their unqualified names.
    var postgresLine: String { line(entity.columns.map(Self.postgresText)) }

    /// Each value as SQLite gives it as text; the workspace stores values as an SQLite target does.
    private var workspaceTexts: [String] { workspaceTexts(of: nil) }

    /// The same of the row `alias`.
    private func workspaceTexts(of alias: String?) -> [String] {
        let prefix = alias.map { "\($0)." } ?? ""
        return entity.columns.map { "CAST(\(prefix)\(SQLDialect.sqlite.identifier($0.name)) AS TEXT)" }
    }

    /// The SQLite checksum with `hash` over the row text; only core functions and `sha3()`,
    /// which the shell has, so the same query runs in the shell, in-process and in the workspace.
    private func sqliteQuery(table: String, hash: String) -> String {
        let digits = "'0123456789ABCDEF'"
        let slices = [1, 9].map { start in
            let nibbles = (0..<8).map { "((instr(\(digits), substr(h, \(start + $0), 1)) - 1) << \(28 - 4 * $0))" }
            return "coalesce(sum(\(nibbles.joined(separator: " | "))), 0)"
        }
        // LIMIT -1 stops SQLite from flattening the subquery, which would copy the hash into
        // each of the 16 nibbles and compute it 16 times a row (100k rows: 6.8 s, with it 0.85 s).
        return """
            SELECT count(*) || ':' || \(slices.joined(separator: " || ':' || ")) FROM (SELECT hex(\(hash)) AS h FROM (SELECT \(line(workspaceTexts)) AS line FROM \(table)) LIMIT -1)
            """
    }

    /// PostgreSQL's value of `column` as text, written the way the workspace writes it. The
    /// casts make it the same for every column type the target check lets through (a
    /// `timestamp without time zone` read at UTC, a text column holding dates) and cost
    /// nothing where the type is the spec's own.
    static func postgresText(_ column: ColumnSpec) -> String {
        let name = SQLDialect.postgres.identifier(column.name)
        switch column.type {
        case .boolean: return "CASE WHEN \(name)::boolean THEN '1' WHEN NOT \(name)::boolean THEN '0' END"
        case .timestamp:
            return
                "regexp_replace(to_char(\(name)::timestamptz AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US'), '\\.?0+$', '') || 'Z'"
        case .date: return "to_char(\(name)::date, 'YYYY-MM-DD')"
        default: return "\(name)::text"
        }
    }
}
