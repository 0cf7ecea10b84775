import AirlockBase

/// What `verify.sql` expects of one entity's snapshot table in each dialect, from one pass over
/// it (`TableChecksum.hashes`): the table's checksum, and for the key listing
/// (`VerifyKeyListing`) the count and hash sum of the rows the bundle leaves unchanged per
/// group of keys.
struct SnapshotHashes: Sendable {
    /// Per group of keys (the first byte of the hash of a row's key text: 256 groups), the
    /// rows and the sum of the first 32 bits of their hashes.
    struct Groups: Sendable {
        var rows = [Int](repeating: 0, count: 256)
        var sums = [Int64](repeating: 0, count: 256)

        mutating func add(group: Int, hash32: Int64) {
            rows[group] += 1
            sums[group] += hash32
        }
    }

    /// `ROWS:A:B` per dialect (`TableChecksum.query`).
    var checksums: [SQLDialect: String]
    var groups: [SQLDialect: Groups]
}
