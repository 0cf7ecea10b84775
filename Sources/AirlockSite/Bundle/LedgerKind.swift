/// What one row of a target's `airlock_ledger` records (its `kind` column).
package enum LedgerKind: String, CaseIterable, Sendable {
    /// The bundle's changed rows were written.
    case upsert
    /// The bundle's snapshot replaced its tables.
    case cutover
    /// The bundle was taken back; the target is at its parent again.
    case rollback
}
