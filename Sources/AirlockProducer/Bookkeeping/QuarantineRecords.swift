import AirlockBase
import AirlockSpec
import GRDB

/// `airlock_quarantine`: every finding on a record (a check it failed, with field, value,
/// reason and severity). A record with a finding of severity `quarantine` is held back.
enum QuarantineRecords {
    static let table = "airlock_quarantine"

    /// Records a finding for each row `source` (an SQL `FROM` item with `raw_id` and
    /// `file_sha256`) gives where `condition` holds; `field`, `value`, `reason`, `check` and
    /// `key` (the record's key as text, NULL where it has none) are SQL over its columns (a
    /// child's field names the array element, `lines[2].qty`).
    static func insert(
        entity: String, field: String, value: String, reason: String, check: String, severity: String,
        key: String = "NULL", from source: String, where condition: String, in db: Database
    ) throws {
        try db.execute(
            sql: """
                INSERT INTO \(table) (raw_id, file_sha256, entity, field, value, reason, check_name, severity, record_key)
                SELECT raw_id, file_sha256, ?, \(field), \(value), \(reason), \(check), \(severity), \(key) FROM \(source) WHERE \(condition)
                """, arguments: [entity])
    }

    /// SQL: the raw ids of the records of the files `files` selects that `entity`'s findings
    /// hold back. A child's findings name its parent's top records, which the parent judges
    /// on its own.
    static func heldBack(entity: String, inFiles files: String) -> String {
        let sqlite = SQLDialect.sqlite
        return
            "SELECT raw_id FROM \(table) WHERE severity = \(sqlite.literal(Severity.quarantine.rawValue)) AND entity = \(sqlite.literal(entity)) AND file_sha256 IN (\(files))"
    }

    /// Forgets `entity`'s findings on the records of the files `files` selects, before they
    /// are checked again.
    static func delete(entity: String, inFiles files: String, in db: Database) throws {
        try db.execute(
            sql: "DELETE FROM \(table) WHERE entity = ? AND file_sha256 IN (\(files))", arguments: [entity])
    }

    static func delete(file sha256: String, in db: Database) throws {
        try db.execute(sql: "DELETE FROM \(table) WHERE file_sha256 = ?", arguments: [sha256])
    }

    /// SQL: how many records of the files in `files` entity `alias.entity`'s findings hold
    /// back (for a child, the top records whose arrays it held back).
    static func countPerEntity(files: String, alias: String) -> String {
        """
        (SELECT count(DISTINCT q.raw_id) FROM \(table) AS q JOIN \(files) AS r ON r.sha256 = q.file_sha256
         WHERE q.entity = \(alias).entity AND q.severity = \(SQLDialect.sqlite.literal(Severity.quarantine.rawValue)))
        """
    }

    /// SQL: the entities with findings on the records of the files in `files`, as `entity`.
    static func entities(inFiles files: String) -> String {
        "SELECT DISTINCT entity FROM \(table) WHERE file_sha256 IN (SELECT sha256 FROM \(files))"
    }

    /// Every finding on the records of the files in `files` (a `FROM` item with `sha256`,
    /// `name` and `ingest_order`), in the order the records were read: severity, check, entity,
    /// file name, line, record number, field, value, reason, and for a spreadsheet's record the
    /// sheet, the field's column (0 for A; NULL for a field that is no one column) and the
    /// header's width; the record's key.
    static func findings(inFiles files: String, in db: Database) throws -> [Row] {
        let place = RawRecords.place(of: "q.raw_id")
        return try Row.fetchAll(
            db,
            sql: """
                SELECT q.severity, q.check_name, q.entity, f.name, \(place.line), \(place.record), q.field, q.value, q.reason,
                       s.sheet, \(SheetRecords.column(of: "q.field", in: "s")), json_array_length(s.header), q.record_key
                FROM \(table) AS q JOIN \(files) AS f ON f.sha256 = q.file_sha256 \(SheetRecords.join(file: "q.file_sha256", as: "s"))
                ORDER BY f.ingest_order, \(place.record), q.rowid
                """)
    }
}
