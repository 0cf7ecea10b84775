import GRDB

/// The two SQL dialects Airlock emits. Every identifier is quoted and every value becomes a
/// literal through this type, so a value never becomes code.
public enum SQLDialect: String, CaseIterable, Sendable {
    case postgres
    case sqlite

    /// `"name"` with embedded double quotes doubled.
    public func identifier(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// A string literal. Quotes are doubled; backslashes are plain characters in both dialects
    /// (PostgreSQL scripts set `standard_conforming_strings`). SQLite text holding NUL is written
    /// as a hex blob cast to text, because the `sqlite3` shell reads statements as C strings;
    /// PostgreSQL text cannot hold NUL at all, which validation reports before emitting.
    public func literal(_ text: String) -> String {
        if self == .sqlite && text.utf8.contains(0) {
            return "CAST(X'" + text.utf8.map { byte in
                let hex = String(byte, radix: 16, uppercase: true)
                return hex.count == 1 ? "0" + hex : hex
            }.joined() + "' AS TEXT)"
        }
        return "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
    }

    /// The literal of a canonical workspace value in a column of `type`. PostgreSQL literals
    /// carry their type so they compare correctly outside an INSERT too (`IN (VALUES ...)`).
    func literal(_ value: WorkspaceValue, type: ColumnType) -> String {
        switch value {
        case .null:
            return "NULL"
        case let .integer(number):
            if type == .boolean && self == .postgres { return number == 0 ? "FALSE" : "TRUE" }
            return String(number)
        case let .text(text):
            switch (self, type) {
            case (.postgres, .decimal), (.postgres, .timestamp):
                return literal(text) + "::" + columnType(type)
            default:
                return literal(text)
            }
        }
    }

    /// The target column type for a spec type. SQLite keeps decimals as text: its NUMERIC
    /// affinity would turn `12.50` into a binary double.
    func columnType(_ type: ColumnType) -> String {
        switch (self, type) {
        case (.postgres, .text), (.postgres, .enumeration): return "text"
        case (.postgres, .integer): return "bigint"
        case let (.postgres, .decimal(precision, scale)): return "numeric(\(precision),\(scale))"
        case (.postgres, .boolean): return "boolean"
        case (.postgres, .timestamp): return "timestamptz"
        case (.sqlite, .integer), (.sqlite, .boolean): return "INTEGER"
        case (.sqlite, _): return "TEXT"
        }
    }
}

/// A canonical value as the workspace stores it.
enum WorkspaceValue: Equatable {
    case null
    case integer(Int64)
    case text(String)

    init(_ value: DatabaseValue) {
        switch value.storage {
        case .null: self = .null
        case let .int64(number): self = .integer(number)
        case let .string(text): self = .text(text)
        case let .double(number): self = .text(String(number))
        case let .blob(data): self = .text(String(decoding: data, as: UTF8.self))
        }
    }
}
