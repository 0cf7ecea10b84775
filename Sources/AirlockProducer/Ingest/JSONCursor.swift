/// A JSON text read forward one `ByteSource` chunk at a time: the next byte, the line it is
/// on, and on request a copy of the bytes of one value (`startCapture`), so a reader can cut a
/// record out of a document of any size while memory holds one chunk and one record. A copy
/// leaves out the whitespace between tokens, as SQLite writes JSON (and as records were stored
/// when SQLite walked the whole document), so a pretty-printed record takes no more room.
/// `JSONCursor+Values` reads values with it, checking the grammar as SQLite does.
struct JSONCursor {
    private let source: ByteSource
    private var buffer: [UInt8] = []
    private var position = 0
    private var endOfInput = false
    /// The line of the next byte (1-based). A newline can only stand in whitespace: JSON
    /// strings hold none unescaped, and the reader stops at one.
    private(set) var line = 1
    /// The line of the last byte that is not whitespace, or of the next one: where a text cut
    /// short ends.
    private(set) var contentLine = 1
    private var capturing = false
    private var captured: [UInt8] = []
    /// Where the bytes not yet copied into `captured` start in `buffer`.
    private var captureStart = 0
    private var captureLimit = 0
    /// Whether the value being captured reached `captureLimit`; `captured` then holds its
    /// first `RecordFailure.excerptLimit` bytes only.
    private var overflowed = false

    init(source: ByteSource) {
        self.source = source
    }

    /// The next byte, not consumed; nil at the end of the text.
    mutating func peek() throws -> UInt8? {
        if position < buffer.count { return buffer[position] }
        return try refill() ? buffer[position] : nil
    }

    /// Consumes the byte `peek` returned.
    mutating func advance() {
        position += 1
    }

    /// Consumes spaces, tabs, carriage returns and newlines, counting lines; a capture skips them.
    mutating func skipWhitespace() throws {
        // Most JSON writers put no whitespace between most tokens.
        if position < buffer.count && buffer[position] > 0x20 {
            contentLine = line
            return
        }
        keepCaptured()
        repeat {
            while position < buffer.count {
                switch buffer[position] {
                case 0x20, 0x09, 0x0D: position += 1
                case 0x0A:
                    line += 1
                    position += 1
                default:
                    contentLine = line
                    captureStart = position
                    return
                }
            }
            captureStart = position
        } while try refill()
    }

    /// Consumes bytes up to the next of `stops`, across chunks; the byte found is left for
    /// `peek`. For the runs of plain bytes inside strings.
    mutating func skip(until stops: ByteStops) throws {
        repeat {
            position = stops.firstStop(in: buffer, from: position)
            if position < buffer.count { return }
        } while try refill()
    }

    /// Whether the text starts with `prefix`, read ahead without consuming it. Only at the start.
    mutating func starts(with prefix: [UInt8]) throws -> Bool {
        while buffer.count - position < prefix.count && !endOfInput {
            guard let chunk = try source.next() else {
                endOfInput = true
                break
            }
            buffer = Array(buffer[position...]) + chunk
            position = 0
        }
        return buffer[position...].starts(with: prefix)
    }

    /// Copies the bytes consumed from now on, up to `limit` of them, until `endCapture`.
    mutating func startCapture(limit: Int) {
        capturing = true
        captured.removeAll(keepingCapacity: true)
        captureStart = position
        captureLimit = limit
        overflowed = false
    }

    /// The bytes consumed since `startCapture`, and whether there were `limit` or more (then
    /// only the first `RecordFailure.excerptLimit` are kept).
    mutating func endCapture() -> (bytes: [UInt8], overflowed: Bool) {
        keepCaptured()
        capturing = false
        return (captured, overflowed)
    }

    private mutating func keepCaptured() {
        guard capturing else { return }
        defer { captureStart = position }
        guard !overflowed else { return }
        if captured.count + (position - captureStart) < captureLimit {
            captured += buffer[captureStart..<position]
            return
        }
        overflowed = true
        let room = max(0, RecordFailure.excerptLimit - captured.count)
        captured.removeSubrange(min(captured.count, RecordFailure.excerptLimit)...)
        captured += buffer[captureStart..<min(position, captureStart + room)]
    }

    /// The next chunk into `buffer`, after keeping what a capture holds of the last one.
    private mutating func refill() throws -> Bool {
        keepCaptured()
        guard !endOfInput, let chunk = try source.next() else {
            endOfInput = true
            return false
        }
        buffer = chunk
        position = 0
        captureStart = 0
        return true
    }
}
