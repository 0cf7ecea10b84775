/// A streaming RFC 4180 reader over UTF-8 bytes: quoted fields with embedded delimiters,
/// quotes and newlines, CRLF or LF line ends. Memory holds one chunk and one record whatever
/// the file size.
///
/// A malformed record does not end the file: the reader reports it with its line and reads
/// on from the next line, so one bad row is quarantined and the others proceed.
///
/// Written by hand rather than taken from a CSV package: SwiftCSV reads the whole file into
/// memory, and CSV.swift decodes Characters and does not report the physical line of a
/// record, which every error message here names. It works on bytes and hands out a record's
/// fields as byte ranges, so ingest can write them into JSON without making a String of each
/// field (README: Performance).
struct CSVReader {
    /// One record's fields, back to back in `bytes`; the reader reuses the storage for the next
    /// record unless the caller keeps this value.
    struct Record {
        /// The physical line where the record starts (1-based); quoted newlines span lines.
        var line: Int
        var bytes: [UInt8] = []
        /// Where each field ends in `bytes`.
        var ends: [Int] = []

        var count: Int { ends.count }

        func range(_ index: Int) -> Range<Int> {
            (index == 0 ? 0 : ends[index - 1])..<ends[index]
        }

        var fields: [String] {
            ends.indices.map { String(decoding: bytes[range($0)], as: UTF8.self) }
        }

        /// The fields joined as they were written, for a failure's excerpt.
        func excerpt(delimiter: UInt8) -> String {
            var joined: [UInt8] = []
            for index in ends.indices {
                if index > 0 { joined.append(delimiter) }
                joined += bytes[range(index)].prefix(RecordFailure.excerptLimit - joined.count)
                if joined.count >= RecordFailure.excerptLimit { break }
            }
            return RecordFailure.excerpt(joined)
        }
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
    private var record = Record(line: 1)
    /// Bytes that end a run of plain bytes outside quotes, and inside them.
    private let stopsUnquoted: ByteStops
    private let stopsQuoted: ByteStops

    init(source: ByteSource, delimiter: UInt8) {
        self.source = source
        self.delimiter = delimiter
        stopsUnquoted = ByteStops([delimiter, UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\""), 0])
        stopsQuoted = ByteStops([UInt8(ascii: "\""), UInt8(ascii: "\n"), 0])
    }

    /// The next record or failure, or nil at the end of the input.
    mutating func next() throws -> Item? {
        guard try peek() != nil else { return nil }
        record.line = line
        record.bytes.removeAll(keepingCapacity: true)
        record.ends.removeAll(keepingCapacity: true)
        var fieldStart = 0
        var quoted = false
        var fieldStarted = false
        var afterClosingQuote = false
        var failure: (field: Int, reason: String)?

        func fail(_ reason: String) {
            if failure == nil { failure = (record.ends.count + 1, reason) }
        }

        func finishField() {
            if record.bytes.count - fieldStart >= Self.fieldLimit {
                fail("a field of \(Self.fieldLimit >> 20) MB or more, the limit for one field")
                record.bytes.removeSubrange((fieldStart + RecordFailure.excerptLimit)...)
            }
            record.ends.append(record.bytes.count)
            fieldStart = record.bytes.count
            quoted = false
            fieldStarted = false
            afterClosingQuote = false
        }

        func result() -> Item {
            if failure == nil, let (field, reason) = Self.textProblem(in: record) { failure = (field + 1, reason) }
            guard let failure else { return .record(record) }
            return .failure(
                RecordFailure(
                    line: record.line, field: String(failure.field), reason: failure.reason,
                    text: record.excerpt(delimiter: delimiter)))
        }

        /// Appends the plain bytes from `position` up to the next byte that `stops` marks.
        func appendRun(stoppingAt stops: ByteStops) -> Bool {
            let start = position
            position = stops.firstStop(in: buffer, from: start)
            guard position > start else { return false }
            let room = Self.fieldLimit - (record.bytes.count - fieldStart)
            if room > 0 { record.bytes += buffer[start..<min(position, start + room)] }
            return true
        }

        while try peek() != nil {
            if quoted {
                _ = appendRun(stoppingAt: stopsQuoted)
                guard position < buffer.count else { continue }
                let byte = buffer[position]
                position += 1
                switch byte {
                case UInt8(ascii: "\""):
                    if try peek() == UInt8(ascii: "\"") {
                        position += 1
                        record.bytes.append(byte)
                    } else {
                        quoted = false
                        afterClosingQuote = true
                    }
                case UInt8(ascii: "\n"):
                    line += 1
                    record.bytes.append(byte)
                default:
                    fail("a zero byte; this is not text")
                }
                continue
            }
            if appendRun(stoppingAt: stopsUnquoted) {
                if afterClosingQuote { fail("text after the closing quote of a quoted field") }
                fieldStarted = true
            }
            // The run reached the end of the chunk: read on in the next one.
            guard position < buffer.count else { continue }
            let byte = buffer[position]
            position += 1
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
            case UInt8(ascii: "\"") where !fieldStarted && record.bytes.count == fieldStart:
                quoted = true
                fieldStarted = true
            case UInt8(ascii: "\""):
                fail("a quote inside an unquoted field; quote the field and double the quote (\"\")")
                record.bytes.append(byte)
            default:
                fail("a zero byte; this is not text")
            }
        }
        if quoted {
            fail("a quoted field is never closed (unbalanced quote); the rest of the file from this line is held back")
        }
        finishField()
        return result()
    }

    /// The first field (0-based) whose bytes are not valid UTF-8 or hold a byte-order mark, and why.
    /// ASCII needs no check, and most records are ASCII throughout.
    private static func textProblem(in record: Record) -> (Int, String)? {
        guard record.bytes.contains(where: { $0 >= 0x80 }) else { return nil }
        for index in record.ends.indices {
            let field = record.bytes[record.range(index)]
            guard let text = String(validating: field, as: UTF8.self) else {
                return (index, "the text is not valid UTF-8")
            }
            if text.unicodeScalars.contains("\u{FEFF}") {
                return (index, "a byte-order mark (U+FEFF) inside the file; were two files joined?")
            }
        }
        return nil
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
