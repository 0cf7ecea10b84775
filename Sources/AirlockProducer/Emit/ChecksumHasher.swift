import AirlockBase
import Crypto
import Dispatch

/// Hashes row texts for both dialects (`TableChecksum.hashes(of:unchanged:in:)`) on a thread of its own, a batch
/// at a time, while the caller reads the next batch out of the workspace: on two cores the two
/// halves overlap (1,000,000 rows, 2026-12-07: 2.5 s in one thread, 1.4 s in two). Each row's
/// key group is found here too, from its key text: hashing the keys on the reading thread made
/// that thread the slower one. At most two batches wait, so memory stays flat whatever the
/// table's size.
final class ChecksumHasher: @unchecked Sendable {
    /// Row texts and key texts end to end, where each ends, and whether each row is one the
    /// bundle leaves unchanged.
    struct Batch: Sendable {
        var lines: [UInt8] = []
        var lineEnds: [Int] = []
        var keys: [UInt8] = []
        var keyEnds: [Int] = []
        var unchanged: [Bool] = []

        static let rows = 4096

        var isFull: Bool { lineEnds.count == Self.rows }

        mutating func append(line: [UInt8], key: [UInt8], unchanged: Bool) {
            lines += line
            lineEnds.append(lines.count)
            keys += key
            keyEnds.append(keys.count)
            self.unchanged.append(unchanged)
        }
    }

    /// The key group of key text `key` in each dialect, as verify.sql finds it on a target:
    /// the first byte of its hash.
    private static func groups(of key: UnsafeBufferPointer<UInt8>) -> (postgres: UInt8, sqlite: UInt8) {
        (SHA256.hash(data: key).withUnsafeBytes { $0[0] }, SHA3.sha256(key)[0])
    }

    // Touched only on `queue`.
    private var sums = RowSums()
    private var postgresUnchanged = SnapshotHashes.Groups(), sqliteUnchanged = SnapshotHashes.Groups()
    private let queue = DispatchQueue(label: "airlock.table-checksum")
    private let waiting = DispatchSemaphore(value: 2)

    /// Hands `batch` to the hashing thread; waits while two batches wait already.
    func hash(_ batch: Batch) {
        waiting.wait()
        queue.async { [self] in
            batch.lines.withUnsafeBufferPointer { lines in
                batch.keys.withUnsafeBufferPointer { keys in
                    var (lineStart, keyStart) = (0, 0)
                    for row in batch.unchanged.indices {
                        let (lineEnd, keyEnd) = (batch.lineEnds[row], batch.keyEnds[row])
                        let line = UnsafeBufferPointer(rebasing: lines[lineStart..<lineEnd])
                        let groups = Self.groups(of: UnsafeBufferPointer(rebasing: keys[keyStart..<keyEnd]))
                        let postgresHash = Array(SHA256.hash(data: line)), sqliteHash = SHA3.sha256(line)
                        sums.postgres.add(postgresHash, group: groups.postgres)
                        sums.sqlite.add(sqliteHash, group: groups.sqlite)
                        if batch.unchanged[row] {
                            postgresUnchanged.add(
                                group: Int(groups.postgres), hash32: RowSums.Part.word(postgresHash, 0))
                            sqliteUnchanged.add(group: Int(groups.sqlite), hash32: RowSums.Part.word(sqliteHash, 0))
                        }
                        (lineStart, keyStart) = (lineEnd, keyEnd)
                    }
                }
            }
            waiting.signal()
        }
    }

    /// What the batches handed over add up to, once every one is hashed: every row's sums,
    /// and the groups of the unchanged ones.
    func result() -> SnapshotHashes {
        queue.sync { SnapshotHashes(sums: sums, unchanged: [.postgres: postgresUnchanged, .sqlite: sqliteUnchanged]) }
    }
}
