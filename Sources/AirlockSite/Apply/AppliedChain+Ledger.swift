extension AppliedChain {
    /// The chain a target's ledger records: its last row's head, walked back through every
    /// bundle applied (rollbacks record no bundle of their own).
    init(ledger entries: [LedgerEntry]) {
        guard let last = entries.last else {
            self = .empty
            return
        }
        let applied = entries.filter { $0.kind != .rollback }
        // A catch-up bundle's row also stands for the producer's bundle it brought the target
        // to (its head), whose own row the target never got: the chain walks through it.
        let caughtUp = applied.filter { $0.headDigest != $0.digest }.map {
            Link(id: $0.bundleID, sequence: $0.sequence, digest: $0.headDigest, parent: $0.parentDigest)
        }
        self.init(
            head: last.headDigest,
            known: applied.map {
                Link(id: $0.bundleID, sequence: $0.sequence, digest: $0.digest, parent: $0.parentDigest)
            } + caughtUp)
        headKind = applied.last { $0.digest == head || $0.headDigest == head }?.kind
    }
}
