/// Per-entity change counts. They add up: every record processed was inserted, updated,
/// unchanged, superseded, quarantined or failed; and the rows before = unchanged + updated +
/// deleted, but for keys whose records were all held back (their baseline row stays, counted
/// as quarantined, not unchanged).
package struct EntityCounts: Codable, Equatable, Sendable {
    /// Records the drop's files held for the entity; absent in bundles made before it was counted.
    package var processed: Int?
    package var inserted = 0
    package var updated = 0
    package var deleted = 0
    package var unchanged = 0
    /// Records held back for a bad value; their keys keep the baseline row.
    package var quarantined = 0
    /// Records that lost to another record with the same key (the spec's dedupe winner).
    package var superseded: Int?
    /// Records of the drop's files that could not be read at all (`airlock status --unparsed`).
    package var failed: Int?
    /// Records of a delta drop that deleted their key (`delete_when`, `tombstone`); nil for a
    /// snapshot drop, whose deletes are the keys it lacks. `deleted` counts the rows they
    /// removed, which is fewer where the key was not in the baseline.
    package var tombstones: Int?

    package init(
        processed: Int? = nil, inserted: Int = 0, updated: Int = 0, deleted: Int = 0, unchanged: Int = 0,
        quarantined: Int = 0, superseded: Int? = nil, failed: Int? = nil,
        tombstones: Int? = nil
    ) {
        self.processed = processed
        self.inserted = inserted
        self.updated = updated
        self.deleted = deleted
        self.unchanged = unchanged
        self.quarantined = quarantined
        self.superseded = superseded
        self.failed = failed
        self.tombstones = tombstones
    }

    package var changed: Int { inserted + updated + deleted }

    /// What `processed` must equal.
    package var outcomes: Int {
        inserted + updated + unchanged + quarantined + (superseded ?? 0) + (failed ?? 0) + (tombstones ?? 0)
    }
}
