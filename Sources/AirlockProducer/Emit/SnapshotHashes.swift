import AirlockBase

/// What `verify.sql` expects of one entity's snapshot table in each dialect: the table's
/// checksum, and for the key listing (`VerifyKeyListing`) the count and hash sum of the rows
/// the bundle leaves unchanged per group of keys. With them, the sums of the whole snapshot,
/// which the producer keeps once the snapshot is the baseline (`BaselineSums`).
struct SnapshotHashes: Sendable {
    /// Per group of keys (the first byte of the hash of a row's key text: 256 groups), the
    /// rows and the sum of the first 32 bits of their hashes.
    struct Groups: Codable, Equatable, Sendable {
        var rows = [Int](repeating: 0, count: 256)
        var sums = [Int64](repeating: 0, count: 256)

        mutating func add(group: Int, hash32: Int64) {
            rows[group] += 1
            sums[group] += hash32
        }

        static func + (a: Groups, b: Groups) -> Groups {
            Groups(rows: zip(a.rows, b.rows).map(+), sums: zip(a.sums, b.sums).map(+))
        }

        static func - (a: Groups, b: Groups) -> Groups {
            Groups(rows: zip(a.rows, b.rows).map(-), sums: zip(a.sums, b.sums).map(-))
        }
    }

    /// Every row of the snapshot.
    var sums: RowSums
    /// The rows the bundle leaves as the baseline has them, per dialect.
    var unchanged: [SQLDialect: Groups]

    /// `ROWS:A:B` per dialect (`TableChecksum.query`).
    var checksums: [SQLDialect: String] {
        Dictionary(uniqueKeysWithValues: SQLDialect.allCases.map { ($0, sums[$0].checksum) })
    }
}
