import AirlockBase

/// One value in a change file: the JSON spelling of a normalized column value.
package enum FieldValue: Codable, Hashable, Sendable, CustomStringConvertible {
    case text(String)
    case integer(Int64)
    case boolean(Bool)
    case null

    package init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        // Text first: most values are, and each failed attempt costs a thrown error.
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(String.self) {
            self = .text(value)
        } else if let value = try? container.decode(Bool.self) {
            self = .boolean(value)
        } else {
            self = .integer(try container.decode(Int64.self))
        }
    }

    package func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case let .text(value): try container.encode(value)
        case let .integer(value): try container.encode(value)
        case let .boolean(value): try container.encode(value)
        case .null: try container.encodeNil()
        }
    }

    /// How a person reads it: text as it is, NULL for no value; text that reads as NULL
    /// (any case) is quoted, `'NULL'`, so that it is not taken for no value.
    package var description: String {
        switch self {
        case let .text(value): return value.lowercased() == "null" ? "'\(value)'" : value
        case let .integer(value): return String(value)
        case let .boolean(value): return value ? "true" : "false"
        case .null: return "NULL"
        }
    }

    /// `description` on one line, every control character visible (`VisibleText.escaped`):
    /// backslash, carriage return, newline and tab as `\\`, `\r`, `\n` and `\t`, for
    /// terminals and table cells.
    package var inline: String { VisibleText.escaped(description) }
}
