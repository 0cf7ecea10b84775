/// One problem validation found with one record: where it is (file, line or record, field),
/// what was there and why it does not pass, and what became of the record.
public struct ValidationFinding: Codable, Equatable, Sendable {
    public enum Severity: String, Codable, Sendable {
        /// The record is held back; the rest of the drop proceeds.
        case quarantine
    }

    public var severity: Severity
    /// What failed: `type` for a value that does not fit its column's type, `key` for an empty key.
    public var check: String
    public var entity: String
    public var file: String
    public var line: Int?
    public var record: Int
    /// The source field, as the file names it.
    public var field: String
    public var value: String?
    public var reason: String

    public var place: String { "\(file): \(line.map { "line \($0)" } ?? "record \(record)"): field '\(field)'" }

    public var description: String { "\(place): \(reason); the record is held back" }
}
