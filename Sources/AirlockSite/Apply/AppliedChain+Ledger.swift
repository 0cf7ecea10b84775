extension AppliedChain {
    /// The chain a target's ledger records: its last row's head, walked back through every
    /// bundle applied (rollbacks record no bundle of their own).
    init(ledger entries: [LedgerEntry]) {
        guard let last = entries.last else {
            self = .empty
            return
        }
        let applied = entries.filter { $0.kind != .rollback }
        self.init(
            head: last.headDigest,
            known: applied.map {
                Link(id: $0.bundleID, sequence: $0.sequence, digest: $0.digest, parent: $0.parentDigest)
            })
        headKind = applied.last { $0.digest == head }?.kind
    }
}
