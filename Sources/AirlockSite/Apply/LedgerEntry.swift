/// One row of a target's `airlock_ledger`: one script run, and the bundle the target is at
/// after it. Read through `LedgerStatements.entries`, whose columns `init(fields:)` takes in order.
package struct LedgerEntry: Equatable, Sendable {
    package var bundleID: String
    package var sequence: Int
    package var digest: String
    package var parentDigest: String
    package var kind: LedgerKind
    /// The digest of the bundle the target is at after this run.
    package var headDigest: String
    /// The row's `id`: its place in the ledger.
    package var id: Int
    /// When the script ran, UTC, to the second: `2026-11-01T06:00:00Z`.
    package var appliedAt: String

    /// The fields of a row as `LedgerStatements.entries` selects them, all as text; nil for a
    /// row that is not a ledger row Airlock wrote.
    init?(fields: [String]) {
        guard fields.count == 8, let sequence = Int(fields[1]), let kind = LedgerKind(rawValue: fields[4]),
            let id = Int(fields[6])
        else {
            return nil
        }
        (bundleID, self.sequence, digest, parentDigest, self.kind, headDigest) = (
            fields[0], sequence, fields[2], fields[3], kind, fields[5]
        )
        self.id = id
        appliedAt = fields[7]
    }
}
