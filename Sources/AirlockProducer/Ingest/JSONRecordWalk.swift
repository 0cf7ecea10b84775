import AirlockSpec

/// Walks a JSON document along a records path as its bytes stream by, and hands over each
/// record element's exact bytes, one at a time: numbers stay as written and memory holds one
/// element whatever the size of the document. Objects on the way are searched for the path's
/// keys (the first member of a name counts, as in SQLite's paths); every other value is read
/// only to check it and skip it.
///
/// The first byte that is not JSON stops the walk (`JSONBreak`, with its line): past it no
/// element can be told reliably from the bytes around it (a lost quote turns text into
/// structure), so records after a syntax error are never guessed at. Elements before it have
/// been handed over already.
struct JSONRecordWalk {
    /// One element of a records array.
    struct Element {
        /// Its bytes as written, without the whitespace around it; with `oversized`, only
        /// the first `RecordFailure.excerptLimit` of them.
        var bytes: [UInt8]
        /// As SQLite's `json_type` names it.
        var type: String
        /// Whether it holds `recordLimit` bytes or more.
        var oversized: Bool
    }

    /// A level of the path that leads to something other than an array.
    struct NotAnArray: Error, Equatable {
        /// The path up to that level, as a spec writes it (`types[].products`).
        var path: String
        /// What is there instead, as SQLite's `json_type` names it, or `nothing`.
        var found: String
    }

    /// A larger element is held back (its first bytes kept) rather than grow memory with it;
    /// like CSV's limit for one field (`CSVReader.fieldLimit`), it bounds one record.
    static let recordLimit = 16 << 20

    private var cursor: JSONCursor
    private let levels: [[String]]
    /// The top-level member to keep whole (a pull dump's provenance), and its bytes once read.
    private let keptKey: String?
    private(set) var kept: [UInt8]?

    init(_ cursor: JSONCursor, levels: [[String]], keeping keptKey: String? = nil) {
        self.cursor = cursor
        self.levels = levels
        self.keptKey = keptKey
    }

    /// Calls `body` with each element of the records arrays in document order, then reads
    /// the rest of the document to its end; throws `JSONBreak` or `NotAnArray`.
    mutating func walk(_ body: (Element) throws -> Void) throws {
        try cursor.skipWhitespace()
        guard try cursor.peek() != nil else { throw JSONBreak.emptyFile }
        try walk(level: 0, keys: levels[0][...], atTop: true, body)
        try cursor.skipWhitespace()
        guard try cursor.peek() == nil else { throw JSONBreak.invalidValue(line: cursor.line) }
    }

    /// At a value: follows `keys` through objects to the array of level `level` and walks it.
    private mutating func walk(
        level: Int, keys: ArraySlice<String>, atTop: Bool, _ body: (Element) throws -> Void
    ) throws {
        guard let key = keys.first else { return try walkArray(level: level, body) }
        guard try cursor.peek() == UInt8(ascii: "{") else {
            _ = try cursor.readValue()
            throw notAnArray(level: level, found: "nothing")
        }
        cursor.advance()
        try cursor.skipWhitespace()
        var found = false
        if try cursor.peek() == UInt8(ascii: "}") {
            cursor.advance()
        } else {
            repeat {
                let name = try readMemberName()
                try cursor.skipWhitespace()
                if !found && name == key {
                    found = true
                    try walk(level: level, keys: keys.dropFirst(), atTop: false, body)
                } else if atTop, let keptKey, name == keptKey, kept == nil {
                    cursor.startCapture(limit: Self.recordLimit)
                    _ = try cursor.readValue()
                    kept = cursor.endCapture().bytes
                } else {
                    _ = try cursor.readValue()
                }
            } while try nextMember(closing: UInt8(ascii: "}"))
        }
        if !found { throw notAnArray(level: level, found: "nothing") }
    }

    /// At a value that must be level `level`'s array: walks its elements, records at the last level.
    private mutating func walkArray(level: Int, _ body: (Element) throws -> Void) throws {
        guard try cursor.peek() == UInt8(ascii: "[") else {
            throw notAnArray(level: level, found: try cursor.readValue())
        }
        cursor.advance()
        try cursor.skipWhitespace()
        if try cursor.peek() == UInt8(ascii: "]") {
            cursor.advance()
            return
        }
        repeat {
            if level == levels.count - 1 {
                try body(try element())
            } else {
                try walk(level: level + 1, keys: levels[level + 1][...], atTop: false, body)
            }
        } while try nextMember(closing: UInt8(ascii: "]"))
    }

    /// One record element, cut out of the stream.
    private mutating func element() throws -> Element {
        cursor.startCapture(limit: Self.recordLimit)
        do {
            let type = try cursor.readValue()
            let (bytes, oversized) = cursor.endCapture()
            return Element(bytes: bytes, type: type, oversized: oversized)
        } catch var broken as JSONBreak {
            broken.excerpt = cursor.endCapture().bytes
            throw broken
        }
    }

    /// After a member or element: true at a `,` (whitespace after it consumed), false at `closing`.
    private mutating func nextMember(closing: UInt8) throws -> Bool {
        try cursor.skipWhitespace()
        guard let byte = try cursor.peek() else { throw JSONBreak.endOfText(line: cursor.contentLine) }
        cursor.advance()
        switch byte {
        case UInt8(ascii: ","):
            try cursor.skipWhitespace()
            return true
        case closing: return false
        default: throw JSONBreak.invalidValue(line: cursor.line)
        }
    }

    /// A member's name, decoded, and the `:` after it; nil for a name that is no text (a lone
    /// surrogate escape), which no path names.
    private mutating func readMemberName() throws -> String? {
        guard let byte = try cursor.peek() else { throw JSONBreak.endOfText(line: cursor.contentLine) }
        guard byte == UInt8(ascii: "\"") else { throw JSONBreak.invalidValue(line: cursor.line) }
        cursor.startCapture(limit: Self.recordLimit)
        try cursor.readString()
        let (quoted, oversized) = cursor.endCapture()
        try cursor.expect(UInt8(ascii: ":"))
        guard !oversized else { return nil }
        return quoted.withUnsafeBufferPointer { bytes in
            JSONEscapes.decode(bytes, 1..<bytes.count - 1).flatMap { points in
                var name = ""
                for point in points {
                    guard let scalar = Unicode.Scalar(point) else { return nil }
                    name.unicodeScalars.append(scalar)
                }
                return name
            }
        }
    }

    private func notAnArray(level: Int, found: String) -> NotAnArray {
        let shown = levels.prefix(level + 1).map { $0.joined(separator: ".") }.joined(separator: "[].")
        return NotAnArray(path: shown.isEmpty ? "the top level" : shown, found: found)
    }
}
