import GRDB
import GRDBSQLite

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
        var bytes: [UInt8] = []
        appendLiteral(text.utf8, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `literal` of UTF-8 bytes, appended to script text; scripts write every value this way.
    /// Bytes, not scalars: UTF-8 never uses bytes below 0x80 inside a multi-byte scalar.
    func appendLiteral(_ text: some Collection<UInt8>, to out: inout [UInt8]) {
        let quote = UInt8(ascii: "'")
        guard text.contains(where: { $0 < 0x20 && $0 != UInt8(ascii: "\n") && $0 != UInt8(ascii: "\t") }) else {
            out.append(quote)
            if text.contains(quote) {
                for byte in text {
                    out.append(byte)
                    if byte == quote { out.append(quote) }
                }
            } else {
                out += text
            }
            out.append(quote)
            return
        }
        switch self {
        case .sqlite:
            out += Array("CAST(X'".utf8) + Array(text.hexString.utf8) + Array("' AS TEXT)".utf8)
        case .postgres:
            out += [UInt8(ascii: "E"), quote]
            for byte in text {
                switch byte {
                case quote: out += [quote, quote]
                case UInt8(ascii: "\\"): out += [byte, byte]
                case ..<0x20: out += Array("\\x\(byte < 0x10 ? "0" : "")\(String(byte, radix: 16))".utf8)
                default: out.append(byte)
                }
            }
            out.append(quote)
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

/// A canonical value as the workspace stores it, appended to script text. SQLite stores
/// canonical values as they are (booleans as 0 and 1, decimals and timestamps as text), so an
/// SQLite script writes them as literals; PostgreSQL scripts carry them as COPY data
/// (`PostgresCopy`), which also types them.
///
/// Values are read in place from the statement's current row and written as bytes: a Swift
/// String or Data per value was most of the time spent writing scripts.
enum WorkspaceValue {
    static func append(_ statement: SQLiteStatement, column: Int32, type: ColumnType, dialect: SQLDialect, to out: inout [UInt8]) {
        switch sqlite3_column_type(statement, column) {
        case SQLITE_NULL:
            out += dialect == .postgres ? [UInt8(ascii: "\\"), UInt8(ascii: "N")] : Array("NULL".utf8)
        case SQLITE_INTEGER:
            let number = sqlite3_column_int64(statement, column)
            out += (dialect == .postgres && type == .boolean ? (number == 0 ? "f" : "t") : String(number)).utf8
        default:
            // Text, and anything else as the text SQLite gives for it.
            let start = sqlite3_column_text(statement, column)
            let text = UnsafeBufferPointer(start: start, count: Int(sqlite3_column_bytes(statement, column)))
            switch dialect {
            case .postgres: PostgresCopy.appendField(text, to: &out)
            case .sqlite: dialect.appendLiteral(text, to: &out)
            }
        }
    }
}
