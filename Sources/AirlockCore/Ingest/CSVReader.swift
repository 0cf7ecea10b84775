import Foundation

/// A streaming RFC 4180 reader over bytes: quoted fields with embedded commas, quotes and
/// newlines, CRLF or LF line ends, a UTF-8 byte-order mark. Memory holds one buffer and one
/// record whatever the file size.
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

    private let handle: FileHandle
    private let fileName: String
    private let delimiter: UInt8 = UInt8(ascii: ",")
    private var buffer: [UInt8] = []
    private var position = 0
    private var endOfFile = false
    private var line = 1
    private var atStart = true

    static let chunkSize = 1 << 20

    init(path: String, fileName: String) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw IngestError.unreadable(file: fileName, reason: "cannot open the file")
        }
        self.handle = handle
        self.fileName = fileName
    }

    /// The next record, or nil at the end of the file. Throws with the line of a malformed record.
    mutating func next() throws -> Record? {
        if atStart {
            atStart = false
            try fill()
            if buffer.starts(with: [0xEF, 0xBB, 0xBF]) { position = 3 }
        }
        guard try peek() != nil else { return nil }
        let startLine = line
        var fields: [String] = []
        var field: [UInt8] = []
        field.reserveCapacity(64)
        var quoted = false
        var fieldStarted = false
        var afterClosingQuote = false

        func finishField() throws {
            guard let text = String(validating: field, as: UTF8.self) else {
                throw IngestError.malformed(file: fileName, line: startLine, field: fields.count + 1,
                                            reason: "the text is not valid UTF-8")
            }
            fields.append(text)
            field.removeAll(keepingCapacity: true)
            quoted = false
            fieldStarted = false
            afterClosingQuote = false
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
                    field.append(byte)
                }
                continue
            }
            switch byte {
            case delimiter:
                try finishField()
            case UInt8(ascii: "\n"):
                line += 1
                try finishField()
                return Record(line: startLine, fields: fields)
            case UInt8(ascii: "\r"):
                if try peek() == UInt8(ascii: "\n") { continue }
                line += 1
                try finishField()
                return Record(line: startLine, fields: fields)
            case UInt8(ascii: "\""):
                if !fieldStarted && field.isEmpty {
                    quoted = true
                    fieldStarted = true
                } else {
                    throw IngestError.malformed(file: fileName, line: line, field: fields.count + 1,
                                                reason: "a quote inside an unquoted field; quote the field and double the quote (\"\")")
                }
            case 0:
                throw IngestError.malformed(file: fileName, line: line, field: fields.count + 1,
                                            reason: "a NUL byte; this is not a text file")
            default:
                if afterClosingQuote {
                    throw IngestError.malformed(file: fileName, line: line, field: fields.count + 1,
                                                reason: "text after the closing quote of a quoted field")
                }
                fieldStarted = true
                field.append(byte)
            }
        }
        if quoted {
            throw IngestError.malformed(file: fileName, line: startLine, field: fields.count + 1,
                                        reason: "a quoted field is never closed (unbalanced quote)")
        }
        try finishField()
        return Record(line: startLine, fields: fields)
    }

    private mutating func peek() throws -> UInt8? {
        if position >= buffer.count {
            if endOfFile { return nil }
            try fill()
            if position >= buffer.count { return nil }
        }
        return buffer[position]
    }

    private mutating func fill() throws {
        let chunk: Data?
        do {
            chunk = try handle.read(upToCount: Self.chunkSize)
        } catch {
            throw IngestError.unreadable(file: fileName, reason: error.localizedDescription)
        }
        guard let chunk, !chunk.isEmpty else {
            endOfFile = true
            buffer.removeAll()
            position = 0
            return
        }
        buffer = [UInt8](chunk)
        position = 0
    }
}
