import AirlockSite
import AirlockSpec
import GRDB

/// An entity's counts for its bundle's manifest: the diff's inserted, updated, deleted and
/// unchanged rows joined with what the normalizer saw of the drop's records (processed,
/// quarantined, superseded, failed), so that they add up (see `EntityCounts`).
struct DropCounts {
    let entity: EntitySpec
    /// The normalizer's report; nil for an entity no record of the drop fed (a model, a repaired entity).
    let normalized: Normalizer.Report?
    /// Rows the entity kept because children still name them (`DeletedParents`): unchanged in
    /// the diff, but made by no record of the drop.
    var keptParents: DeletedParents.Kept? = nil

    /// Counts the entity's changes, once they are found (`EntityDiff.findChanges`).
    func counts(in db: Database) throws -> EntityCounts {
        var counts = try EntityDiff(entity).counts(in: db)
        if let records = normalized {
            let failed = try UnparsedRecords.count(inFiles: WorkspaceFile.pendingHashes(of: entity.name), in: db)
            // Keys the drop held back or (a delta) did not name keep their baseline row: no record made it.
            counts.unchanged -= records.kept + (keptParents?.rows ?? 0)
            counts.processed = records.records + failed
            counts.quarantined = records.quarantined
            counts.superseded = records.superseded
            counts.failed = failed
            counts.tombstones = records.tombstones
        }
        assert(
            counts.processed == nil || counts.processed == counts.outcomes,
            "\(entity.name) counts do not add up: \(counts)")
        return counts
    }

    /// The counts per value of the category column, in value order (NULL last).
    func categories(column: String, in db: Database) throws -> [Manifest.Category] {
        var byValue = try EntityDiff(entity).countsByCategory(column, in: db)
        for (value, read) in normalized?.byCategory ?? [:] {
            byValue[value, default: EntityCounts()].processed = read.processed
            byValue[value, default: EntityCounts()].quarantined = read.quarantined
        }
        for (value, kept) in normalized?.keptByCategory ?? [:] { byValue[value]?.unchanged -= kept }
        for (value, kept) in keptParents?.byCategory ?? [:] { byValue[value]?.unchanged -= kept }
        for (value, superseded) in normalized?.supersededByCategory ?? [:] {
            byValue[value, default: EntityCounts()].superseded = superseded
        }
        if let tombstones = normalized?.tombstonesByCategory, normalized?.tombstones != nil {
            for (value, count) in tombstones { byValue[value, default: EntityCounts()].tombstones = count }
            for value in byValue.keys where byValue[value]?.tombstones == nil { byValue[value]?.tombstones = 0 }
        }
        let categories = byValue.map { value, counts in
            var counts = counts
            if normalized != nil { counts.processed = counts.processed ?? 0 }
            return Manifest.Category(value: value, counts: counts)
        }
        .sorted { ($0.value == nil ? 1 : 0, $0.value ?? "") < ($1.value == nil ? 1 : 0, $1.value ?? "") }
        assert(
            categories.allSatisfy { $0.counts.processed == nil || $0.counts.processed == $0.counts.outcomes },
            "\(entity.name) counts per \(column) do not add up: \(categories)")
        return categories
    }
}
