/// The type of a normalized column. Values are canonicalized in the workspace so that equal
/// values compare equal in SQL and emit the same literal in every dialect.
package enum ColumnType: Equatable, Sendable, CustomStringConvertible {
    /// Text kept as given.
    case text
    /// A 64-bit integer.
    case integer
    /// An exact decimal kept as canonical text with exactly `scale` fraction digits:
    /// no binary floating point anywhere on the path.
    case decimal(precision: Int, scale: Int)
    /// `true`/`false` and their common spellings (`yes`, `1`, `on`, ...).
    case boolean
    /// A timestamp converted to UTC, ISO-8601 with a `Z` suffix.
    case timestamp
    /// A calendar date, `YYYY-MM-DD`, with no time and no zone.
    case date
    /// Text normalized to snake case (`bill-payment` → `bill_payment`).
    case enumeration

    /// Parses a spec spelling: `text`, `integer`, `decimal(12,2)`, `boolean`, `timestamp`, `date`, `enum`.
    package init?(spelling: String) {
        let compact = spelling.lowercased().filter { !$0.isWhitespace }
        switch compact {
        case "text", "string": self = .text
        case "integer", "int", "bigint": self = .integer
        case "boolean", "bool": self = .boolean
        case "timestamp", "datetime": self = .timestamp
        case "date": self = .date
        case "enum": self = .enumeration
        default:
            guard compact.hasPrefix("decimal("), compact.hasSuffix(")") else { return nil }
            let numbers = compact.dropFirst("decimal(".count).dropLast().split(separator: ",")
            guard numbers.count == 2, let precision = Int(numbers[0]), let scale = Int(numbers[1]),
                precision >= 1, precision <= 38, scale >= 0, scale <= precision
            else { return nil }
            self = .decimal(precision: precision, scale: scale)
        }
    }

    package var description: String {
        switch self {
        case .text: return "text"
        case .integer: return "integer"
        case let .decimal(precision, scale): return "decimal(\(precision),\(scale))"
        case .boolean: return "boolean"
        case .timestamp: return "timestamp"
        case .date: return "date"
        case .enumeration: return "enum"
        }
    }
}
