/// Rows in the text format of PostgreSQL's `COPY ... FROM STDIN`, which a script run with
/// `psql -f` carries inline: PostgreSQL reads it far faster than it parses literals.
///
/// Only backslash and the three characters that delimit fields and rows need escaping; `\N`
/// is NULL. An escaped backslash can never form the `\.` end-of-data line.
package enum PostgresCopy {
    package static let endOfData = "\\."

    /// Appends text as one COPY field, escaped.
    package static func appendField(_ text: some Collection<UInt8>, to out: inout [UInt8]) {
        let backslash = UInt8(ascii: "\\")
        guard
            text.contains(where: {
                $0 == backslash || $0 == UInt8(ascii: "\t") || $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\r")
            })
        else {
            out += text
            return
        }
        for byte in text {
            switch byte {
            case backslash: out += [backslash, backslash]
            case UInt8(ascii: "\t"): out += [backslash, UInt8(ascii: "t")]
            case UInt8(ascii: "\n"): out += [backslash, UInt8(ascii: "n")]
            case UInt8(ascii: "\r"): out += [backslash, UInt8(ascii: "r")]
            default: out.append(byte)
            }
        }
    }
}
