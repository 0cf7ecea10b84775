/// A record that could not be read, kept in the quarantine with its place and text while the
/// rest of its file proceeds.
package struct RecordFailure: Equatable, Sendable {
    /// The physical line where the record starts, for line-based formats; a sheet's row number
    /// for a spreadsheet's records.
    package var line: Int?
    /// The record's number among the file's records, for JSON documents.
    package var record: Int?
    /// The field: a CSV column number or name, or a sheet's cell (`E7`), when the failure lies in one.
    package var field: String?
    package var reason: String
    /// The record as read (up to `excerptLimit` bytes); the whole file is kept in `inbox/processed/`.
    package var text: String
    /// The sheet a spreadsheet's record is a row of.
    package var sheet: String?

    static let excerptLimit = 4096

    static func excerpt<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> String {
        String(decoding: bytes.prefix(excerptLimit), as: UTF8.self)
    }

    /// `line 7, field 3 ('Amount')`, or in a sheet the cell as Excel names it: `Orders!E7`.
    package var place: String { Self.place(line: line, record: record, field: field, sheet: sheet) }

    static func place(line: Int?, record: Int?, field: String?, sheet: String? = nil) -> String {
        if let sheet {
            // Every failure in a sheet names its cell; a row alone is Excel's `7:7`.
            return CellReference.qualified(field ?? line.map { "\($0):\($0)" } ?? "", inSheet: sheet)
        }
        var parts: [String] = []
        if let line { parts.append("line \(line)") } else if let record { parts.append("record \(record)") }
        if let field { parts.append("field \(field)") }
        return parts.joined(separator: ", ")
    }
}
