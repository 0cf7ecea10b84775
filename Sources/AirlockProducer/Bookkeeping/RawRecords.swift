import GRDB

/// `airlock_raw`: every record read, as a JSON object, with its provenance (file, record
/// number, line). Normalization reads it; nothing changes a record once it is in.
enum RawRecords {
    static let table = "airlock_raw"

    /// Inserts one record: `?1` file SHA-256, `?2` entity, `?3` record number, `?4` line, `?5` the JSON text.
    static let insert =
        "INSERT INTO \(table) (file_sha256, entity, record_no, line, record) VALUES (?1, ?2, ?3, ?4, ?5)"

    /// `insert`, but only when `?5` is a JSON object (nothing is inserted otherwise). CASE keeps
    /// json_type from seeing text json_valid refused (it would raise an error).
    static let insertObject = """
        INSERT INTO \(table) (file_sha256, entity, record_no, line, record)
        SELECT ?1, ?2, ?3, ?4, ?5 WHERE CASE WHEN json_valid(?5) THEN json_type(?5) = 'object' ELSE 0 END
        """

    /// SQL for a `FROM` item: the records of the files `files` selects (SHA-256s), as
    /// `r` with `id`, `file_sha256` and `record`.
    static func records(inFiles files: String) -> String {
        "\(table) AS r WHERE r.file_sha256 IN (\(files))"
    }

    /// SQL for a `FROM` item: every record, as `r`; for a workspace holding one file (`infer`).
    static let all = "\(table) AS r"

    /// SQL: the line and the record number of the record `rawID` names.
    static func place(of rawID: String) -> (line: String, record: String) {
        ("(SELECT line FROM \(table) WHERE id = \(rawID))", "(SELECT record_no FROM \(table) WHERE id = \(rawID))")
    }

    static func delete(file sha256: String, in db: Database) throws {
        try db.execute(sql: "DELETE FROM \(table) WHERE file_sha256 = ?", arguments: [sha256])
    }
}
