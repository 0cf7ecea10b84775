import AirlockBase
import AirlockSite
import AirlockSpec
import GRDB

/// Checks on an entity as a whole, after every changed entity is normalized and diffed:
/// its thresholds (a truncated or runaway export) and its foreign keys (every reference has a
/// parent row). A finding here blocks the bundle: no record can be held back to mend it.
struct EntityChecks {
    let entity: EntitySpec
    private let dialect = SQLDialect.sqlite

    init(_ entity: EntitySpec) { self.entity = entity }

    /// The limits a drop with `counts` is held to: the spec's `thresholds:`, and for a snapshot
    /// source that sets no `max_delete_share`, once the baseline holds
    /// `Thresholds.guardedBaselineRows`, the default share (an export cut short reads as deletes
    /// of every key it lost). A child gets no default: its rows go with their parents, whose
    /// own guard sees an export cut short, and one order of many may hold most of the lines.
    /// Nil when none applies.
    func limits(counts: EntityCounts) -> Manifest.Limits? {
        let spec = entity.thresholds
        var limits = Manifest.Limits(
            minRows: spec.minRows, maxDeleteShare: spec.maxDeleteShare, maxChangeShare: spec.maxChangeShare)
        if spec.maxDeleteShare == nil, entity.source.mode == .snapshot, entity.nesting == nil,
            counts.unchanged + counts.updated + counts.deleted >= Thresholds.guardedBaselineRows
        {
            limits.maxDeleteShare = Thresholds.defaultMaxDeleteShare
        }
        return limits == Manifest.Limits() ? nil : limits
    }

    func thresholds(counts: EntityCounts, rows: Int) -> [ValidationFinding] {
        var findings: [ValidationFinding] = []
        guard let limits = limits(counts: counts) else { return findings }
        if let minimum = limits.minRows, rows < minimum {
            findings.append(
                block("min_rows", "the snapshot holds \(rows) rows, fewer than thresholds.min_rows \(minimum)"))
        }
        // Shares are of the rows the baseline holds; a first load has none to compare with.
        let before = counts.unchanged + counts.updated + counts.deleted
        guard before > 0 else { return findings }
        let deleteShare = Double(counts.deleted) / Double(before)
        if let maximum = limits.maxDeleteShare, deleteShare > maximum {
            let why =
                entity.thresholds.maxDeleteShare != nil
                ? ", more than thresholds.max_delete_share \(maximum)"
                : ": a snapshot drop that lacks this many keys is more often an export cut short; if the deletes are real, set thresholds.max_delete_share (1 allows any), or make the source mode: delta if it sends only changes"
            findings.append(
                block(
                    "max_delete_share",
                    "\(counts.deleted) of \(before) rows would be deleted (\(Percent.text(deleteShare)))\(why)"))
        }
        let changeShare = Double(counts.changed) / Double(before)
        if let maximum = limits.maxChangeShare, changeShare > maximum {
            findings.append(
                block(
                    "max_change_share",
                    "\(counts.changed) rows would change against \(before) (\(Percent.text(changeShare))), more than thresholds.max_change_share \(maximum)"
                ))
        }
        return findings
    }

    /// Rows whose reference names no parent row, among the rows each entity holds after this run.
    func references(in current: CurrentRows, _ db: Database) throws -> [ValidationFinding] {
        var findings: [ValidationFinding] = []
        for column in entity.columns {
            guard let parentName = column.references,
                let parent = current.spec.entities.first(where: { $0.name == parentName })
            else { continue }
            let child = dialect.identifier(column.name), parentKey = dialect.identifier(parent.key[0])
            let keyText = EntitySQL(entity).keyText(of: "c", quoted: true)
            let orphans = try Row.fetchAll(
                db,
                sql: """
                    SELECT \(keyText), CAST(c.\(child) AS TEXT) FROM \(current.table(of: entity.name)) AS c
                    WHERE c.\(child) IS NOT NULL AND NOT EXISTS (SELECT 1 FROM \(current.table(of: parent.name)) AS p WHERE p.\(parentKey) = c.\(child))
                    ORDER BY 1 LIMIT 20
                    """)
            for row in orphans {
                findings.append(
                    ValidationFinding(
                        severity: .block, check: "references", entity: entity.name, field: column.name,
                        value: row[1],
                        reason: "\(row[0] as String): \(column.name) \(row[1] as String) names no row of \(parentName)")
                )
            }
        }
        return findings
    }

    private func block(_ check: String, _ reason: String) -> ValidationFinding {
        ValidationFinding(severity: .block, check: check, entity: entity.name, reason: reason)
    }
}
