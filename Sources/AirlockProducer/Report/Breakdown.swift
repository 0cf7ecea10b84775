import AirlockBase
import AirlockSite

/// The counts of one entity, or of one category value within it, with the share each count
/// is of the whole: the table every report, `show` and `show --json` print.
package struct Breakdown: Encodable, Equatable, Sendable {
    /// The entity name, or the category value (`(none)` for NULL) on a category line.
    package var label: String
    package var counts: EntityCounts
    package var rates: Rates
    /// The lines per value of the entity's category column; empty without one.
    package var categories: [Breakdown]

    /// Shares from 0 to 1, rounded to 4 places. Inserted, updated, unchanged and deleted are
    /// shares of the rows compared (their sum); quarantined is a share of the records processed.
    package struct Rates: Encodable, Equatable, Sendable {
        package var inserted: Double
        package var updated: Double
        package var unchanged: Double
        package var deleted: Double
        package var quarantined: Double?
    }

    package static let noneLabel = "(none)"

    private enum CodingKeys: String, CodingKey { case label, counts, rates, categories }

    /// Category lines have no categories of their own, so theirs are left out.
    package func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(label, forKey: .label)
        try container.encode(counts, forKey: .counts)
        try container.encode(rates, forKey: .rates)
        if !categories.isEmpty { try container.encode(categories, forKey: .categories) }
    }

    init(label: String, counts: EntityCounts, categories: [Breakdown] = []) {
        self.label = label
        self.counts = counts
        self.categories = categories
        let compared = counts.inserted + counts.updated + counts.unchanged + counts.deleted
        func share(_ part: Int, of whole: Int) -> Double {
            whole == 0 ? 0 : (Double(part) / Double(whole) * 10_000).rounded() / 10_000
        }
        rates = Rates(
            inserted: share(counts.inserted, of: compared), updated: share(counts.updated, of: compared),
            unchanged: share(counts.unchanged, of: compared), deleted: share(counts.deleted, of: compared),
            quarantined: counts.processed.map { share(counts.quarantined, of: $0) })
    }

    package init(_ entity: Manifest.Entity) {
        self.init(
            label: entity.name, counts: entity.counts,
            categories: (entity.categories ?? []).map {
                Breakdown(label: $0.value ?? Self.noneLabel, counts: $0.counts)
            })
    }

    /// A column of a breakdown table: the records processed, then what became of them (they
    /// add up to `processed`), and the rows deleted.
    package enum Column: String, CaseIterable, Sendable {
        case processed, inserted, updated, unchanged, superseded, quarantined, failed, tombstones, deleted
    }

    /// The columns of a table of `lines`, in order; `tombstones` only where a line counts them
    /// (an entity fed by delta drops), so that snapshot bundles keep their familiar table.
    package static func columns(for lines: [Breakdown]) -> [Column] {
        let tombstones = lines.contains { $0.counts.tombstones != nil }
        return Column.allCases.filter { $0 != .tombstones || tombstones }
    }

    /// This line's count under `column`; nil where it was not counted.
    package func value(_ column: Column) -> Int? {
        let c = counts
        switch column {
        case .processed: return c.processed
        case .inserted: return c.inserted
        case .updated: return c.updated
        case .unchanged: return c.unchanged
        case .superseded: return c.superseded
        case .quarantined: return c.quarantined
        case .failed: return c.failed
        case .tombstones: return c.tombstones
        case .deleted: return c.deleted
        }
    }

    /// This line's cell under `column`: a count, with its share where it has one.
    package func cell(_ column: Column) -> String {
        let share: Double?
        switch column {
        case .inserted: share = rates.inserted
        case .updated: share = rates.updated
        case .unchanged: share = rates.unchanged
        case .deleted: share = rates.deleted
        case .quarantined: share = rates.quarantined
        case .processed, .superseded, .failed, .tombstones: share = nil
        }
        guard let count = value(column) else { return "—" }
        return share.map { "\(count) (\(Percent.text($0)))" } ?? String(count)
    }
}
