import Foundation
import GRDB

/// `airlock_sheets`: for each spreadsheet read, the sheet its records are rows of, the
/// workbook's date system and the header's names in column order from A; so places name
/// the row and the cell (`orders.xlsx!Sheet1: row 7, cell C7 ('amount')`) and serial dates
/// count from the workbook's own first day.
enum SheetRecords {
    static let table = "airlock_sheets"

    static func record(file sha256: String, sheet: String, date1904: Bool, header: [String], in db: Database) throws {
        try db.execute(
            sql: "INSERT OR REPLACE INTO \(table) (file_sha256, sheet, date1904, header) VALUES (?, ?, ?, ?)",
            arguments: [sha256, sheet, date1904, String(decoding: try JSONEncoder().encode(header), as: UTF8.self)])
    }

    static func delete(file sha256: String, in db: Database) throws {
        try db.execute(sql: "DELETE FROM \(table) WHERE file_sha256 = ?", arguments: [sha256])
    }

    /// SQL: 1 when the file whose SHA-256 `file` (SQL) gives counts serial dates from 1904, 0
    /// when from 1900; NULL for a file that is no spreadsheet.
    static func date1904(ofFile file: String) -> String {
        "(SELECT date1904 FROM \(table) WHERE file_sha256 = \(file))"
    }

    /// SQL: a `LEFT JOIN` of the sheet of the file whose SHA-256 `file` (SQL) gives, as `alias`
    /// (`alias.sheet`: NULL for a file that is no spreadsheet).
    static func join(file: String, as alias: String) -> String {
        "LEFT JOIN \(table) AS \(alias) ON \(alias).file_sha256 = \(file)"
    }

    /// SQL: the column (0 for A) the header of the sheet `alias` gives the name `field` (SQL), or NULL.
    static func column(of field: String, in alias: String) -> String {
        "(SELECT CAST(key AS INTEGER) FROM json_each(\(alias).header) WHERE value = \(field))"
    }
}
