import GRDB

/// `airlock_raw`: every record read, as a JSON object, with its provenance (file, record
/// number, line). Normalization reads it; nothing changes a record once it is in.
///
/// A file's records are inserted in one go, so they take one run of ids, which
/// `airlock_raw_ranges` notes per file: the statements below read a file's records as that run
/// of the table's rowids. An index on `file_sha256` would find them too, but keeping it cost a
/// third of ingest (1,000,000 CSV rows, 2026-12-07: 2.3 s with it, 1.6 s without).
enum RawRecords {
    static let table = "airlock_raw"
    static let ranges = "airlock_raw_ranges"

    /// Inserts one record: `?1` file SHA-256, `?2` entity, `?3` record number, `?4` line, `?5` the JSON text.
    static let insert =
        "INSERT INTO \(table) (file_sha256, entity, record_no, line, record) VALUES (?1, ?2, ?3, ?4, ?5)"

    /// `insert`, but only when `?5` is a JSON object (nothing is inserted otherwise). CASE keeps
    /// json_type from seeing text json_valid refused (it would raise an error).
    static let insertObject = """
        INSERT INTO \(table) (file_sha256, entity, record_no, line, record)
        SELECT ?1, ?2, ?3, ?4, ?5 WHERE CASE WHEN json_valid(?5) THEN json_type(?5) = 'object' ELSE 0 END
        """

    /// SQL for a `FROM` item and its `WHERE`: the records of the files `files` selects
    /// (SHA-256s), as `r` with `id`, `file_sha256` and `record`, each file's read as a range of
    /// rowids. A condition on `r` may follow with `AND`. CROSS JOIN keeps the runs the outer
    /// loop: with `r` outer, SQLite would read the whole table.
    ///
    ///     SELECT r.id FROM \(RawRecords.records(inFiles: "'ab12…'")) AND r.entity = 'products'
    static func records(inFiles files: String) -> String {
        """
        \(ranges) AS raw_range CROSS JOIN \(table) AS r ON r.id BETWEEN raw_range.first_id AND raw_range.last_id \
        AND r.file_sha256 = raw_range.sha256 WHERE raw_range.sha256 IN (\(files))
        """
    }

    /// SQL for `IN (…)`: the id of the first record of each file `files` selects. A run starts
    /// at its file's smallest id (`noteRange`, and migration v13), so no check of
    /// `file_sha256` is needed.
    static func firstRecordIDs(inFiles files: String) -> String {
        "SELECT first_id FROM \(ranges) WHERE sha256 IN (\(files))"
    }

    /// The largest record id so far (0 for none): the records a file adds next come after it.
    static func lastID(in db: Database) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT coalesce(max(id), 0) FROM \(table)") ?? 0
    }

    /// Notes the records added after id `after` as file `sha256`'s, when it added any.
    static func noteRange(file sha256: String, after: Int64, in db: Database) throws {
        try db.execute(
            sql: """
                INSERT OR REPLACE INTO \(ranges) (sha256, first_id, last_id)
                SELECT ?1, min(id), max(id) FROM \(table) WHERE id > ?2 HAVING count(*) > 0
                """, arguments: [sha256, after])
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
                AND (SELECT last_id FROM \(ranges) WHERE sha256 = ?1) AND file_sha256 = ?1
                """, arguments: [sha256])
        try db.execute(sql: "DELETE FROM \(ranges) WHERE sha256 = ?", arguments: [sha256])
    }
}
