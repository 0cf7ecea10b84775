import AirlockBase
import Crypto
import Foundation

/// A pull stream of byte chunks: a file, an archive member, or a decoder over either. Readers
/// ask for one chunk at a time, so memory holds one chunk whatever the size of the input.
final class ByteSource {
    private let nextChunk: () throws -> [UInt8]?
    private var pushedBack: [UInt8]?

    init(_ nextChunk: @escaping () throws -> [UInt8]?) {
        self.nextChunk = nextChunk
    }

    /// The next non-empty chunk, or nil at the end.
    func next() throws -> [UInt8]? {
        if let chunk = pushedBack {
            pushedBack = nil
            return chunk
        }
        while let chunk = try nextChunk() {
            if !chunk.isEmpty { return chunk }
        }
        return nil
    }

    /// The first chunk, left in place for the next reader; for sniffing encodings and delimiters.
    func peek() throws -> [UInt8] {
        let chunk = try next() ?? []
        if !chunk.isEmpty { pushedBack = chunk }
        return chunk
    }

    /// The SHA-256 (hex) and byte count of everything left, read chunk by chunk.
    func digest() throws -> (sha256: String, size: Int64) {
        var hasher = SHA256()
        var size: Int64 = 0
        while let chunk = try next() {
            hasher.update(data: chunk)
            size += Int64(chunk.count)
        }
        return (hasher.finalize().hexString, size)
    }

    /// The same bytes, calling `report` with the running byte count after each chunk.
    func counting(_ report: @escaping (Int64) -> Void) -> ByteSource {
        var count: Int64 = 0
        return ByteSource {
            let chunk = try self.next()
            count += Int64(chunk?.count ?? 0)
            report(count)
            return chunk
        }
    }

    /// Calls `body` with each line, without its `\n`, and its number from 1, until `body`
    /// returns false or the bytes end; a last line without a newline counts too.
    func forEachLine(_ body: ([UInt8], Int) throws -> Bool) throws {
        var line: [UInt8] = []
        var number = 0
        while let chunk = try next() {
            var start = chunk.startIndex
            while let newline = chunk[start...].firstIndex(of: UInt8(ascii: "\n")) {
                line += chunk[start..<newline]
                number += 1
                guard try body(line, number) else { return }
                line.removeAll(keepingCapacity: true)
                start = newline + 1
            }
            line += chunk[start...]
        }
        if !line.isEmpty { _ = try body(line, number + 1) }
    }

    static let chunkSize = 1 << 20

    /// The content of a file, read in 1 MiB chunks.
    static func file(_ url: URL, name: String) throws -> ByteSource {
        guard let handle = FileHandle(forReadingAtPath: url.path) else {
            throw IngestError.unreadable(file: name, reason: "cannot open the file")
        }
        var finished = false
        return ByteSource {
            guard !finished else { return nil }
            do {
                guard let data = try handle.read(upToCount: chunkSize), !data.isEmpty else {
                    finished = true
                    try? handle.close()
                    return nil
                }
                return [UInt8](data)
            } catch {
                throw IngestError.unreadable(file: name, reason: FileErrorText.reason(error))
            }
        }
    }
}
