import AirlockBase
import CZlib
import Crypto
import Foundation

/// A member's bytes compressed while they were written, which the archive splices in
/// (`ParallelGzip.splice`) instead of compressing them again.
package struct CompressedMember: Sendable {
    /// The member's path in the bundle.
    let name: String
    /// Deflate blocks, each ended on a byte boundary, none ending the stream.
    let compressed: URL
    /// CRC-32 and length of the bytes, which the archive checks and adds to the gzip trailer.
    let crc: UInt32
    let length: UInt64
    /// The bytes' last 32 KiB: the dictionary of what the archive compresses next.
    let tail: [UInt8]
    /// SHA-256 of the bytes, for `SHA256SUMS`.
    let sha256: String
}

/// Compresses a member on a thread of its own as it is written, so a large member (a first
/// bundle's change file: 1,000,000 lines, 267 MB) is compressed beside the work that writes
/// it rather than after it, when the archive is made. The blocks are those `ParallelGzip`
/// makes: 1 MiB each, deflated with the 32 KiB before as dictionary and ended on a byte
/// boundary; the first has no dictionary, as nothing before it is known yet.
package final class MemberCompressor: @unchecked Sendable {
    private let name: String
    private let url: URL
    private let output: FileHandle
    /// One block at a time, in order; at most `inFlight` blocks wait, so memory stays flat
    /// however far the writer runs ahead.
    private let queue = DispatchQueue(label: "airlock.member-compressor")
    private let slots = DispatchSemaphore(value: MemberCompressor.inFlight)
    private static let inFlight = 2
    private var current: [UInt8] = []
    private var previousTail: [UInt8] = []
    // Touched on `queue` only, until `finish` waits for it.
    private var crc = crc32(0, nil, 0)
    private var length: UInt64 = 0
    private var hasher = SHA256()
    private var failure: Error?

    /// Compresses the member `name` into `url`, a file that is not a member.
    init(name: String, into url: URL) throws {
        guard let handle = FileHandle.writing(toPath: url.path) else {
            throw BundleError.archive("cannot create \(url.path)")
        }
        self.name = name
        self.url = url
        output = handle
        current.reserveCapacity(ParallelGzip.blockSize)
    }

    /// Takes the member's next bytes, in the order they are written to it.
    package func write(_ bytes: UnsafeRawBufferPointer) {
        ParallelGzip.fill(&current, from: bytes) { dispatch(&$0) }
    }

    /// Hands `pending`'s bytes to the compressing thread as the next block and empties it.
    private func dispatch(_ pending: inout [UInt8]) {
        let block = pending, dictionary = previousTail
        previousTail = Array(block.suffix(ParallelGzip.dictionarySize))
        pending.removeAll(keepingCapacity: true)
        slots.wait()
        queue.async { [self] in
            defer { slots.signal() }
            guard failure == nil else { return }
            do {
                block.withUnsafeBytes { bytes in
                    crc = crc32(crc, bytes.baseAddress?.assumingMemoryBound(to: Bytef.self), uInt(bytes.count))
                    hasher.update(bufferPointer: bytes)
                }
                length += UInt64(block.count)
                try output.write(contentsOf: ParallelGzip.deflate(block, dictionary: dictionary, last: false).get())
            } catch {
                failure = error
            }
        }
    }

    /// Compresses what is left and waits for every block; the member's file must hold exactly
    /// the bytes written here.
    func finish() throws -> CompressedMember {
        if !current.isEmpty { dispatch(&current) }
        return try queue.sync {
            if let failure { throw failure }
            try output.close()
            return CompressedMember(
                name: name, compressed: url, crc: UInt32(crc), length: length, tail: previousTail,
                sha256: hasher.finalize().hexString)
        }
    }
}
