import GRDB

/// `airlock_unparsed`: records that could not be read, with their place, reason and text,
/// held back while the rest of their file proceeds.
enum UnparsedRecords {
    static let table = "airlock_unparsed"

    /// Inserts one: file SHA-256, line, record number, field, reason, text.
    static let insert =
        "INSERT INTO \(table) (file_sha256, line, record_no, field, reason, text) VALUES (?, ?, ?, ?, ?, ?)"

    static func delete(file sha256: String, in db: Database) throws {
        try db.execute(sql: "DELETE FROM \(table) WHERE file_sha256 = ?", arguments: [sha256])
    }

    /// How many records of the files `files` selects (SHA-256s) could not be read.
    static func count(inFiles files: String, in db: Database) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table) WHERE file_sha256 IN (\(files))") ?? 0
    }

    /// Each unreadable record of the files in `files` (a `FROM` item with `sha256`, `name`,
    /// `entity` and `ingest_order`): file name, line, record number, field, reason and a
    /// spreadsheet's sheet, in the order they were read.
    static func list(inFiles files: String, in db: Database) throws -> [Row] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT f.name, u.line, u.record_no, u.field, u.reason, s.sheet FROM \(table) AS u
                JOIN \(files) AS f ON f.sha256 = u.file_sha256 \(SheetRecords.join(file: "u.file_sha256", as: "s"))
                ORDER BY f.ingest_order, u.record_no
                """)
    }

    /// SQL: how many records of entity `alias.entity`'s files in `files` could not be read.
    static func countPerEntity(files: String, alias: String) -> String {
        "(SELECT count(*) FROM \(table) AS u JOIN \(files) AS r ON r.sha256 = u.file_sha256 WHERE r.entity = \(alias).entity)"
    }
}
