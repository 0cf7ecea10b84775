import AirlockBase
import Crypto
import Dispatch

/// Sums the hashes of row texts for both dialects' checksums (`TableChecksum.expected`) on a
/// thread of its own, a batch at a time, while the caller reads the next batch out of the
/// workspace: on two cores reading and hashing overlap. At most two batches wait, so memory
/// stays flat whatever the table's size.
final class ChecksumHasher: @unchecked Sendable {
    /// Row texts end to end, and where each ends.
    struct Batch: Sendable {
        var bytes: [UInt8] = []
        var ends: [Int] = []

        static let rows = 4096

        var isFull: Bool { ends.count == Self.rows }

        mutating func append(_ line: [UInt8]) {
            bytes += line
            ends.append(bytes.count)
        }
    }

    // Touched only on `queue`.
    private var postgres = Sums(), sqlite = Sums()
    private let queue = DispatchQueue(label: "airlock.table-checksum")
    private let waiting = DispatchSemaphore(value: 2)

    /// Hands `batch` to the hashing thread; waits while two batches wait already.
    func hash(_ batch: Batch) {
        waiting.wait()
        queue.async { [self] in
            batch.bytes.withUnsafeBufferPointer { bytes in
                var start = 0
                for end in batch.ends {
                    let line = UnsafeBufferPointer(rebasing: bytes[start..<end])
                    postgres.add(Array(SHA256.hash(data: line)))
                    sqlite.add(SHA3.sha256(line))
                    start = end
                }
            }
            waiting.signal()
        }
    }

    /// The checksums, once every batch handed over is hashed.
    func checksums() -> [SQLDialect: String] {
        queue.sync { [.postgres: postgres.text, .sqlite: sqlite.text] }
    }

    /// `ROWS:A:B`, as the checksum query sums hashes: A and B add up the first and second
    /// big-endian 32 bits of each row's hash.
    private struct Sums {
        var rows = 0
        var first: Int64 = 0
        var second: Int64 = 0

        mutating func add(_ hash: [UInt8]) {
            func word(_ start: Int) -> Int64 { hash[start..<start + 4].reduce(0) { $0 << 8 | Int64($1) } }
            rows += 1
            first += word(0)
            second += word(4)
        }

        var text: String { "\(rows):\(first):\(second)" }
    }
}
