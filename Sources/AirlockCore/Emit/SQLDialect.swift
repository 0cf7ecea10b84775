import GRDB

/// The two SQL dialects Airlock emits. Every identifier is quoted and every value becomes a
/// literal through this type, so a value never becomes code.
public enum SQLDialect: String, CaseIterable, Sendable {
    case postgres
    case sqlite

    /// `"name"` with embedded double quotes doubled.
    public func identifier(_ name: String) -> String {
        "\"" + Self.doubling("\"", in: name) + "\""
    }

    /// A string literal that gives back exactly `text`, whatever it holds.
    ///
    /// Plain text is quoted with embedded quotes doubled; backslashes are ordinary characters
    /// in both dialects (PostgreSQL scripts set `standard_conforming_strings`). Text with
    /// control characters other than newline and tab is spelled so that line-based readers
    /// cannot alter it (the `sqlite3` shell drops a carriage return before a newline):
    /// PostgreSQL gets an `E'...'` string with escapes, SQLite a hex blob cast to text, which
    /// also carries NUL. PostgreSQL text cannot hold NUL at all; callers keep NUL away from it.
    public func literal(_ text: String) -> String {
        // Bytes, not scalars: UTF-8 never uses bytes below 0x80 inside a multi-byte scalar.
        let needsEscapes = text.utf8.contains { $0 < 0x20 && $0 != UInt8(ascii: "\n") && $0 != UInt8(ascii: "\t") }
        guard needsEscapes else { return "'" + Self.doubling("'", in: text) + "'" }
        switch self {
        case .sqlite:
            return "CAST(X'" + Array(text.utf8).hexString + "' AS TEXT)"
        case .postgres:
            var escaped = "E'"
            for scalar in text.unicodeScalars {
                switch scalar {
                case "'": escaped += "''"
                case "\\": escaped += "\\\\"
                case _ where scalar.value < 0x20:
                    let hex = String(scalar.value, radix: 16)
                    escaped += "\\x" + (hex.count == 1 ? "0" : "") + hex
                default: escaped.unicodeScalars.append(scalar)
                }
            }
            return escaped + "'"
        }
    }

    /// Doubles every `quote` scalar. This works on Unicode scalars, not Characters: a quote
    /// followed by a combining mark is one Character, and a Character-level replace misses it.
    private static func doubling(_ quote: Unicode.Scalar, in text: String) -> String {
        guard text.utf8.contains(UInt8(quote.value)) else { return text }
        var result = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            result.append(scalar)
            if scalar == quote { result.append(scalar) }
        }
        return String(result)
    }

    /// An entity's target table, for a target that does not have it yet, with its key and
    /// foreign keys.
    func createTable(_ entity: EntitySpec) -> String {
        "CREATE TABLE IF NOT EXISTS \(identifier(entity.name)) \(tableDefinition(entity, foreignKeys: true));"
    }

    /// `(columns, PRIMARY KEY (...), FOREIGN KEY ...)` for `entity`.
    func tableDefinition(_ entity: EntitySpec, foreignKeys: Bool) -> String {
        var parts = entity.columns.map { "\(identifier($0.name)) \(columnType($0.type))" }
        parts.append("PRIMARY KEY (\(entity.key.map(identifier).joined(separator: ", ")))")
        for column in entity.columns where foreignKeys {
            guard let parent = column.references else { continue }
            parts.append("FOREIGN KEY (\(identifier(column.name))) REFERENCES \(identifier(parent))")
        }
        return "(" + parts.joined(separator: ", ") + ")"
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
        case (.postgres, .date): return "date"
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

    /// The value as an SQLite literal: SQLite stores canonical values as they are (booleans as
    /// 0 and 1, decimals and timestamps as text). PostgreSQL scripts carry values as COPY data
    /// instead (`PostgresCopy`), which also types them.
    var sqliteLiteral: String {
        switch self {
        case .null: return "NULL"
        case let .integer(number): return String(number)
        case let .text(text): return SQLDialect.sqlite.literal(text)
        }
    }

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
