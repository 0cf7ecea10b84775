/// The two SQL dialects Airlock emits. Every identifier is quoted and every value becomes a
/// literal through this type, so a value never becomes code.
package enum SQLDialect: String, CaseIterable, Codable, Sendable {
    case postgres
    case sqlite

    /// `"name"` with embedded double quotes doubled.
    package func identifier(_ name: String) -> String {
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
    package func literal(_ text: String) -> String {
        var bytes: [UInt8] = []
        appendLiteral(text.utf8, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A script line that prints `text` (printable characters and newlines) when the script
    /// runs: a SELECT of its literal for the `sqlite3` shell, `\echo` for psql, whose
    /// meta-command arguments take single quotes doubled and backslash escapes within single quotes.
    ///
    ///     SQLDialect.sqlite.printing("airlock: it's done")   // SELECT 'airlock: it''s done';
    ///     SQLDialect.postgres.printing("airlock: it's done") // \echo 'airlock: it''s done'
    package func printing(_ text: String) -> String {
        switch self {
        case .sqlite: return "SELECT \(literal(text));"
        case .postgres:
            let escaped = text.replacingOccurrences(of: "\\", with: "\\\\")
                .replacingOccurrences(of: "'", with: "''").replacingOccurrences(of: "\n", with: "\\n")
            return "\\echo '\(escaped)'"
        }
    }

    /// `literal` of UTF-8 bytes, appended to script text; scripts write every value this way.
    /// Bytes, not scalars: UTF-8 never uses bytes below 0x80 inside a multi-byte scalar.
    package func appendLiteral(_ text: some Collection<UInt8>, to out: inout [UInt8]) {
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

    /// The target column type for a spec type. SQLite keeps decimals as text: its NUMERIC
    /// affinity would turn `12.50` into a binary double.
    package func columnType(_ type: ColumnType) -> String {
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
