import Foundation

/// `manifest.json`: what a bundle is, what it came from and what it changes. Its SHA-256 is
/// the bundle's digest, the link the next bundle's `parent` and the target's ledger refer to.
public struct Manifest: Codable, Equatable, Sendable {
    public static let currentFormat = "airlock-bundle/1"

    public var format: String
    public var id: String
    public var sequence: Int
    /// The digest of the previous bundle's manifest; empty for the first bundle.
    public var parent: String
    public var created: String
    /// After this time (ISO 8601, UTC) `verify` refuses the bundle as stale; absent: never.
    public var expires: String?
    /// The producer key's name.
    public var producer: String
    public var sources: [Source]
    /// Entities in apply order.
    public var entities: [Entity]

    public struct Source: Codable, Equatable, Sendable {
        public var name: String
        public var sha256: String
        public var entity: String
        public var records: Int
        /// When `airlock pull` fetched this file from its API (ISO 8601, UTC); absent for dropped files.
        public var pulled: String?
    }

    public struct Entity: Codable, Equatable, Sendable {
        public var name: String
        public var key: [String]
        /// Rows the target table holds after the upsert.
        public var rows: Int
        public var counts: EntityCounts
        /// The table's content checksum after apply, per dialect (`postgres`, `sqlite`), as
        /// `verify.sql` computes it (`TableChecksum`); absent in bundles made before verify.sql.
        public var checksums: [String: String]?
        /// The spec's `category` column, when it names one, and the counts per value of it.
        public var category: String?
        public var categories: [Category]?
    }

    /// The counts of the rows whose category column holds `value` (the new row's value, the
    /// old row's for a delete); nil for NULL.
    public struct Category: Codable, Equatable, Sendable {
        public var value: String?
        public var counts: EntityCounts
    }

    /// Each entity's expected checksum on a `dialect` target.
    func checksums(for dialect: SQLDialect) -> [String: String] {
        Dictionary(uniqueKeysWithValues: entities.compactMap { entity in entity.checksums?[dialect.rawValue].map { (entity.name, $0) } })
    }

    func encoded() throws -> Data { try CanonicalJSON.encode(self) }
}

/// Per-entity change counts. They add up: every record processed was inserted, updated,
/// unchanged, superseded, quarantined or failed; and the rows before = unchanged + updated +
/// deleted, but for keys whose records were all held back (their baseline row stays, counted
/// as quarantined, not unchanged).
public struct EntityCounts: Codable, Equatable, Sendable {
    /// Records the drop's files held for the entity; absent in bundles made before it was counted.
    public var processed: Int?
    public var inserted = 0
    public var updated = 0
    public var deleted = 0
    public var unchanged = 0
    /// Records held back for a bad value; their keys keep the baseline row.
    public var quarantined = 0
    /// Records that lost to another record with the same key (the spec's dedupe winner).
    public var superseded: Int?
    /// Records of the drop's files that could not be read at all (`airlock status --unparsed`).
    public var failed: Int?

    public var changed: Int { inserted + updated + deleted }

    /// What `processed` must equal.
    public var outcomes: Int { inserted + updated + unchanged + quarantined + (superseded ?? 0) + (failed ?? 0) }
}
