import GRDB

/// One row of `airlock_bundles`: a bundle this workspace produced and has not discarded, the
/// chain the next bundle continues.
struct BundleRecord: SnakeCaseColumns {
    static let databaseTableName = "airlock_bundles"

    var sequence: Int
    var id: String
    /// SHA-256 of its manifest.
    var digest: String
    /// Its name in `outbox/` (and while staged, in `.airlock/staging/`).
    var fileName: String
    var createdAt: String
    /// SHA-256 of the spec that made it; nil for bundles made before it was recorded.
    var specDigest: String?
    /// Whether it changes the targets' tables (`schema_changes` in its manifest).
    var changesSchema = false

    private static var table: String { databaseTableName }

    /// The newest bundle: the parent of the next one.
    static func latest(in db: Database) throws -> BundleRecord? {
        try fetchOne(db, sql: "SELECT * FROM \(table) ORDER BY sequence DESC LIMIT 1")
    }

    /// The sequence the next bundle takes: one after the newest, 1 for the first.
    static func nextSequence(in db: Database) throws -> Int {
        (try latest(in: db)?.sequence ?? 0) + 1
    }

    static func find(digest: String, in db: Database) throws -> BundleRecord? {
        try fetchOne(db, sql: "SELECT * FROM \(table) WHERE digest = ?", arguments: [digest])
    }

    /// SQL: the sequence of the newest bundle.
    static let latestSequence = "SELECT max(sequence) FROM \(table)"

    /// Every bundle of the chain, oldest first.
    static func all(in db: Database) throws -> [BundleRecord] {
        try fetchAll(db, sql: "SELECT * FROM \(table) ORDER BY sequence")
    }
}
