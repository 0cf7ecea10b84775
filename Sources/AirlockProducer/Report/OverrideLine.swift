import AirlockSite

/// One of the spec's overrides as the review pages and `show` list it: the rule, why, what it
/// sets, how many rows it changed in this run, and examples among the changes listed
/// (`product_id=P-3: pinned false → true`, the source's value before the arrow).
package struct OverrideLine: Encodable, Equatable, Sendable {
    package var entity: String
    package var when: String
    package var note: String
    package var sets: String
    package var rows: Int
    package var examples: [String]

    /// Examples listed per override.
    static let examplesListed = 5
}

extension BundleContents {
    /// Every override of every entity, in manifest order.
    var overrideLines: [OverrideLine] {
        manifest.entities.flatMap { entity in
            (entity.overrides ?? []).map { override in
                let columns = override.set.keys.sorted()
                var examples: [String] = []
                for change in changes[entity.name] ?? [] where examples.count < OverrideLine.examplesListed {
                    guard let after = change.after else { continue }
                    for column in columns {
                        guard let value = after[column], let source = after["\(column)_source"], value != source else {
                            continue
                        }
                        examples.append("\(change.keyText(order: entity.key)): \(column) \(source) → \(value)")
                    }
                }
                return OverrideLine(
                    entity: entity.name, when: override.when, note: override.note ?? "",
                    sets: columns.map { "\($0) = \(override.set[$0]!)" }.joined(separator: ", "), rows: override.rows,
                    examples: Array(examples.prefix(OverrideLine.examplesListed)))
            }
        }
    }
}
