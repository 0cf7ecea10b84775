import AirlockBase
import Foundation

/// Applies a bundle's script to a target, or rolls it back, only after the very bytes it runs
/// were verified: the members are unpacked in the same pass that hashes them.
package struct BundleApplier {
    package let verifier: BundleVerifier
    /// Told each step (verify and unpack, run the script, run verify.sql), for a progress bar.
    package var progress: ProgressHandler?

    package init(verifier: BundleVerifier, progress: ProgressHandler? = nil) {
        self.verifier = verifier
        self.progress = progress
    }

    /// How `apply` changes the target: by `upsert.sql`, or by `cutover.sql`, which replaces
    /// each changed entity's table with the bundle's full snapshot, keeping the old one as
    /// `<table>__backup_<seq>`.
    package typealias Mode = DeliveryMethod

    /// What `upsert.sql` and `rollback.sql` do with a row the target no longer holds as the
    /// bundle expects (edited on the target since the previous bundle, or for a rollback since
    /// the bundle was applied).
    package enum DriftAction: String, CaseIterable, Sendable {
        /// Stop before anything changes, naming the drifted keys.
        case stop
        /// Leave the drifted rows as the target holds them, change the rest, and report the keys.
        case skip
    }

    package struct Outcome {
        package var verified: BundleVerifier.Verified
        /// The script that ran: upsert, cutover, rollback or cutover-rollback.
        package var script: BundleScript
        /// True when the changes were made and then undone (`--dry-run`).
        package var dryRun: Bool
        /// The bundle digest the target's ledger is at afterwards (in the dry run: would be).
        package var head: String
        /// What `verify.sql` found after the apply.
        package var tableCheck = TableCheck.notRun
        /// The drifted rows left as they were (`DriftAction.skip`), one line each:
        /// `airlock: products: skipped drifted row: product_id=P-100`.
        package var skippedDrift: [String] = []
    }

    /// The outcome of `verify.sql` after an apply.
    package enum TableCheck: Equatable, Sendable {
        /// A dry run, a rollback, or a bundle made before verify.sql.
        case notRun
        /// Every table the bundle changed holds the rows and checksum its manifest lists.
        case matches
        /// Some table differs (rows edited on the target outside Airlock, or a trigger);
        /// what the script printed.
        case differs(String)
    }

    /// Runs the `mode`'s script when the bundle passes verification with the approvals its
    /// manifest requires and those the site adds (`approvals`), is not expired (beyond the
    /// site's `expiryGrace`, in seconds) or rejected, and is the next bundle on the target's chain.
    /// After a real apply, runs `verify.sql` and reports in `tableCheck` whether the changed
    /// tables now equal the bundle's snapshot.
    package func apply(
        _ bundle: URL, to target: Target, approvals: SiteApprovals = SiteApprovals(), expiryGrace: Double = 0,
        mode: Mode = .upsert, onDrift: DriftAction = .stop, dryRun: Bool = false
    ) throws -> Outcome {
        try run(
            { _ in BundleScript(applying: mode) }, of: bundle, on: target, onDrift: onDrift, dryRun: dryRun,
            verifyAfter: !dryRun
        ) {
            chain in
            BundleVerifier.Policy(approvals: approvals, expiryGrace: expiryGrace, chain: chain)
        }
    }

    /// Runs `rollback.sql`, or `cutover-rollback.sql` when the target's ledger says the bundle
    /// was applied as a cutover, when the bundle is intact and is the bundle the target is at.
    /// Age, approvals and rejections do not matter for taking a bundle back.
    package func rollback(_ bundle: URL, from target: Target, onDrift: DriftAction = .stop, dryRun: Bool = false) throws
        -> Outcome
    {
        let script = { (chain: AppliedChain) in chain.headKind == .cutover ? BundleScript.cutoverRollback : .rollback }
        return try run(script, of: bundle, on: target, onDrift: onDrift, dryRun: dryRun) { _ in
            .integrityOnly
        } check: { verified, chain in
            guard chain.head == verified.manifest.appliedDigest(own: verified.digest) else {
                throw VerificationError.outOfOrder(
                    "bundle \(verified.manifest.sequence) (\(verified.manifest.id)) is not the last bundle applied to the target, which \(chain.position); only the last applied bundle can be rolled back"
                )
            }
        }
    }

    /// What `check` found: the bundle, and what the script's check printed (its verdict).
    package struct CheckOutcome {
        package var verified: BundleVerifier.Verified
        package var script: BundleScript
        package var printed: [String]
    }

    /// Runs only the check `mode`'s script starts with against the target, changing nothing
    /// (`airlock check-target`): the script's ledger guards and every check of the target's
    /// tables and of the bundle's rows. The bundle's integrity and signature are verified
    /// first; its age, approvals and place in the chain are the apply's business.
    package func check(_ bundle: URL, against target: Target, mode: Mode = .upsert) throws -> CheckOutcome {
        let work = try PrivateFolder(prefix: "airlock-apply")
        let folder = work.url.appendingPathComponent("bundle")
        let verified = try verifier.verify(bundle, policy: .integrityOnly, extractTo: folder)
        let file = try Self.member(BundleScript(applying: mode), of: verified, for: target.dialect, in: folder)
        let printed = try target.check(file)
        withExtendedLifetime(work) {}
        return CheckOutcome(verified: verified, script: BundleScript(applying: mode), printed: printed)
    }

    /// The unpacked `script` for `dialect`; refused, saying what the bundle carries instead,
    /// when the producer's spec left it out (`targets:`, `delivery:`).
    private static func member(
        _ script: BundleScript, of verified: BundleVerifier.Verified, for dialect: SQLDialect, in folder: URL
    ) throws -> URL {
        let manifest = verified.manifest
        guard manifest.carries(script, for: dialect) else {
            throw TargetError.notCarried(
                bundle: manifest.sequence, script: script, dialect: dialect, targets: manifest.carriedTargets,
                delivery: manifest.carriedDelivery)
        }
        let member = BundleLayout.script(script, for: dialect)
        let file = folder.appendingPathComponent(member)
        // Bundles made before cutovers existed carry no cutover scripts.
        guard FileManager.default.fileExists(atPath: file.path) else {
            throw VerificationError.missingMember(name: member)
        }
        return file
    }

    private func run(
        _ script: (AppliedChain) -> BundleScript, of bundle: URL, on target: Target, onDrift: DriftAction,
        dryRun: Bool, verifyAfter: Bool = false,
        policy: (AppliedChain) -> BundleVerifier.Policy,
        check: (BundleVerifier.Verified, AppliedChain) throws -> Void = { _, _ in }
    ) throws -> Outcome {
        // The members are the site's data: unpacked where only this user can read them.
        let work = try PrivateFolder(prefix: "airlock-apply")
        let folder = work.url.appendingPathComponent("bundle")
        let chain = try target.appliedChain()
        let steps: Int64 = verifyAfter ? 3 : 2
        func step(_ done: Int64, _ task: String) {
            progress?(ProgressUpdate(task: task, done: done, total: steps, unit: .steps))
        }
        step(0, "verifying \(bundle.lastPathComponent)")
        let verified = try verifier.verify(bundle, policy: policy(chain), extractTo: folder)
        try check(verified, chain)
        let file = try Self.member(script(chain), of: verified, for: target.dialect, in: folder)
        step(1, "running \(BundleLayout.script(script(chain), for: target.dialect))")
        let run = try target.run(file, dryRun: dryRun, switches: .init(skipDrift: onDrift == .skip))
        var outcome = Outcome(
            verified: verified, script: script(chain), dryRun: dryRun, head: run.head,
            skippedDrift: run.printed.filter { $0.contains(ScriptSwitches.skippedMarker) })
        let verifyMember = BundleLayout.script(.verify, for: target.dialect)
        let verifyScript = folder.appendingPathComponent(verifyMember)
        if verifyAfter { step(2, "running \(verifyMember)") }
        if verifyAfter, FileManager.default.fileExists(atPath: verifyScript.path) {
            do {
                _ = try target.run(verifyScript, dryRun: false)
                outcome.tableCheck = .matches
            } catch let TargetError.scriptFailed(_, reason) {
                outcome.tableCheck = .differs(reason)
            }
        }
        step(steps, "done")
        withExtendedLifetime(work) {}
        return outcome
    }
}
