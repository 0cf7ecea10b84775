/// What comes before a workbook part's first element, read as the part's bytes arrive: the
/// XML declaration, processing instructions and comments pass, a document type declaration is
/// refused. Workbook parts never have one, and the entities declared in one are how hostile
/// XML multiplies itself; FoundationXML's parser also drops the text around an entity it does
/// not expand, so such a part would read wrong without a word.
struct XMLProlog {
    /// How far into a part its first element may start: real parts need some 60 bytes.
    static let limit = 65_536

    let part: String
    /// Whether the first element has started, so the rest of the part needs no look.
    private(set) var isPast = false
    /// The bytes since the last construct that passed, while the prolog lasts.
    private var pending: [UInt8] = []

    init(part: String) {
        self.part = part
    }

    /// Takes the part's next bytes. Zero bytes and the byte-order mark's are left out, so a
    /// part in UTF-16 reads like one in UTF-8.
    mutating func read(_ bytes: UnsafeBufferPointer<UInt8>) throws {
        guard !isPast else { return }
        pending += bytes.lazy.filter { ![0x00, 0xEF, 0xBB, 0xBF, 0xFE, 0xFF].contains($0) }
        var index = 0
        while true {
            while index < pending.count, [0x20, 0x09, 0x0A, 0x0D].contains(pending[index]) { index += 1 }
            let rest = pending[index...]
            guard rest.count >= 4 else { break }
            let end: [UInt8]
            if rest.starts(with: Array("<?".utf8)) {
                end = Array("?>".utf8)
            } else if rest.starts(with: Array("<!--".utf8)) {
                end = Array("-->".utf8)
            } else if rest.starts(with: Array("<!".utf8)) {
                throw WorkbookProblem.malformed(
                    part: part, reason: "it declares a document type, which workbook parts never do")
            } else {
                isPast = true
                pending = []
                return
            }
            guard let close = Self.firstRange(of: end, in: rest.dropFirst(2)) else { break }
            index = close
        }
        pending.removeFirst(index)
        guard pending.count <= Self.limit else {
            throw WorkbookProblem.malformed(
                part: part, reason: "its first element does not start within \(Self.limit) bytes")
        }
    }

    /// The index just past the first `marker` in `bytes`.
    private static func firstRange(of marker: [UInt8], in bytes: ArraySlice<UInt8>) -> Int? {
        var start = bytes.startIndex
        while let found = bytes[start...].firstIndex(of: marker[0]) {
            if bytes[found...].starts(with: marker) { return found + marker.count }
            start = found + 1
        }
        return nil
    }
}
