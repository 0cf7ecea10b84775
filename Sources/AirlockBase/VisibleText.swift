/// Text that came from a source or a bundle, made safe to show on one line of a terminal, a
/// table cell or a log: every character that could move the cursor, recolor the screen or
/// reorder what follows it — C0 and C1 controls, DEL, the line and paragraph separators and
/// the bidirectional embeddings, overrides and isolates — is written as an escape a person can
/// read, so a value can neither disguise itself nor what stands around it.
///
/// ```swift
/// VisibleText.escaped("a\tb\u{1B}[2Jc")   // a\tb\u{1B}[2Jc, as the characters it prints
/// ```
package enum VisibleText {
    /// A value on one line: a backslash is doubled too, so every escape reads one way only.
    package static func escaped(_ text: String) -> String { escape(text, doublingBackslashes: true) }

    /// A message of one or more lines, such as an error naming a file or quoting a value: the
    /// line breaks between lines stay, and backslashes stay as they are.
    package static func message(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { escape(String($0), doublingBackslashes: false) }.joined(separator: "\n")
    }

    private static func escape(_ text: String, doublingBackslashes: Bool) -> String {
        func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
            scalar == "\\" ? doublingBackslashes : isDisruptive(scalar)
        }
        guard text.unicodeScalars.contains(where: needsEscape) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            guard needsEscape(scalar) else {
                out.append(scalar)
                continue
            }
            let escape: String
            switch scalar {
            case "\\": escape = "\\\\"
            case "\n": escape = "\\n"
            case "\r": escape = "\\r"
            case "\t": escape = "\\t"
            default: escape = "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            }
            out.append(contentsOf: escape.unicodeScalars)
        }
        return String(out)
    }

    /// Controls, separators and bidirectional formatting characters.
    private static func isDisruptive(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F, 0x2028, 0x2029, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: return true
        default: return false
        }
    }
}
