import AirlockBase
import Glibc

/// The character encoding of a text drop. Readers work on UTF-8; anything else is decoded by
/// iconv on the way in, chunk by chunk.
///
/// Without `source.encoding` in the spec the first chunk decides: a byte-order mark, the
/// zero bytes of UTF-16 text, valid UTF-8, or else Latin-1 when no byte falls in 0x80–0x9F
/// (C1 controls, which real Latin-1 text never holds but Windows-1252 text does; those files
/// must say so, since guessing wrong would change letters silently) and no valid multi-byte
/// UTF-8 appears (then it is UTF-8 with a damaged record, which the reader holds back).
/// Zero bytes, or control characters text does not use, in more than a few percent of the
/// first chunk mean binary data, not text.
enum TextEncoding {
    /// A UTF-8 stream without a byte-order mark.
    static func utf8(from source: ByteSource, declared: String?, file: String) throws -> ByteSource {
        let head = try source.peek()
        if let declared, !isUTF8(declared) {
            return try IconvDecoder(from: declared, file: file).decoding(
                source, skipping: byteOrderMarkLength(head, for: declared))
        }
        if head.starts(with: [0xEF, 0xBB, 0xBF]) { return skipping(3, of: source) }
        if declared == nil {
            if let (name, markLength) = utf16(head) {
                return try IconvDecoder(from: name, file: file).decoding(source, skipping: markLength)
            }
            if let reason = binaryEvidence(head) {
                throw IngestError.unreadable(file: file, reason: "binary data, not a text file (\(reason))")
            }
            let scan = UTF8Scan(head)
            if let invalid = scan.firstInvalid, !scan.holdsMultibyte {
                guard head.contains(where: { (0x80...0x9F).contains($0) }) else {
                    return try IconvDecoder(from: "ISO-8859-1", file: file).decoding(source, skipping: 0)
                }
                let line = head.prefix(invalid).reduce(1) { $1 == 0x0A ? $0 + 1 : $0 }
                throw IngestError.malformed(
                    file: file, line: line, field: nil,
                    reason: String(
                        format:
                            "the text is neither UTF-8 nor Latin-1 (byte 0x%02X); declare its encoding in the spec, for example source.encoding: windows-1252",
                        head[invalid]))
            }
        }
        return source
    }

    private static func isUTF8(_ name: String) -> Bool {
        ["utf-8", "utf8"].contains(name.lowercased())
    }

    /// UTF-16 by its byte-order mark, or by the zero high bytes of mostly-ASCII text.
    private static func utf16(_ head: [UInt8]) -> (String, Int)? {
        if head.starts(with: [0xFF, 0xFE]) { return ("UTF-16LE", 2) }
        if head.starts(with: [0xFE, 0xFF]) { return ("UTF-16BE", 2) }
        let pairs = stride(from: 0, to: min(head.count, 512) - 1, by: 2).map { (head[$0], head[$0 + 1]) }
        guard pairs.count >= 2 else { return nil }
        if pairs.allSatisfy({ $0.0 != 0 && $0.1 == 0 }) { return ("UTF-16LE", 0) }
        if pairs.allSatisfy({ $0.0 == 0 && $0.1 != 0 }) { return ("UTF-16BE", 0) }
        return nil
    }

    private static func byteOrderMarkLength(_ head: [UInt8], for declared: String) -> Int {
        let name = declared.uppercased()
        if name == "UTF-16LE" && head.starts(with: [0xFF, 0xFE])
            || name == "UTF-16BE" && head.starts(with: [0xFE, 0xFF])
        {
            return 2
        }
        return 0
    }

    private static func binaryEvidence(_ head: [UInt8]) -> String? {
        let zeros = head.lazy.filter { $0 == 0 }.count
        if zeros >= 4 && zeros * 100 >= head.count {
            return "\(zeros) zero bytes in the first \(head.count), the first at offset \(head.firstIndex(of: 0)!)"
        }
        let controls = head.lazy.filter { $0 < 0x20 && ![0x09, 0x0A, 0x0C, 0x0D].contains($0) || $0 == 0x7F }.count
        if controls * 20 >= head.count && controls >= 4 {
            return "\(controls) control characters in the first \(head.count) bytes"
        }
        return nil
    }

    private static func skipping(_ count: Int, of source: ByteSource) -> ByteSource {
        var skipped = false
        return ByteSource {
            guard var chunk = try source.next() else { return nil }
            if !skipped {
                skipped = true
                chunk.removeFirst(min(count, chunk.count))
            }
            return chunk
        }
    }
}

/// What one pass over a chunk finds out about it as UTF-8.
private struct UTF8Scan {
    /// The offset of the first byte that is not UTF-8, ignoring a sequence cut by the chunk's end.
    var firstInvalid: Int?
    /// Whether a valid sequence of two or more bytes appears.
    var holdsMultibyte = false

    init(_ bytes: [UInt8]) {
        var iterator = bytes.makeIterator()
        var parser = Unicode.UTF8.ForwardParser()
        var offset = 0
        while true {
            switch parser.parseScalar(from: &iterator) {
            case let .valid(scalar):
                offset += scalar.count
                if scalar.count > 1 { holdsMultibyte = true }
            case .emptyInput:
                return
            case let .error(length):
                let cutAtEnd = offset + length >= bytes.count && bytes.count - offset < 4
                if !cutAtEnd && firstInvalid == nil { firstInvalid = offset }
                offset += length
            }
        }
    }
}

/// Decodes chunks from one encoding to UTF-8 with iconv, carrying a character split between
/// chunks over to the next one.
private final class IconvDecoder {
    private let descriptor: iconv_t
    private let encoding: String
    private let file: String
    private var carried: [UInt8] = []
    private var offset = 0

    init(from encoding: String, file: String) throws {
        descriptor = iconv_open("UTF-8", encoding)
        guard Int(bitPattern: descriptor) != -1 else {
            throw IngestError.unreadable(file: file, reason: "unknown encoding '\(encoding)'")
        }
        self.encoding = encoding
        self.file = file
    }

    deinit { iconv_close(descriptor) }

    func decoding(_ source: ByteSource, skipping markLength: Int) -> ByteSource {
        var toSkip = markLength
        return ByteSource { [self] in
            guard var chunk = try source.next() else {
                guard carried.isEmpty else {
                    throw IngestError.unreadable(file: file, reason: "the file ends inside a \(encoding) character")
                }
                return nil
            }
            if toSkip > 0 {
                let dropped = min(toSkip, chunk.count)
                chunk.removeFirst(dropped)
                toSkip -= dropped
                offset += dropped
            }
            return try decode(chunk)
        }
    }

    private func decode(_ chunk: [UInt8]) throws -> [UInt8] {
        var input = carried + chunk
        var output = [UInt8](repeating: 0, count: input.count * 4 + 16)
        var inputLeft = input.count
        var outputLeft = output.count
        let result = input.withUnsafeMutableBytes { inputBytes in
            output.withUnsafeMutableBytes { outputBytes in
                var inPointer = inputBytes.baseAddress?.assumingMemoryBound(to: CChar.self)
                var outPointer = outputBytes.baseAddress?.assumingMemoryBound(to: CChar.self)
                return iconv(descriptor, &inPointer, &inputLeft, &outPointer, &outputLeft)
            }
        }
        let consumed = input.count - inputLeft
        if result == -1 && errno == EILSEQ {
            throw IngestError.unreadable(
                file: file, reason: "not valid \(encoding) text at byte \(offset + consumed - carried.count)")
        }
        offset += chunk.count
        carried = Array(input[consumed...])
        output.removeLast(outputLeft)
        return output
    }
}
