/// Where and why a JSON text stops being JSON, as `JSONCursor` finds it reading forward. The
/// reasons are worded as Foundation's parser words the same faults, which the whole-document
/// check used before streaming and which messages and analysts' notes already quote.
struct JSONBreak: Error, Equatable {
    var reason: String
    /// The line where reading stopped; nil for an empty file.
    var line: Int?
    /// The bytes of the element that was being read when the text broke, up to the break.
    var excerpt: [UInt8] = []

    static let emptyFile = JSONBreak(reason: "the file is empty", line: nil)

    static func endOfText(line: Int) -> JSONBreak {
        JSONBreak(reason: "the text ends before the JSON is complete (cut off?)", line: line)
    }

    static func invalidValue(line: Int) -> JSONBreak {
        JSONBreak(reason: "Invalid value", line: line)
    }

    static func controlCharacter(line: Int) -> JSONBreak {
        JSONBreak(reason: "Unescaped control character", line: line)
    }

    static func invalidEscape(line: Int) -> JSONBreak {
        JSONBreak(reason: "Invalid escape sequence", line: line)
    }

    static func tooDeep(line: Int) -> JSONBreak {
        JSONBreak(reason: "Too many nested arrays or dictionaries", line: line)
    }
}
