/// Finds the strings of a JSON text, as bytes, and says which are object keys and where each
/// lies in the document (its path of keys and array indexes). Meant for text SQLite has
/// accepted, it never traps on any other: arbitrary bytes give some tokens, and callers only
/// rewrite or inspect those, never trust them.
struct JSONStringScanner {
    /// One string token: the bytes between its quotes, and whether it holds an escape.
    struct Token {
        var content: Range<Int>
        var isKey: Bool
        var hasEscape: Bool
        /// The keys and indexes leading to the token, outermost first; a key's own name is not among them.
        var path: [PathStep]
    }

    enum PathStep: Equatable {
        case key(String)
        case index(Int)
    }

    private enum Container {
        case object(expectingKey: Bool, key: String?)
        case array(index: Int)
    }

    /// Calls `body` with every string token in order; `body` returns false to stop. Paths are
    /// only worked out with `paths` (they cost a decoded key per object member).
    static func forEachString(in bytes: UnsafeBufferPointer<UInt8>, paths: Bool = false, _ body: (Token) -> Bool) {
        var stack: [Container] = []
        var position = 0
        let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\")
        while position < bytes.count {
            switch bytes[position] {
            case quote:
                var end = position + 1
                var hasEscape = false
                while end < bytes.count && bytes[end] != quote {
                    if bytes[end] == backslash {
                        hasEscape = true
                        end += 1
                    }
                    end += 1
                }
                let content = (position + 1)..<min(end, bytes.count)
                var isKey = false
                if case .object(true, _) = stack.last { isKey = true }
                let path =
                    paths
                    ? stack.compactMap { container -> PathStep? in
                        switch container {
                        case let .object(_, key): return key.map(PathStep.key)
                        case let .array(index): return .index(index)
                        }
                    } : []
                guard body(Token(content: content, isKey: isKey, hasEscape: hasEscape, path: path)) else { return }
                if isKey {
                    stack[stack.count - 1] = .object(
                        expectingKey: false, key: paths ? JSONEscapes.displayed(bytes, content) : nil)
                }
                position = end + 1
                continue
            case UInt8(ascii: "{"): stack.append(.object(expectingKey: true, key: nil))
            case UInt8(ascii: "["): stack.append(.array(index: 0))
            case UInt8(ascii: "}"), UInt8(ascii: "]"): if !stack.isEmpty { stack.removeLast() }
            case UInt8(ascii: ","):
                switch stack.last {
                case .object: stack[stack.count - 1] = .object(expectingKey: true, key: nil)
                case let .array(index): stack[stack.count - 1] = .array(index: index + 1)
                case nil: break
                }
            case UInt8(ascii: ":"):
                if case let .object(_, key) = stack.last {
                    stack[stack.count - 1] = .object(expectingKey: false, key: key)
                }
            default: break
            }
            position += 1
        }
    }

    /// `price.amount`, `tags[2]`: a path as a spec's `from:` and a finding name it.
    static func dotted(_ path: [PathStep], then last: PathStep? = nil) -> String {
        var text = ""
        for step in path + (last.map { [$0] } ?? []) {
            switch step {
            case let .key(name): text += text.isEmpty ? name : ".\(name)"
            case let .index(index): text += "[\(index)]"
            }
        }
        return text
    }
}
