/// Random inbox file contents that reach deep into the readers: bytes of every value, and
/// soups of the tokens that drive them (quotes, delimiters, brackets, escapes, byte-order
/// marks, bytes that are not UTF-8), and almost-valid documents with a few bytes changed.
struct RandomBytes {
    private var random: SplitMix64

    init(seed: UInt64) {
        random = SplitMix64(seed: seed)
    }

    static let tokens: [[UInt8]] =
        [
            "{", "}", "[", "]", "\"", ",", ":", ";", "|", "\t", "\n", "\r\n", "\r", " ", "\\", "\"\"", "\\\"", "\\\\",
            "\\u0000", "\\ud800", "\\udc00", "\\ud83d\\ude00", "\\u00e9", "\\n", "\\t", "\\/", "\\x", "\\u12", "true",
            "false", "null", "0", "-12.5e3", "1e999", "\"id\"", "\"a\\\\b\"", "\"pr\\u00e9nom\"", "Payment ID", "é",
            "\u{2028}",
            "\u{200F}", "e\u{0301}", "😀", "\"k\":\"v\"", "{\"id\":1}", "[{\"a\":\"b\"}]"
        ].map { Array($0.utf8) } + [
            [0x00], [0xEF, 0xBB, 0xBF], [0xFF, 0xFE], [0xFE, 0xFF], [0xC3], [0xED, 0xA0, 0x80],
            [0xF4, 0x90, 0x80, 0x80],
            [0x80], [0xC0, 0xAF], [0x1B, 0x5B, 0x32, 0x4A], [0x7F]
        ]

    mutating func next() -> [UInt8] {
        switch Int.random(in: 0..<10, using: &random) {
        case 0...1: return randomBytes(upTo: 64)
        case 2...6: return soup(tokens: Int.random(in: 0...40, using: &random))
        case 7: return mutated(document())
        default: return document()
        }
    }

    private mutating func randomBytes(upTo count: Int) -> [UInt8] {
        (0..<Int.random(in: 0...count, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
    }

    private mutating func soup(tokens count: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        for _ in 0..<count { bytes += Self.tokens.randomElement(using: &random)! }
        return bytes
    }

    /// The inside of a JSON string that is valid JSON, with every escape readers must handle.
    static let stringPieces = [
        "a", "Zoë", "\\u00e9", "\\u0000", "\\ud800", "\\udc00x", "\\ud83d\\ude00", "\\n", "\\\\", "\\\"", "\u{2028}",
        "\u{200F}", "e\u{0301}", " ", "\\t", "\\/", "😀", ",", ";"
    ]
    static let keys = ["id", "name", "prénom", "pr\\u00e9nom", "a\\\\b", "tab\\there", "\\u0000k", "\\ud800"]

    private mutating func string() -> String {
        (0..<Int.random(in: 0...3, using: &random)).map { _ in Self.stringPieces.randomElement(using: &random)! }
            .joined()
    }

    private mutating func object(_ number: Int) -> String {
        guard Int.random(in: 0..<5, using: &random) > 0 else {
            return ["1", "\"text\"", "[1]", "null", "{\"id\":\(number)"].randomElement(using: &random)!
        }
        var fields = ["\"id\":\(number)"]
        for _ in 0..<Int.random(in: 0...2, using: &random) {
            fields.append("\"\(Self.keys.randomElement(using: &random)!)\":\"\(string())\"")
        }
        return "{" + fields.joined(separator: ",") + "}"
    }

    /// A small CSV, JSON array or NDJSON text, mostly valid, with random fields.
    private mutating func document() -> [UInt8] {
        let rows = Int.random(in: 0...4, using: &random)
        switch Int.random(in: 0..<3, using: &random) {
        case 0:
            var text: [UInt8] = Array("id,name\n".utf8)
            for row in 0..<rows { text += Array("\(row),".utf8) + soup(tokens: 3) + [0x0A] }
            return text
        case 1:
            return Array(("[" + (0..<rows).map { object($0) }.joined(separator: ",") + "]").utf8)
        default:
            return Array((0..<rows).map { object($0) + "\n" }.joined().utf8)
        }
    }

    private mutating func mutated(_ document: [UInt8]) -> [UInt8] {
        var bytes = document
        for _ in 0..<Int.random(in: 0...3, using: &random) where !bytes.isEmpty {
            let index = Int.random(in: 0..<bytes.count, using: &random)
            switch Int.random(in: 0..<3, using: &random) {
            case 0: bytes[index] = UInt8.random(in: 0...255, using: &random)
            case 1: bytes.remove(at: index)
            default: bytes.insert(contentsOf: Self.tokens.randomElement(using: &random)!, at: index)
            }
        }
        return bytes
    }
}
