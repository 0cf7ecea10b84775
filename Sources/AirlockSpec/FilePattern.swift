import Foundation

/// A `source.files` pattern as fnmatch(3) with flags 0 reads it in the C locale, byte by byte:
/// a chain of elements that each match one byte out of a set, or any run of bytes. Spelled out
/// so that `FilePatternOverlap` can reason about every name a pattern matches, not only the
/// names it is shown.
///
/// With flags 0, `*` and `?` match `/` and a leading `.` too; `\` escapes the next character,
/// inside brackets as well; `[!…]` and `[^…]` negate; a `]` first in the brackets is one of
/// them; `a-z` is a range of byte values; `[:alpha:]` is a class as `isalpha` tells.
/// Patterns that fnmatch reads in surprising ways are refused instead of guessed at (`Malformed`).
struct FilePattern {
    enum Element: Equatable {
        /// One byte of the set: a literal, `?` (every byte) or a bracket expression.
        case byte(Set<UInt8>)
        /// Any run of bytes, the empty one included: `*` (several in a row are one).
        case run
    }

    /// Why fnmatch's reading of a pattern is not worth modelling: each of these matches either
    /// nothing or something other than what its author meant.
    struct Malformed: Error {
        let reason: String
    }

    /// Every byte a file name can hold.
    static let anyByte = Set<UInt8>(1...255)

    let elements: [Element]

    init(_ text: String) throws(Malformed) {
        var reader = Reader(bytes: Array(text.utf8))
        var elements: [Element] = []
        while let byte = reader.next() {
            switch byte {
            case UInt8(ascii: "*"):
                if elements.last != .run { elements.append(.run) }
            case UInt8(ascii: "?"):
                elements.append(.byte(Self.anyByte))
            case UInt8(ascii: "["):
                elements.append(.byte(try reader.bracketExpression()))
            case UInt8(ascii: "\\"):
                guard let escaped = reader.next() else {
                    throw Malformed(
                        reason: "ends in a backslash, which escapes nothing, so no file matches; "
                            + "write '\\\\' for one")
                }
                elements.append(.byte([escaped]))
            default:
                elements.append(.byte([byte]))
            }
        }
        self.elements = elements
    }

    /// The bytes of a pattern read from the front, with the bracket syntax fnmatch knows.
    private struct Reader {
        let bytes: [UInt8]
        var index = 0

        mutating func next() -> UInt8? {
            guard index < bytes.count else { return nil }
            defer { index += 1 }
            return bytes[index]
        }

        func peek(_ offset: Int = 0) -> UInt8? {
            index + offset < bytes.count ? bytes[index + offset] : nil
        }

        /// The set a `[…]` stands for, read from just after its `[`.
        mutating func bracketExpression() throws(Malformed) -> Set<UInt8> {
            let negated = peek() == UInt8(ascii: "!") || peek() == UInt8(ascii: "^")
            if negated { index += 1 }
            var members = Set<UInt8>()
            var isFirst = true
            while true {
                guard let byte = peek() else { throw Self.unclosed }
                if byte == UInt8(ascii: "]") && !isFirst {
                    index += 1
                    return negated ? FilePattern.anyByte.subtracting(members) : members
                }
                isFirst = false
                // `[:alpha:]`, `[.a.]` and `[=a=]` are terms of their own inside the brackets.
                let opensTerm = byte == UInt8(ascii: "[")
                if opensTerm, peek(1) == UInt8(ascii: ".") || peek(1) == UInt8(ascii: "=") {
                    throw Malformed(
                        reason: "uses a collating symbol or equivalence class ([. .] or [= =]); "
                            + "list the characters")
                }
                if opensTerm, peek(1) == UInt8(ascii: ":"), let name = className() {
                    members.formUnion(try Self.characterClass(name))
                    continue
                }
                let low = try character()
                // fnmatch reads `a-` before `]` as the two characters, not as a range.
                if peek() == UInt8(ascii: "-"), let end = peek(1), end != UInt8(ascii: "]") {
                    index += 1
                    let high = try character()
                    if low <= high { members.formUnion(low...high) }
                } else {
                    members.insert(low)
                }
            }
        }

        /// One character inside brackets, `\x` being x.
        private mutating func character() throws(Malformed) -> UInt8 {
            guard var byte = next() else { throw Self.unclosed }
            if byte == UInt8(ascii: "\\") {
                guard let escaped = next() else { throw Self.unclosed }
                byte = escaped
            }
            return byte
        }

        /// The name in `[:name:]` when the text at `index` is one, consumed; otherwise nil and the
        /// `[` is an ordinary member. Like fnmatch, a name is of the letters a to y.
        private mutating func className() -> String? {
            var end = index + 2
            while end < bytes.count, (UInt8(ascii: "a")..<UInt8(ascii: "z")).contains(bytes[end]) { end += 1 }
            guard end + 1 < bytes.count, bytes[end] == UInt8(ascii: ":"), bytes[end + 1] == UInt8(ascii: "]") else {
                return nil
            }
            defer { index = end + 2 }
            return String(decoding: bytes[(index + 2)..<end], as: UTF8.self)
        }

        /// The classes fnmatch knows, as the C library's character tests tell them.
        private static let characterClasses: [String: @Sendable (Int32) -> Int32] = [
            "alnum": isalnum, "alpha": isalpha, "blank": isblank, "cntrl": iscntrl, "digit": isdigit,
            "graph": isgraph, "lower": islower, "print": isprint, "punct": ispunct, "space": isspace,
            "upper": isupper, "xdigit": isxdigit
        ]

        private static func characterClass(_ name: String) throws(Malformed) -> Set<UInt8> {
            guard let test = characterClasses[name] else {
                throw Malformed(
                    reason: "names the character class '[:\(name):]', which does not exist; use "
                        + characterClasses.keys.sorted().joined(separator: ", "))
            }
            return FilePattern.anyByte.filter { test(Int32($0)) != 0 }
        }

        private static let unclosed = Malformed(
            reason: "has a '[' that no ']' closes; "
                + "write '\\[' to match a '[' itself")
    }
}
