import AirlockBase
import AirlockSpec

/// How a column writes its numbers: plain, with digit groups (`1,234.50`), or with a decimal
/// comma (`1.234,50`, `1 234,50`). Each spelling is a whole-value pattern, so a group is always
/// three digits and `12,5` is never read as twelve thousand and five.
enum NumberSpelling {
    /// The spellings tried, in order: the point first, since `1,234` alone reads either way and
    /// English exports are the commoner; the note says so.
    private static var spellings: [(thousands: String, decimal: String, pattern: Regex<Substring>)] {
        [
            (",", ".", /[-+]?(?:\d+|\d{1,3}(?:,\d{3})+)(?:\.\d+)?/),
            (".", ",", /[-+]?(?:\d+|\d{1,3}(?:\.\d{3})+)(?:,\d+)?/),
            (" ", ",", /[-+]?(?:\d+|\d{1,3}(?:[ \u{A0}\u{202F}]\d{3})+)(?:,\d+)?/)
        ]
    }

    static func infer(_ values: [String]) -> ColumnInference? {
        for spelling in spellings {
            guard values.allSatisfy({ $0.wholeMatch(of: spelling.pattern) != nil }) else { continue }
            let grouped = values.contains { $0.contains(spelling.thousands) || $0.contains("\u{A0}") }
            let marked = values.contains { $0.contains(spelling.decimal) }
            // A decimal comma shows itself by a comma or by groups of a point: else the values are plain.
            if spelling.decimal == "," && !marked && !grouped { continue }
            // Leading zeros (`007`, postal codes) are codes: a number would lose them.
            if values.contains(where: { $0.wholeMatch(of: /[-+]?0\d+(?:[.,].*)?/) != nil }) { return nil }
            let cleaned = values.map { value in
                var text = value
                for mark in spelling.thousands == " " ? [" ", "\u{A0}", "\u{202F}"] : [spelling.thousands] {
                    text = text.replacingOccurrences(of: mark, with: "")
                }
                return text.replacingOccurrences(of: spelling.decimal, with: ".")
            }
            var number = ColumnInference(type: marked ? decimal(cleaned) : .integer)
            guard cleaned.allSatisfy({ ValueParser.parse($0, as: number.type).isSuccess }) else { return nil }
            if grouped { number.thousands = spelling.thousands }
            if spelling.decimal == "," { number.decimalSeparator = "," }
            if grouped && !marked && spelling.thousands == "," {
                number.notes.append(
                    "read 1,234 as a thousand and more; if the comma is a decimal mark, "
                        + "use decimal_separator: \",\" instead of thousands")
            }
            return number
        }
        return nil
    }

    /// The narrowest decimal type that holds every value, with room to grow: at least two
    /// decimals and twelve digits.
    private static func decimal(_ cleaned: [String]) -> ColumnType {
        var (whole, fraction) = (0, 0)
        for value in cleaned {
            let parts = value.split(separator: ".", omittingEmptySubsequences: false)
            let digits = parts[0].drop { !$0.isNumber }.drop { $0 == "0" }
            whole = max(whole, digits.count)
            if parts.count > 1 { fraction = max(fraction, parts[1].count) }
        }
        let scale = min(12, max(2, fraction))
        return .decimal(precision: min(38, max(12, whole + scale + 4)), scale: scale)
    }
}
