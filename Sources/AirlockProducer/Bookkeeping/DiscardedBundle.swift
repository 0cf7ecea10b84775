import Foundation
import GRDB

/// One row of `airlock_discarded_bundles`: a bundle taken back after a reviewer rejected it.
/// Its sequence number is used again by the next bundle.
struct DiscardedBundle: SnakeCaseColumns {
    static let databaseTableName = "airlock_discarded_bundles"

    var id: String
    var sequence: Int
    var digest: String
    var fileName: String
    var createdAt: String
    var discardedAt: String

    static func all(in db: Database) throws -> [DiscardedBundle] {
        try fetchAll(db, sql: "SELECT * FROM \(databaseTableName) ORDER BY discarded_at")
    }

    /// Moves `bundle` out of the chain into this table.
    static func discard(_ bundle: BundleRecord, in db: Database) throws {
        try DiscardedBundle(
            id: bundle.id, sequence: bundle.sequence, digest: bundle.digest, fileName: bundle.fileName,
            createdAt: bundle.createdAt, discardedAt: Date().utcTimestamp
        ).insert(db)
        try bundle.delete(db)
    }
}
