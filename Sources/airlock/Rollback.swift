import AirlockBase
import AirlockProducer
import AirlockSite
import ArgumentParser
import Foundation

struct Rollback: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Undo the last applied bundle on a target with its rollback script.",
        discussion: """
            Checks the bundle's members and signature and that it is the bundle the target's \
            ledger is at, then runs one of its rollback scripts as one transaction: after an \
            upsert, rollback.sql restores the rows it changed; after a cutover, \
            cutover-rollback.sql puts the backup tables back and keeps the bundle's rows in \
            TABLE__staging_SEQ. Approvals and expiry do not matter for taking a bundle back. \
            Like apply, rollback.sql stops on rows edited since the bundle was applied, or \
            with --on-drift skip leaves them as they are.

            Example:
              airlock rollback bundle-000002.tar.gz --target sqlite:/srv/shop.db
            """
    )

    @Argument(help: "The bundle file that was applied last.")
    var bundle: String

    @OptionGroup var target: TargetOptions

    @Flag(help: "Roll back inside a transaction that is rolled back in turn; the target is left as it was.")
    var dryRun = false

    @OptionGroup var trust: TrustOptions

    func run() throws {
        let site = try trust.site.load()
        let database = try target.parsed(under: site, realRun: !dryRun)
        let applier = BundleApplier(verifier: try trust.verifier(under: site), progress: TerminalProgress.handler)
        let outcome = try applier.rollback(
            URL(fileURLWithPath: bundle), from: database, onDrift: target.onDrift, dryRun: dryRun)
        let skipped = try skippedChanges(
            outcome, bundle: URL(fileURLWithPath: bundle), verifier: try trust.verifier(under: site))
        printOutcome(
            outcome, action: dryRun ? "would roll back" : "rolled back", target: database, skippedOps: skipped)
    }
}
