/// Strings no target can hold exactly, found in a JSON record before it is stored: a NUL
/// (`\u0000`), which PostgreSQL text cannot hold and which C strings cut short, and a lone
/// surrogate (`\ud800` with no partner), which is no character, so SQLite would store bytes
/// that are not UTF-8 and PostgreSQL would refuse the whole bundle. Every bundle carries
/// scripts for both dialects, so such a record is held back (with file, record and field)
/// rather than kept for one of them. Raw text cannot hold either: it was checked to be UTF-8,
/// so only escapes are looked at.
enum UnreadableText {
    struct Problem: Equatable {
        /// The field: a dotted path to the value or key, as `from:` would name it.
        var field: String
        var reason: String
    }

    static func problem(in text: [UInt8]) -> Problem? {
        guard text.contains(UInt8(ascii: "\\")) else { return nil }
        return text.withUnsafeBufferPointer { bytes in
            var found: Problem?
            JSONStringScanner.forEachString(in: bytes, paths: true) { token in
                guard token.hasEscape, let points = JSONEscapes.decode(bytes, token.content) else { return true }
                let what = token.isKey ? "the field name" : "the value"
                if points.contains(0) {
                    found = Problem(
                        field: field(token, bytes),
                        reason: "\(what) holds a NUL character (\\u0000), which no target can store")
                } else if let lone = points.first(where: JSONEscapes.isSurrogate) {
                    found = Problem(
                        field: field(token, bytes),
                        reason: "\(what) holds a lone surrogate (\\u\(JSONEscapes.hex(lone))), which is not a character"
                    )
                }
                return found == nil
            }
            return found
        }
    }

    private static func field(_ token: JSONStringScanner.Token, _ bytes: UnsafeBufferPointer<UInt8>) -> String {
        let own = token.isKey ? JSONStringScanner.PathStep.key(JSONEscapes.displayed(bytes, token.content)) : nil
        let dotted = JSONStringScanner.dotted(token.path, then: own)
        return dotted.isEmpty ? "(the record)" : "'\(dotted)'"
    }
}
