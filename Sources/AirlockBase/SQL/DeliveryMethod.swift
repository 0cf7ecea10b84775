/// How a bundle's scripts move an entity's rows into a target: the spec says which each entity
/// is delivered by (`delivery:`), the manifest which scripts a bundle carries, and `airlock
/// apply --mode` which of them runs.
package enum DeliveryMethod: String, CaseIterable, Codable, Sendable {
    /// `upsert.sql` and `rollback.sql`: the changed rows, each checked against its
    /// before-image; they cost what the change costs.
    case upsert
    /// `cutover.sql` and `cutover-rollback.sql`: each changed table replaced by the bundle's
    /// full snapshot, the old one kept as a backup; they cost what the tables cost.
    case cutover
}
