import Foundation
import GRDB

/// `airlock_raw`: every record read, with its provenance (file, record number, line).
/// Normalization reads it; nothing changes a record once it is in. A record's file (and so its
/// entity) is the one whose run of ids holds it (`airlock_raw_ranges`, below), not a column of
/// its own: the file's 64-character SHA-256 and the entity's name were 42 % of the table
/// (1,000,000 CSV rows: 191 MB with them, 111 MB without; writing them took 1.8 s, 1.1 s).
///
/// A record is a JSON object (`record`), or, for a CSV file of at most `maxFields` columns,
/// its fields in header order in columns `field1` on (`record` NULL). A CSV file's or a sheet's
/// range keeps its header, either way (`RawFields` reads through both). Fields cost a CSV row
/// no JSON text to write and read: at 1,000,000 rows, SQLite's `json_extract` of ten fields
/// took 1.6 s where reading ten columns took 0.5 s.
///
/// The `field` columns are added as wider files come, not by a migration: a migration that
/// copies the table must carry them.
///
/// A file's records are inserted in one go, so they take one run of ids, which
/// `airlock_raw_ranges` notes per file: the statements below read a file's records as that run
/// of the table's rowids. (An index on a file column cost a third of ingest when there was
/// one: 1,000,000 CSV rows, 2026-12-07, 2.3 s with it, 1.6 s without.)
enum RawRecords {
    static let table = "airlock_raw"
    static let ranges = "airlock_raw_ranges"

    /// Inserts one record: `?1` record number, `?2` line, `?3` the JSON text.
    static let insert = "INSERT INTO \(table) (record_no, line, record) VALUES (?1, ?2, ?3)"

    /// The most fields a record keeps in columns of their own; a wider file's records are JSON
    /// objects. Every row SQLite writes holds a byte for each of the table's columns, NULL or
    /// not, so the widest file read sets what each later record costs, of any source: at most
    /// 63 bytes, less than a CSV row's JSON object's names would cost. And a record of 63 fields
    /// is one `json_object` call of 126 arguments (`RawFields.object`); SQLite takes 127.
    static let maxFields = 63

    /// Whether a file of `header` keeps its records' fields in columns (at most `maxFields`).
    static func keepsFields(_ header: [String]) -> Bool { header.count <= maxFields }

    /// The column of the field at `index` (0 for the header's first name).
    static func fieldColumn(_ index: Int) -> String { "field\(index + 1)" }

    /// Inserts one record of `count` fields: `?1` record number, `?2` line, then each field's
    /// text. `addFieldColumns(count:)` first.
    static func insertFields(count: Int) -> String {
        let columns = (0..<count).map(fieldColumn).joined(separator: ", ")
        let values = (0..<count).map { "?\($0 + Int(firstField))" }.joined(separator: ", ")
        return "INSERT INTO \(table) (record_no, line, \(columns)) VALUES (?1, ?2, \(values))"
    }

    /// The parameter of `insert`'s JSON text and of `insertFields`' first field.
    static let firstField: Int32 = 3

    /// Adds the field columns a record of `count` fields needs that the table lacks yet. Rows
    /// inserted before read NULL there, and SQLite writes no byte for the added columns of an
    /// older row. A rejected file's savepoint takes back the columns it added, and GRDB's
    /// schema cache does not see a rollback, so the columns are counted afresh; the next file
    /// adds them again.
    static func addFieldColumns(count: Int, in db: Database) throws {
        db.clearSchemaCache()
        let present = try db.columns(in: table).filter { $0.name.hasPrefix("field") }.count
        for index in present..<max(present, count) {
            try db.execute(sql: "ALTER TABLE \(table) ADD COLUMN \(fieldColumn(index)) TEXT")
        }
    }

    /// `insert`, but only when `?3` is a JSON object (nothing is inserted otherwise). CASE keeps
    /// json_type from seeing text json_valid refused (it would raise an error).
    static let insertObject = """
        INSERT INTO \(table) (record_no, line, record)
        SELECT ?1, ?2, ?3 WHERE CASE WHEN json_valid(?3) THEN json_type(?3) = 'object' ELSE 0 END
        """

    /// SQL for a `FROM` item and its `WHERE`: the records of the files `files` selects
    /// (SHA-256s), as `r` with `id` and `record`, each file's read as a range of rowids, and
    /// the record's file as `file`. A condition on `r` may follow with `AND`. CROSS JOIN keeps
    /// the runs the outer loop: with `r` outer, SQLite would read the whole table.
    ///
    ///     SELECT r.id, \(RawRecords.file) FROM \(RawRecords.records(inFiles: "'ab12…'")) AND r.line > 1
    static func records(inFiles files: String) -> String {
        """
        \(ranges) AS \(range) CROSS JOIN \(table) AS r ON r.id BETWEEN \(range).first_id AND \(range).last_id \
        WHERE \(range).sha256 IN (\(files))
        """
    }

    /// SQL: the SHA-256 of the file of a record of `records(inFiles:)`.
    static let file = "\(range).sha256"

    /// The names of a range's `header`, from its text (a JSON array, as `noteRange` writes it).
    static func header(_ text: String) throws -> [String] {
        try JSONDecoder().decode([String].self, from: Data(text.utf8))
    }

    /// The range of a record of `records(inFiles:)`, with its file's `header` and `layout`.
    static let range = "raw_range"

    /// SQL for a `FROM` item: the first record of each file `files` selects, as `r`, with its
    /// file's SHA-256 as `file`. A run starts at its file's smallest id (`noteRange`).
    static func firstRecords(ofFiles files: String) -> String {
        "\(ranges) AS \(range) JOIN \(table) AS r ON r.id = \(range).first_id WHERE \(range).sha256 IN (\(files))"
    }

    /// The largest record id so far (0 for none): the records a file adds next come after it.
    static func lastID(in db: Database) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT coalesce(max(id), 0) FROM \(table)") ?? 0
    }

    /// Notes the records added after id `after` as file `sha256`'s, when it added any, with
    /// the file's header (nil for a file without one) and the header's `layout`: a number the
    /// files of the same header share and no file of another header has, which SQL branches on
    /// per record (`RawFields`) more cheaply than on the header's text.
    static func noteRange(file sha256: String, after: Int64, header: [String]?, in db: Database) throws {
        let names = try header.map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) }
        try db.execute(
            sql: """
                INSERT OR REPLACE INTO \(ranges) (sha256, first_id, last_id, header, layout)
                SELECT ?1, min(id), max(id), ?3,
                  CASE WHEN ?3 IS NOT NULL THEN coalesce(
                    (SELECT layout FROM \(ranges) WHERE header = ?3 AND sha256 <> ?1 LIMIT 1),
                    (SELECT coalesce(max(layout), 0) + 1 FROM \(ranges) WHERE sha256 <> ?1)) END
                FROM \(table) WHERE id > ?2 HAVING count(*) > 0
                """, arguments: [sha256, after, names])
    }

    /// SQL for a `FROM` item: every record, as `r`; for a workspace holding one file (`infer`).
    static let all = "\(table) AS r"

    /// SQL: the line and the record number of the record `rawID` names.
    static func place(of rawID: String) -> (line: String, record: String) {
        ("(SELECT line FROM \(table) WHERE id = \(rawID))", "(SELECT record_no FROM \(table) WHERE id = \(rawID))")
    }

    static func delete(file sha256: String, in db: Database) throws {
        try db.execute(
            sql: """
                DELETE FROM \(table) WHERE id BETWEEN (SELECT first_id FROM \(ranges) WHERE sha256 = ?1)
                AND (SELECT last_id FROM \(ranges) WHERE sha256 = ?1)
                """, arguments: [sha256])
        try db.execute(sql: "DELETE FROM \(ranges) WHERE sha256 = ?", arguments: [sha256])
    }
}
