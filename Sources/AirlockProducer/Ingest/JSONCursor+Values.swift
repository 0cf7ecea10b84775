/// Reading whole JSON values with their grammar checked as SQLite 3.40's `json_valid` checks it
/// (RFC 8259: no control character unescaped in a string, no leading zero, no `1.`), so the
/// first byte that is not JSON stops the reader where it stands, with its line.
extension JSONCursor {
    /// Deeper nesting is refused, as SQLite refuses it (its `JSON_MAX_DEPTH`).
    static let depthLimit = 2000

    /// Reads one value from the next byte on (whitespace before it already consumed) and
    /// returns its type as SQLite's `json_type` names it (`object`, `array`, `text`,
    /// `integer`, `real`, `true`, `false`, `null`). Containers are followed with a stack of
    /// their closing brackets, not by recursion, so a deep document cannot overflow the stack.
    mutating func readValue() throws -> String {
        var closers: [UInt8] = []
        var type: String?
        while true {
            guard let byte = try peek() else { throw JSONBreak.endOfText(line: contentLine) }
            let found: String
            switch byte {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                let closer = byte == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]")
                advance()
                try skipWhitespace()
                if try peek() == closer {
                    advance()
                } else {
                    guard closers.count < Self.depthLimit else { throw JSONBreak.tooDeep(line: line) }
                    closers.append(closer)
                    if closer == UInt8(ascii: "}") { try readMemberName() }
                    type = type ?? (closer == UInt8(ascii: "}") ? "object" : "array")
                    try skipWhitespace()
                    continue
                }
                found = closer == UInt8(ascii: "}") ? "object" : "array"
            case UInt8(ascii: "\""):
                try readString()
                found = "text"
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                found = try readNumber()
            case UInt8(ascii: "t"): found = try readLiteral("true")
            case UInt8(ascii: "f"): found = try readLiteral("false")
            case UInt8(ascii: "n"): found = try readLiteral("null")
            default: throw JSONBreak.invalidValue(line: line)
            }
            type = type ?? found
            // A value ended: close the containers it ends, up to the next value or the last bracket.
            while let closer = closers.last {
                try skipWhitespace()
                guard let next = try peek() else { throw JSONBreak.endOfText(line: contentLine) }
                advance()
                if next == closer {
                    closers.removeLast()
                } else if next == UInt8(ascii: ",") {
                    if closer == UInt8(ascii: "}") { try readMemberName() }
                    try skipWhitespace()
                    break
                } else {
                    throw JSONBreak.invalidValue(line: line)
                }
            }
            if closers.isEmpty, let type { return type }
        }
    }

    /// Reads `"name"` and the `:` after it, whitespace around them included.
    private mutating func readMemberName() throws {
        try skipWhitespace()
        guard let byte = try peek() else { throw JSONBreak.endOfText(line: contentLine) }
        guard byte == UInt8(ascii: "\"") else { throw JSONBreak.invalidValue(line: line) }
        try readString()
        try expect(UInt8(ascii: ":"))
    }

    /// Consumes whitespace and then `byte`, which must come next.
    mutating func expect(_ byte: UInt8) throws {
        try skipWhitespace()
        guard let next = try peek() else { throw JSONBreak.endOfText(line: contentLine) }
        guard next == byte else { throw JSONBreak.invalidValue(line: line) }
        advance()
    }

    /// Bytes that end a run of plain string content: the quote, the backslash, control characters.
    private static let stringStops = ByteStops(Array(0..<0x20) + [UInt8(ascii: "\""), UInt8(ascii: "\\")])

    /// Reads a string from its opening quote to its closing one, escapes checked.
    mutating func readString() throws {
        advance()
        while true {
            try skip(until: Self.stringStops)
            guard let byte = try peek() else { throw JSONBreak.endOfText(line: contentLine) }
            switch byte {
            case UInt8(ascii: "\""):
                advance()
                return
            case UInt8(ascii: "\\"):
                advance()
                guard let escaped = try peek() else { throw JSONBreak.endOfText(line: contentLine) }
                advance()
                switch escaped {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                    UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    continue
                case UInt8(ascii: "u"):
                    for _ in 0..<4 {
                        guard let digit = try peek() else { throw JSONBreak.endOfText(line: contentLine) }
                        guard digit.isHexDigit else { throw JSONBreak.invalidEscape(line: line) }
                        advance()
                    }
                default: throw JSONBreak.invalidEscape(line: line)
                }
            default: throw JSONBreak.controlCharacter(line: line)
            }
        }
    }

    /// Reads a number as written (`-0`, `12.10`, `1e400`); `integer` or `real` as SQLite types it.
    private mutating func readNumber() throws -> String {
        if try peek() == UInt8(ascii: "-") { advance() }
        if try peek() == UInt8(ascii: "0") {
            advance()
            // A leading zero stands alone: `01` is not JSON.
            if try peek()?.isDigit == true { throw JSONBreak.invalidValue(line: line) }
        } else if try readDigits() == 0 {
            throw try atNumberEnd()
        }
        var type = "integer"
        if try peek() == UInt8(ascii: ".") {
            advance()
            guard try readDigits() > 0 else { throw try atNumberEnd() }
            type = "real"
        }
        if let byte = try peek(), byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
            advance()
            if let sign = try peek(), sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") { advance() }
            guard try readDigits() > 0 else { throw try atNumberEnd() }
            type = "real"
        }
        return type
    }

    private mutating func readDigits() throws -> Int {
        var count = 0
        while try peek()?.isDigit == true {
            advance()
            count += 1
        }
        return count
    }

    /// A number that stops where a digit must follow: cut off at the end, or an invalid value.
    private mutating func atNumberEnd() throws -> JSONBreak {
        try peek() == nil ? .endOfText(line: contentLine) : .invalidValue(line: line)
    }

    private mutating func readLiteral(_ word: StaticString) throws -> String {
        let bytes = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
        for expected in bytes {
            guard let byte = try peek() else { throw JSONBreak.endOfText(line: contentLine) }
            guard byte == expected else { throw JSONBreak.invalidValue(line: line) }
            advance()
        }
        return word.description
    }
}

extension UInt8 {
    fileprivate var isDigit: Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self) }
    fileprivate var isHexDigit: Bool {
        isDigit || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(self)
            || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(self)
    }
}
