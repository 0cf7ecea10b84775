import AirlockBase

/// What a target has applied, as far as `verify` knows it: the bundle the target is at and the
/// chain of bundles behind it. Read from the target's `airlock_ledger`, or given by hand
/// (`--last-applied`) at a site that checks bundles before it connects to the target.
package struct AppliedChain: Equatable, Sendable {
    package struct Link: Equatable, Sendable {
        package var id: String
        package var sequence: Int
        package var digest: String
        package var parent: String

        package init(id: String, sequence: Int, digest: String, parent: String) {
            self.id = id
            self.sequence = sequence
            self.digest = digest
            self.parent = parent
        }
    }

    /// The digest the target is at; empty for a target no bundle has touched.
    package var head: String
    /// Sequence of the head bundle; nil when only its digest is known.
    package var headSequence: Int?
    /// Bundles on the current chain, newest first (all known ones, not always back to the first).
    package var links: [Link]
    /// How the head bundle was applied, from the target's ledger: upsert or cutover; nil
    /// when unknown.
    var headKind: LedgerKind?

    /// A target no bundle has touched.
    package static let empty = AppliedChain(head: "", headSequence: 0, links: [])

    package init(head: String, headSequence: Int?, links: [Link]) {
        self.head = head
        self.headSequence = headSequence
        self.links = links
    }

    /// The chain behind `head`, walked back through parents over every bundle the ledger saw.
    package init(head: String, known: [Link]) {
        let byDigest = Dictionary(known.map { ($0.digest, $0) }, uniquingKeysWith: { first, _ in first })
        var links: [Link] = []
        var digest = head
        while let link = byDigest[digest], !links.contains(link) {
            links.append(link)
            digest = link.parent
        }
        self.init(head: head, headSequence: head.isEmpty ? 0 : links.first?.sequence, links: links)
    }

    /// Refuses a bundle that is not the next one on this chain.
    func check(_ manifest: Manifest, digest: String) throws {
        if let catchup = manifest.catchup { return try check(catchup, of: manifest, digest: digest) }
        if digest == head || links.contains(where: { $0.digest == digest }) {
            throw VerificationError.outOfOrder(
                "bundle \(manifest.sequence) (\(manifest.id)) is already applied to the target; a replayed bundle is refused"
            )
        }
        if manifest.parent == head { return }
        guard let headSequence else {
            throw VerificationError.outOfOrder(
                "bundle \(manifest.sequence) follows parent \(Self.short(manifest.parent)), but the last applied bundle is \(Self.short(head))"
            )
        }
        if manifest.sequence < headSequence {
            throw VerificationError.outOfOrder(
                "bundle \(manifest.sequence) is older than bundle \(headSequence), which the target is at; a replayed bundle is refused"
            )
        }
        if manifest.sequence > headSequence + 1 {
            let missing =
                headSequence + 1 == manifest.sequence - 1
                ? "\(headSequence + 1)" : "\(headSequence + 1)-\(manifest.sequence - 1)"
            throw VerificationError.outOfOrder(
                "bundle \(manifest.sequence) skips sequence: the target is at bundle \(headSequence); apply bundle \(missing) first"
            )
        }
        throw VerificationError.outOfOrder(
            "bundle \(manifest.sequence) forks the chain: its parent is \(Self.short(manifest.parent)), but the target is at bundle \(headSequence) (\(Self.short(head))); two bundles share a parent"
        )
    }

    /// A catch-up bundle applies to a target at its `from` bundle only; one already at the
    /// bundle it brings the target to, or past it, has nothing to catch up.
    private func check(_ catchup: Manifest.CatchUp, of manifest: Manifest, digest: String) throws {
        if manifest.parent == head { return }
        if [digest, catchup.head].contains(head)
            || links.contains(where: { [digest, catchup.head].contains($0.digest) })
        {
            throw VerificationError.outOfOrder(
                "catch-up bundle \(manifest.id) brings a target to bundle \(manifest.sequence), which this target has reached already"
            )
        }
        let at = headSequence.map { "bundle \($0)" } ?? Self.short(head)
        throw VerificationError.outOfOrder(
            "catch-up bundle \(manifest.id) moves a target at bundle \(catchup.from) (\(Self.short(manifest.parent))), but this target is at \(at); ask the producer for airlock catchup --from \(headSequence.map(String.init) ?? "DIGEST")"
        )
    }

    /// Where the target stands, for a message about it: `is at bundle 3 (airlock-000003-…)`,
    /// or `has no bundle applied`.
    package var position: String {
        guard !head.isEmpty else { return "has no bundle applied" }
        if let link = links.first, link.digest == head { return "is at bundle \(link.sequence) (\(link.id))" }
        return "is at bundle \(headSequence.map(String.init) ?? Self.short(head))"
    }

    private static func short(_ digest: String) -> String {
        digest.isEmpty ? "(none: the first bundle)" : String(digest.prefix(16)) + "…"
    }
}
