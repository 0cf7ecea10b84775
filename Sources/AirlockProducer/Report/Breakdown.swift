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

    /// The columns of a breakdown table, in order: the records processed, then what became of
    /// them (they add up to `processed`), and the rows deleted.
    package static let columns = [
        "processed", "inserted", "updated", "unchanged", "superseded", "quarantined", "failed", "deleted"
    ]

    /// This line's count under each of `columns`; nil where it was not counted.
    package var values: [Int?] {
        let c = counts
        return [c.processed, c.inserted, c.updated, c.unchanged, c.superseded, c.quarantined, c.failed, c.deleted]
    }

    /// The cells of this line under `columns`: a count, with its share where it has one.
    package var cells: [String] {
        let c = counts
        let dash = "—"
        return [
            c.processed.map(String.init) ?? dash,
            "\(c.inserted) (\(Percent.text(rates.inserted)))", "\(c.updated) (\(Percent.text(rates.updated)))",
            "\(c.unchanged) (\(Percent.text(rates.unchanged)))", c.superseded.map(String.init) ?? dash,
            rates.quarantined.map { "\(c.quarantined) (\(Percent.text($0)))" } ?? String(c.quarantined),
            c.failed.map(String.init) ?? dash, "\(c.deleted) (\(Percent.text(rates.deleted)))"
        ]
    }
}
