/// Rows in the text format of PostgreSQL's `COPY ... FROM STDIN`, which a script run with
/// `psql -f` carries inline: PostgreSQL reads it far faster than it parses literals.
///
/// Only backslash and the three characters that delimit fields and rows need escaping; `\N`
/// is NULL. An escaped backslash can never form the `\.` end-of-data line.
enum PostgresCopy {
    static let endOfData = "\\."

    /// The bytes `field` escapes; built once, as `field` runs for every value of every row.
    private static let escapedBytes: Set<UInt8> = [UInt8(ascii: "\\"), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r")]

    static func line(_ values: [WorkspaceValue], types: [ColumnType]) -> String {
        zip(values, types).map { field($0, type: $1) }.joined(separator: "\t")
    }

    static func field(_ value: WorkspaceValue, type: ColumnType) -> String {
        switch value {
        case .null:
            return "\\N"
        case let .integer(number):
            if type == .boolean { return number == 0 ? "f" : "t" }
            return String(number)
        case let .text(text):
            guard text.utf8.contains(where: escapedBytes.contains) else { return text }
            var escaped = String.UnicodeScalarView()
            for scalar in text.unicodeScalars {
                switch scalar {
                case "\\": escaped.append(contentsOf: "\\\\".unicodeScalars)
                case "\t": escaped.append(contentsOf: "\\t".unicodeScalars)
                case "\n": escaped.append(contentsOf: "\\n".unicodeScalars)
                case "\r": escaped.append(contentsOf: "\\r".unicodeScalars)
                default: escaped.append(scalar)
                }
            }
            return String(escaped)
        }
    }
}
