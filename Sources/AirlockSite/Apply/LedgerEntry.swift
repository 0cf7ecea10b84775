/// One row of a target's `airlock_ledger`: one script run, and the bundle the target is at
/// after it. Read through `LedgerStatements.entries`, whose columns `init(fields:)` takes in order.
struct LedgerEntry: Equatable {
    var bundleID: String
    var sequence: Int
    var digest: String
    var parentDigest: String
    var kind: LedgerKind
    /// The digest of the bundle the target is at after this run.
    var headDigest: String

    /// The fields of a row as `LedgerStatements.entries` selects them, all as text; nil for a
    /// row that is not a ledger row Airlock wrote.
    init?(fields: [String]) {
        guard fields.count == 6, let sequence = Int(fields[1]), let kind = LedgerKind(rawValue: fields[4]) else {
            return nil
        }
        (bundleID, self.sequence, digest, parentDigest, self.kind, headDigest) = (
            fields[0], sequence, fields[2], fields[3], kind, fields[5]
        )
    }
}
