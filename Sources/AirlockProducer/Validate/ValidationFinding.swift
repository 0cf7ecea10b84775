import AirlockSite
import AirlockSpec

/// One problem validation found: with a record (file, line or record, field, value), or with
/// an entity as a whole (a threshold, a foreign key); what failed, why, and what it does.
package struct ValidationFinding: Codable, Equatable, Sendable {
    package var severity: Severity
    /// What failed: `type`, `key` (an empty key), `not_null`, `unique`, `accepted`, `pattern`,
    /// `range`, `length`, `transition`, `references`, `tombstone`, `unread_records`, `unknown_fields`,
    /// `missing_fields`, `min_rows`, `max_delete_share`, `max_change_share`, `nested_array` (a
    /// child's array or element that is not one), `ordinal_key` (a child keyed by position changed).
    package var check: String
    package var entity: String
    package var file: String?
    /// The sheet, for a spreadsheet's record: `line` is then its row.
    package var sheet: String?
    package var line: Int?
    package var record: Int?
    /// The source field, as the file names it.
    package var field: String?
    /// In a sheet: the field's cell (`C7`), or the row's cells under the header (`A7:I7`) for a
    /// finding about a field that is not one column (or none).
    package var cell: String?
    package var value: String?
    package var reason: String
    /// The record's key, as its values read (`product_id='P-100'`), where the record has one:
    /// the change of that key in the bundle, if any, is the one to look at.
    package var key: String?

    package init(
        severity: Severity, check: String, entity: String, file: String? = nil, sheet: String? = nil,
        line: Int? = nil, record: Int? = nil, field: String? = nil, cell: String? = nil, value: String? = nil,
        reason: String, key: String? = nil
    ) {
        self.key = key
        self.severity = severity
        self.check = check
        self.entity = entity
        self.file = file
        self.sheet = sheet
        self.line = line
        self.record = record
        self.field = field
        self.cell = cell
        self.value = value
        self.reason = reason
    }

    /// `payments.csv: line 3: field 'Amount'`, `orders.xlsx: Orders!C7 ('Amount')`, or the
    /// entity for a finding about all of it.
    package var place: String {
        guard let file else { return field.map { "\(entity): field '\($0)'" } ?? entity }
        if let sheet, let cell {
            return "\(file): \(CellReference.qualified(cell, inSheet: sheet))" + (field.map { " ('\($0)')" } ?? "")
        }
        let position = line.map { "line \($0)" } ?? record.map { "record \($0)" } ?? "the file"
        return "\(file): \(position)" + (field.map { ": field '\($0)'" } ?? "")
    }

    package var description: String {
        let outcome: String
        switch severity {
        case .quarantine: outcome = "the record is held back"
        case .warn: outcome = "reported only"
        case .block: outcome = "no bundle is written"
        }
        return "\(place): \(reason); \(outcome)"
    }
}
