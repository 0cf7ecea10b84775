/// One spelling for every object key, so that a spec's field names find them. SQLite (3.40,
/// the system library) looks a path label up by comparing it with the key's text as written,
/// escapes and all: `"pr\u00e9nom"` (what `json.dumps` writes for `prénom`) never matched
/// `$."prénom"`, and a CSV header holding `\` or a tab never matched the label it was looked up
/// by, so such fields loaded as NULL without a word.
///
/// The canonical text of a key is its decoded characters with only `\` (as `\\`), `"` (as
/// `\u0022`, which ends no quoted path label) and control characters (`\n`, `\r`, `\t`, else
/// `\u00xx`, as CSV headers always were) escaped.
/// Ingest writes every key that way (CSV headers, JSON and NDJSON records, the documents
/// around them) and `JSONPath.sqlPath` spells labels the same way, so the two always match.
enum JSONKeys {
    /// The canonical text of `key`, without quotes.
    static func canonical(_ key: String) -> String {
        var text = ""
        for scalar in key.unicodeScalars {
            append(scalar.value, to: &text)
        }
        return text
    }

    private static func append(_ point: UInt32, to text: inout String) {
        switch point {
        case 0x5C: text += "\\\\"
        case 0x0A: text += "\\n"
        case 0x0D: text += "\\r"
        case 0x09: text += "\\t"
        case 0x22, 0..<0x20, 0xD800..<0xE000: text += "\\u" + JSONEscapes.hex(point)
        default: text.unicodeScalars.append(Unicode.Scalar(point)!)
        }
    }

    /// `text` with every key that holds an escape rewritten in canonical form; the same bytes
    /// when none does (the common case costs one search for a backslash). Keys whose escapes do
    /// not decode are left as they are: the text is not JSON, and its reader says so.
    static func canonicalizing(_ text: [UInt8]) -> [UInt8] {
        guard text.contains(UInt8(ascii: "\\")) else { return text }
        return text.withUnsafeBufferPointer { bytes in
            var output: [UInt8] = []
            var copied = 0
            JSONStringScanner.forEachString(in: bytes) { token in
                guard token.isKey, token.hasEscape, let points = JSONEscapes.decode(bytes, token.content) else {
                    return true
                }
                var key = ""
                for point in points { append(point, to: &key) }
                if output.isEmpty { output.reserveCapacity(text.count) }
                output += bytes[copied..<token.content.lowerBound]
                output += key.utf8
                copied = token.content.upperBound
                return true
            }
            guard copied > 0 else { return text }
            output += bytes[copied...]
            return output
        }
    }
}
