import AirlockBase
import AirlockSite

/// One limit an entity's drop was held to, beside what the bundle did against it, for the
/// review pages: `payments | deletes at most 50.0% of the baseline (max_delete_share) | 3 of
/// 2000 rows (0.2%)`. A reviewer sees how close a bundle came, not only whether it passed.
package struct LimitLine: Encodable, Equatable, Sendable {
    package var entity: String
    package var limit: String
    package var bundle: String

    /// The lines of `entity`'s limits (`Manifest.Entity.limits`); none without limits.
    static func lines(of entity: Manifest.Entity) -> [LimitLine] {
        guard let limits = entity.limits else { return [] }
        let counts = entity.counts
        let before = counts.unchanged + counts.updated + counts.deleted
        func share(_ count: Int) -> String {
            before == 0
                ? "\(count) (a first load: no baseline to compare)"
                : "\(count) of \(before) rows (\(Percent.text(Double(count) / Double(before))))"
        }
        var lines: [LimitLine] = []
        if let minimum = limits.minRows {
            lines.append(
                .init(entity: entity.name, limit: "at least \(minimum) rows (min_rows)", bundle: "\(entity.rows) rows"))
        }
        for (maximum, verb, setting, count) in [
            (limits.maxDeleteShare, "deletes", "max_delete_share", counts.deleted),
            (limits.maxChangeShare, "changes", "max_change_share", counts.changed)
        ] {
            guard let maximum else { continue }
            lines.append(
                .init(
                    entity: entity.name, limit: "\(verb) at most \(Percent.text(maximum)) of the baseline (\(setting))",
                    bundle: share(count)))
        }
        return lines
    }
}

extension BundleContents {
    /// Every entity's `LimitLine`s, in the manifest's order.
    var limitLines: [LimitLine] { manifest.entities.flatMap(LimitLine.lines) }
}
