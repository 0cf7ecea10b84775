/// A streaming RFC 4180 reader over UTF-8 bytes: quoted fields with embedded delimiters,
/// quotes and newlines, CRLF or LF line ends. Memory holds one chunk and one record whatever
/// the file size.
///
/// A malformed record does not end the file: the reader reports it with its line and reads
/// on from the next line, so one bad row is quarantined and the others proceed.
///
/// Written by hand rather than taken from a CSV package: SwiftCSV reads the whole file into
/// memory, and CSV.swift decodes Characters and does not report the physical line of a
/// record, which every error message here names. A speed comparison belongs to the
/// benchmarks (issue 9).
struct CSVReader {
    struct Record {
        /// The physical line where the record starts (1-based); quoted newlines span lines.
        var line: Int
        var fields: [String]
    }

    enum Item {
        case record(Record)
        case failure(RecordFailure)
    }

    /// A longer field holds back its record rather than growing memory without bound.
    static let fieldLimit = 1 << 20

    private let source: ByteSource
    private let delimiter: UInt8
    private var buffer: [UInt8] = []
    private var position = 0
    private var endOfInput = false
    private var line = 1

    init(source: ByteSource, delimiter: UInt8) {
        self.source = source
        self.delimiter = delimiter
    }

    /// The next record or failure, or nil at the end of the input.
    mutating func next() throws -> Item? {
        guard try peek() != nil else { return nil }
        let startLine = line
        var fields: [String] = []
        var field: [UInt8] = []
        field.reserveCapacity(64)
        var quoted = false
        var fieldStarted = false
        var afterClosingQuote = false
        var failure: (field: Int, reason: String)?

        func fail(_ reason: String) {
            if failure == nil { failure = (fields.count + 1, reason) }
        }

        func finishField() {
            if field.count >= Self.fieldLimit {
                fail("a field of \(Self.fieldLimit >> 20) MB or more, the limit for one field")
                field.removeSubrange(RecordFailure.excerptLimit...)
            }
            if let text = String(validating: field, as: UTF8.self) {
                if text.contains("\u{FEFF}") { fail("a byte-order mark (U+FEFF) inside the file; were two files joined?") }
                fields.append(text)
            } else {
                fail("the text is not valid UTF-8")
                fields.append(String(decoding: field, as: UTF8.self))
            }
            field.removeAll(keepingCapacity: true)
            quoted = false
            fieldStarted = false
            afterClosingQuote = false
        }

        func result() -> Item {
            guard let failure else { return .record(Record(line: startLine, fields: fields)) }
            return .failure(RecordFailure(line: startLine, field: String(failure.field), reason: failure.reason, text: excerpt(fields)))
        }

        while let byte = try peek() {
            position += 1
            if quoted {
                if byte == UInt8(ascii: "\"") {
                    if try peek() == UInt8(ascii: "\"") {
                        position += 1
                        field.append(byte)
                    } else {
                        quoted = false
                        afterClosingQuote = true
                    }
                } else {
                    if byte == UInt8(ascii: "\n") { line += 1 }
                    if byte == 0 { fail("a zero byte; this is not text") }
                    if field.count < Self.fieldLimit { field.append(byte) }
                }
                continue
            }
            switch byte {
            case delimiter:
                finishField()
            case UInt8(ascii: "\n"):
                line += 1
                finishField()
                return result()
            case UInt8(ascii: "\r"):
                if try peek() == UInt8(ascii: "\n") { continue }
                line += 1
                finishField()
                return result()
            case UInt8(ascii: "\"") where !fieldStarted && field.isEmpty:
                quoted = true
                fieldStarted = true
            case UInt8(ascii: "\""):
                fail("a quote inside an unquoted field; quote the field and double the quote (\"\")")
                field.append(byte)
            case 0:
                fail("a zero byte; this is not text")
            default:
                if afterClosingQuote { fail("text after the closing quote of a quoted field") }
                fieldStarted = true
                if field.count < Self.fieldLimit { field.append(byte) }
            }
        }
        if quoted {
            fail("a quoted field is never closed (unbalanced quote); the rest of the file from this line is held back")
        }
        finishField()
        return result()
    }

    /// A record's fields joined as they were written, for a failure's excerpt.
    func excerpt(_ fields: [String]) -> String {
        RecordFailure.excerpt(fields.joined(separator: String(UnicodeScalar(delimiter))).utf8)
    }

    private mutating func peek() throws -> UInt8? {
        if position >= buffer.count {
            if endOfInput { return nil }
            guard let chunk = try source.next() else {
                endOfInput = true
                return nil
            }
            buffer = chunk
            position = 0
        }
        return buffer[position]
    }
}
