import GRDB

/// One row of `airlock_baseline_sums`: what the hashes of an entity's rows added up to
/// (`RowSums`) in the snapshot that a bundle made its baseline, under the spec of that bundle.
/// The producer records them with the bundle; the next bundle starts its checksums from them
/// and hashes only the rows it changes (`TableChecksum.snapshotHashes`).
///
/// They are used only by the bundle right after theirs, under the same spec and by a producer
/// that hashes rows as theirs did (`TableChecksum.format`): the baseline is then exactly that
/// snapshot. A spec change (which may migrate or clear baseline values), a
/// bundle without the entity in between and a catch-up bundle (whose baseline is an older
/// state) all hash every row instead. Discarding a bundle drops its rows; `recover` starts
/// without any. This type is the table's only writer.
struct BaselineSums: SnakeCaseColumns {
    static let databaseTableName = "airlock_baseline_sums"

    var entity: String
    var bundleSequence: Int
    var specDigest: String
    var checksumFormat: Int
    var sums: RowSums

    private static var table: String { databaseTableName }

    /// The sums of `entity`'s baseline for the bundle after `parent`, made under spec
    /// `specDigest`; nil where it must hash every row.
    static func baseline(of entity: String, parent: Int, specDigest: String, in db: Database) throws -> RowSums? {
        try fetchOne(
            db,
            sql:
                "SELECT * FROM \(table) WHERE entity = ? AND bundle_sequence = ? AND spec_digest = ? AND checksum_format = ?",
            arguments: [entity, parent, specDigest, TableChecksum.format]
        )?.sums
    }

    /// Records the sums of the snapshots bundle `sequence` makes the baselines, by entity;
    /// those of older bundles are no longer used.
    static func record(_ sums: [String: RowSums], bundle sequence: Int, specDigest: String, in db: Database) throws {
        try db.execute(sql: "DELETE FROM \(table) WHERE bundle_sequence < ?", arguments: [sequence])
        for (entity, sums) in sums {
            try BaselineSums(
                entity: entity, bundleSequence: sequence, specDigest: specDigest, checksumFormat: TableChecksum.format,
                sums: sums
            ).insert(db)
        }
    }

    /// Takes back a discarded bundle's sums.
    static func discard(bundle sequence: Int, in db: Database) throws {
        try db.execute(sql: "DELETE FROM \(table) WHERE bundle_sequence = ?", arguments: [sequence])
    }
}
