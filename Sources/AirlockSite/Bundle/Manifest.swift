import AirlockBase
import Foundation

/// `manifest.json`: what a bundle is, what it came from and what it changes. Its SHA-256 is
/// the bundle's digest, the link the next bundle's `parent` and the target's ledger refer to.
package struct Manifest: Codable, Equatable, Sendable {
    package static let currentFormat = "airlock-bundle/1"

    package var format: String
    package var id: String
    package var sequence: Int
    /// The digest of the previous bundle's manifest; empty for the first bundle.
    package var parent: String
    package var created: String
    /// After this time (ISO 8601, UTC) `verify` refuses the bundle as stale; absent: never.
    package var expires: String?
    /// The producer key's name.
    package var producer: String
    /// The approvals the producer's spec requires before a site applies the bundle; every
    /// site enforces them and may ask for more, never less. Absent in bundles made before
    /// the policy travelled with them.
    package var approvals: ApprovalPolicy?
    /// How many distinct producer keys must sign the bundle: the one that made it
    /// (`SHA256SUMS.sig`) and `signatures - 1` others (`signatures/NAME.sig`, `airlock
    /// cosign`); absent: one.
    package var signatures: Int?
    package var sources: [Source]
    /// Entities in apply order.
    package var entities: [Entity]
    /// Set on a catch-up bundle (`airlock catchup`): it moves a target at bundle `from` (its
    /// `parent`) to the producer's bundle `sequence` in one step, and the target's ledger is at
    /// that bundle's digest (`head`) afterwards, so the next regular bundle applies on top.
    package var catchup: CatchUp?
    /// SHA-256 of the spec (`airlock.yml`) the producer made the bundle with, so a reviewer
    /// sees when the spec changed between two bundles; absent in bundles made before it was
    /// recorded.
    package var specDigest: String?
    /// The spec digest of the bundle before, set when this bundle changes the schema.
    package var parentSpecDigest: String?
    /// What this bundle changes in the targets' tables before it writes rows, in order, with
    /// the DDL per dialect; absent when it changes none.
    package var schemaChanges: [SchemaChange]?
    /// The dialects the bundle carries scripts for (the spec's `targets:`); absent in bundles
    /// made before it could choose: both.
    package var targets: [SQLDialect]?
    /// The ways the bundle's scripts deliver its changes (the spec's `delivery:` of the
    /// entities it changes, or `run --full`); absent in bundles made before it could choose:
    /// both.
    package var delivery: [DeliveryMethod]?

    enum CodingKeys: String, CodingKey {
        case format, id, sequence, parent, created, expires, producer, approvals, signatures, sources, entities
        case catchup, targets, delivery
        case specDigest = "spec_digest"
        case parentSpecDigest = "parent_spec_digest"
        case schemaChanges = "schema_changes"
    }

    /// One schema change: the entity, what changed (`column_added`, `column_removed`,
    /// `column_renamed`, `column_retyped`, `table_renamed`, `entity_removed`), the column, what
    /// it was and is (a type, a name, a table), and the statements each dialect's scripts run.
    package struct SchemaChange: Codable, Equatable, Sendable {
        package var entity: String
        package var change: String
        package var column: String?
        package var from: String?
        package var to: String?
        package var postgres: [String] = []
        package var sqlite: [String] = []

        package init(entity: String, change: String) {
            self.entity = entity
            self.change = change
        }

        /// The change in one line for `show` and the review pages: `items: column_added note (text)`.
        package var line: String {
            var words = ["\(entity): \(change)"]
            if let column { words.append(column) }
            switch (from, to) {
            case let (from?, to?): words.append("\(from) → \(to)")
            case let (nil, to?): words.append("(\(to))")
            default: break
            }
            return words.joined(separator: " ")
        }
    }

    package struct CatchUp: Codable, Equatable, Sendable {
        /// The sequence of the bundle the target is at before; 0 for an empty target.
        package var from: Int
        /// The digest of the producer's bundle `sequence`, which the target is at afterwards.
        package var head: String

        package init(from: Int, head: String) {
            self.from = from
            self.head = head
        }
    }

    /// The digest a target's ledger is at once this bundle is applied: its own, or for a
    /// catch-up bundle the digest of the producer's bundle it brings the target to.
    package func appliedDigest(own digest: String) -> String { catchup?.head ?? digest }

    package init(
        format: String, id: String, sequence: Int, parent: String, created: String, expires: String? = nil,
        producer: String, approvals: ApprovalPolicy? = nil, sources: [Source], entities: [Entity]
    ) {
        self.approvals = approvals
        self.format = format
        self.id = id
        self.sequence = sequence
        self.parent = parent
        self.created = created
        self.expires = expires
        self.producer = producer
        self.sources = sources
        self.entities = entities
    }

    package struct Source: Codable, Equatable, Sendable {
        package var name: String
        package var sha256: String
        package var entity: String
        package var records: Int
        /// When `airlock pull` fetched this file from its API (ISO 8601, UTC); absent for dropped files.
        package var pulled: String?
        /// An incremental pull's cursor: what the pull asked for and where this bundle leaves it;
        /// absent for full pulls, dropped files and bundles made before incremental pulls.
        package var cursor: Cursor?

        package init(
            name: String, sha256: String, entity: String, records: Int, pulled: String? = nil, cursor: Cursor? = nil
        ) {
            self.name = name
            self.sha256 = sha256
            self.entity = entity
            self.records = records
            self.pulled = pulled
            self.cursor = cursor
        }
    }

    /// The cursor of a file an incremental pull fetched: the query parameter that carries it,
    /// the value the pull sent (`since`; absent for the first pull, which asks for everything),
    /// and the high-water mark this bundle commits for the entity (`committed`), from which the
    /// next pull asks, `lookback` earlier. The committed mark is absent in the pull's own dump,
    /// and when the entity's rows give none (no rows).
    package struct Cursor: Codable, Equatable, Sendable {
        package var param: String
        package var since: String?
        package var committed: String?

        package init(param: String, since: String?, committed: String? = nil) {
            self.param = param
            self.since = since
            self.committed = committed
        }

        /// The cursor in one line for reports and `show`:
        /// `updated_since 2026-11-24T05:00:00Z → 2026-11-25T11:00:00Z`.
        package var line: String {
            "\(param) \(since ?? "(everything)") → \(committed ?? "(unchanged)")"
        }
    }

    package struct Entity: Codable, Equatable, Sendable {
        package var name: String
        package var key: [String]
        /// Rows the target table holds after the upsert.
        package var rows: Int
        package var counts: EntityCounts
        /// The table's content checksum after apply, per dialect (`postgres`, `sqlite`), as
        /// `verify.sql` computes it (`TableChecksum`); absent in bundles made before verify.sql.
        package var checksums: [String: String]?
        /// The spec's `category` column, when it names one, and the counts per value of it.
        package var category: String?
        package var categories: [Category]?
        /// The spec's overrides of what the source reported, and how many rows each changed in
        /// this run; absent for an entity without overrides.
        package var overrides: [Override]?
        /// The limits the drop was held to (`thresholds:`, and the default guard against a
        /// snapshot cut short), so a reviewer sees how close it came; absent when none applied.
        package var limits: Limits?

        package init(
            name: String, key: [String], rows: Int, counts: EntityCounts, checksums: [String: String]? = nil,
            category: String? = nil, categories: [Category]? = nil, overrides: [Override]? = nil
        ) {
            self.overrides = overrides
            self.name = name
            self.key = key
            self.rows = rows
            self.counts = counts
            self.checksums = checksums
            self.category = category
            self.categories = categories
        }
    }

    /// The thresholds a drop of an entity was held to: at least `minRows` rows, at most a
    /// `maxDeleteShare` and a `maxChangeShare` (0 to 1) of the baseline's rows deleted or changed.
    package struct Limits: Codable, Equatable, Sendable {
        package var minRows: Int?
        package var maxDeleteShare: Double?
        package var maxChangeShare: Double?

        package init(minRows: Int? = nil, maxDeleteShare: Double? = nil, maxChangeShare: Double? = nil) {
            self.minRows = minRows
            self.maxDeleteShare = maxDeleteShare
            self.maxChangeShare = maxChangeShare
        }

        enum CodingKeys: String, CodingKey {
            case minRows = "min_rows"
            case maxDeleteShare = "max_delete_share"
            case maxChangeShare = "max_change_share"
        }
    }

    /// One override of the spec: the rows it applies to (`when`, SQL over the normalized
    /// columns), the values it sets (as text; booleans `true`/`false`), why (`note`), and the
    /// rows whose values it changed in this run. What the source said stays in `COLUMN_source`.
    package struct Override: Codable, Equatable, Sendable {
        package var when: String
        package var set: [String: String]
        package var note: String?
        package var rows: Int

        package init(when: String, set: [String: String], note: String?, rows: Int) {
            self.when = when
            self.set = set
            self.note = note
            self.rows = rows
        }
    }

    /// The counts of the rows whose category column holds `value` (the new row's value, the
    /// old row's for a delete); nil for NULL.
    package struct Category: Codable, Equatable, Sendable {
        package var value: String?
        package var counts: EntityCounts

        package init(value: String? = nil, counts: EntityCounts) {
            self.value = value
            self.counts = counts
        }
    }

    package func encoded() throws -> Data { try CanonicalJSON.encode(self) }

    /// The dialects the bundle carries scripts for.
    package var carriedTargets: [SQLDialect] { targets ?? SQLDialect.allCases }

    /// The delivery methods the bundle carries scripts for.
    package var carriedDelivery: [DeliveryMethod] { delivery ?? DeliveryMethod.allCases }

    /// Whether the bundle carries `script` for `dialect`.
    package func carries(_ script: BundleScript, for dialect: SQLDialect) -> Bool {
        carriedTargets.contains(dialect) && (script.method.map(carriedDelivery.contains) ?? true)
    }
}
