import Foundation

/// Applies a bundle's script to a target, or rolls it back, only after the very bytes it runs
/// were verified: the members are unpacked in the same pass that hashes them.
public struct BundleApplier {
    public let verifier: BundleVerifier

    public init(verifier: BundleVerifier) {
        self.verifier = verifier
    }

    /// How `apply` changes the target.
    public enum Mode: String, CaseIterable, Sendable {
        /// `upsert.sql`: writes the changed rows, checking each one's before-image first.
        case upsert
        /// `cutover.sql`: replaces each changed entity's table with the bundle's full snapshot,
        /// keeping the old table as `<table>__backup_<seq>`.
        case cutover

        var script: String { self == .upsert ? "upsert.sql" : "cutover.sql" }
    }

    public struct Outcome {
        public var verified: BundleVerifier.Verified
        /// The script that ran: `upsert.sql`, `cutover.sql`, `rollback.sql` or `cutover-rollback.sql`.
        public var script: String
        /// True when the changes were made and then undone (`--dry-run`).
        public var dryRun: Bool
        /// The bundle digest the target's ledger is at afterwards (in the dry run: would be).
        public var head: String
    }

    /// Runs the `mode`'s script when the bundle passes verification with `approvals`, is not
    /// expired or rejected, and is the next bundle on the target's chain.
    public func apply(_ bundle: URL, to target: Target, approvals: ApprovalPolicy, mode: Mode = .upsert,
                      dryRun: Bool = false) throws -> Outcome {
        try run({ _ in mode.script }, of: bundle, on: target, dryRun: dryRun) { chain in
            BundleVerifier.Policy(approvals: approvals, chain: chain)
        }
    }

    /// Runs `rollback.sql`, or `cutover-rollback.sql` when the target's ledger says the bundle
    /// was applied as a cutover, when the bundle is intact and is the bundle the target is at.
    /// Age, approvals and rejections do not matter for taking a bundle back.
    public func rollback(_ bundle: URL, from target: Target, dryRun: Bool = false) throws -> Outcome {
        let script = { (chain: AppliedChain) in chain.headKind == "cutover" ? "cutover-rollback.sql" : "rollback.sql" }
        return try run(script, of: bundle, on: target, dryRun: dryRun) { _ in .integrityOnly } check: { verified, chain in
            guard chain.head == verified.digest else {
                throw VerificationError.outOfOrder("bundle \(verified.manifest.sequence) (\(verified.manifest.id)) is not the last bundle applied to the target; only the last applied bundle can be rolled back")
            }
        }
    }

    private func run(_ script: (AppliedChain) -> String, of bundle: URL, on target: Target, dryRun: Bool,
                     policy: (AppliedChain) -> BundleVerifier.Policy,
                     check: (BundleVerifier.Verified, AppliedChain) throws -> Void = { _, _ in }) throws -> Outcome {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("airlock-apply-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let chain = try target.appliedChain()
        let verified = try verifier.verify(bundle, policy: policy(chain), extractTo: folder)
        try check(verified, chain)
        let member = "\(target.dialect.rawValue)/\(script(chain))"
        let file = folder.appendingPathComponent(member)
        // Bundles made before cutovers existed carry no cutover scripts.
        guard FileManager.default.fileExists(atPath: file.path) else { throw VerificationError.missingMember(name: member) }
        let head = try target.run(file, dryRun: dryRun)
        return Outcome(verified: verified, script: script(chain), dryRun: dryRun, head: head)
    }
}
