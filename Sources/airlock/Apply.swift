import AirlockProducer
import AirlockSite
import AirlockSpec
import ArgumentParser
import Foundation

extension BundleApplier.Mode: ExpressibleByArgument {}
extension BundleApplier.DriftAction: ExpressibleByArgument {}

struct Apply: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Verify a bundle, then apply it to a target database.",
        discussion: """
            Verifies the bundle exactly as `airlock verify --target` does (members, signatures, \
            approvals, expiry, and that it is the next bundle on the target's ledger), then \
            runs one of its scripts as one transaction: PostgreSQL through psql, SQLite \
            in-process. Each script first takes the target's apply lock (a second apply waits, \
            then is refused in words) and checks that the target's tables can take the bundle \
            (tables, columns, types, enum labels, constraints; see airlock check-target): a \
            target that does not fit exits 6 with every problem listed and nothing changed.

            --mode upsert (the default) runs upsert.sql: it writes the changed rows, after \
            checking that the rows it changes are as the previous bundle left them. \
            --mode cutover runs cutover.sql: each table the bundle changes is replaced by the \
            bundle's full snapshot, and the old table is kept as TABLE__backup_SEQ; it stops \
            before any change if a view, trigger or foreign key the bundle does not manage \
            depends on the table.

            A row the target no longer holds as the previous bundle left it (edited on the \
            target) has drifted: upsert.sql stops before any change and names the keys. \
            --on-drift skip leaves those rows as the target holds them, applies the rest and \
            lists the skipped keys; verify.sql then reports the tables as differing.

            --dry-run makes the changes and undoes them, to show what would happen.

            Examples:
              airlock apply bundle-000002.tar.gz --target sqlite:/srv/shop.db
              airlock apply bundle-000002.tar.gz \\
                  --target postgres:'host=/run/postgresql dbname=shop' --dry-run
              airlock apply bundle-000002.tar.gz --target postgres:'dbname=shop' \\
                  --mode cutover
              airlock apply bundle-000002.tar.gz --target sqlite:/srv/shop.db \\
                  --on-drift skip
            """
    )

    @Argument(help: "The bundle file.")
    var bundle: String

    @OptionGroup var target: TargetOptions

    @Option(help: "upsert: write the changed rows; cutover: replace the changed tables with the bundle's snapshot.")
    var mode: BundleApplier.Mode = .upsert

    @Flag(
        help:
            "Apply inside a transaction that is rolled back; the target is left as it was. Lists the first --changes rows, before → after."
    )
    var dryRun = false

    @Option(help: ArgumentHelp("With --dry-run, the changes listed per entity.", valueName: "n"))
    var changes = 10

    @OptionGroup var approvals: ApprovalOptions

    @OptionGroup var trust: TrustOptions

    func validate() throws {
        guard changes >= 0 else { throw ValidationError("--changes takes 0 or more") }
    }

    func run() throws {
        let site = try trust.site.load()
        let database = try target.parsed(under: site, realRun: !dryRun)
        let applier = BundleApplier(verifier: try trust.verifier(under: site), progress: TerminalProgress.handler)
        let outcome = try applier.apply(
            URL(fileURLWithPath: bundle), to: database, approvals: try approvals.policy(under: site),
            expiryGrace: site.expiryGrace, mode: mode, onDrift: target.onDrift, dryRun: dryRun)
        printOutcome(outcome, action: dryRun ? "would apply" : "applied", target: database)
        // The script passed its guards, so the target holds each row as the bundle's
        // before-image has it: these are the rows the real run changes, as it changes them.
        if dryRun && changes > 0 {
            let summary = try BundleSummary.load(
                URL(fileURLWithPath: bundle), verifier: try trust.verifier(under: site), sampleSize: changes)
            for line in Show.changes(summary, style: .standardOutput) { printStyledLine(line) }
        }
    }
}

/// What `apply` and `rollback` print: the bundle, the changes and where the target is now.
/// `skippedOps`: per entity, how many of the drifted rows left alone were inserts, updates and
/// deletes of the bundle (`skippedChanges`), so that a rollback says what it undid.
func printOutcome(
    _ outcome: BundleApplier.Outcome, action: String, target: Target,
    skippedOps: [String: [Change.Operation: Int]] = [:]
) {
    let manifest = outcome.verified.manifest
    printLine(
        "\(action) bundle \(manifest.sequence) (\(manifest.id)) to \(target) with \(outcome.script.fileName)\(outcome.dryRun ? " (dry run: nothing was changed)" : "")"
    )
    let undoes = outcome.script == .rollback || outcome.script == .cutoverRollback
    for change in manifest.schemaChanges ?? [] {
        printLine("  schema\(undoes ? " undone" : ""): \(change.line)")
    }
    for entity in manifest.entities {
        let c = entity.counts
        // A skipped drifted row is one of the bundle's changes the script did not write.
        let skipped = outcome.skippedDrift.filter {
            $0.hasPrefix("airlock: \(entity.name)\(ScriptSwitches.skippedMarker)")
        }
        if !skipped.isEmpty, outcome.script == .rollback, let ops = skippedOps[entity.name] {
            printLine(
                "  \(entity.name): \(c.inserted - ops[.insert, default: 0]) inserted row(s) removed, \(c.updated - ops[.update, default: 0]) updated row(s) restored, \(c.deleted - ops[.delete, default: 0]) deleted row(s) put back; \(skipped.count) drifted row(s) left as the target holds them"
            )
            continue
        }
        if !skipped.isEmpty {
            printLine(
                "  \(entity.name): wrote \(c.changed - skipped.count) of the bundle's \(c.changed) changes; \(skipped.count) drifted row(s) left as the target holds them"
            )
            continue
        }
        switch outcome.script {
        case .rollback:
            printLine(
                "  \(entity.name): \(c.inserted) inserted row(s) removed, \(c.updated) updated row(s) restored, \(c.deleted) deleted row(s) put back"
            )
        case .cutoverRollback:
            printLine(
                "  \(entity.name): the table as it was before the cutover is back; the bundle's \(entity.rows) rows are kept in its staging table"
            )
        default:
            let replaced = outcome.script == .cutover ? "replaced by \(entity.rows) rows: " : ""
            printLine("  \(entity.name): \(replaced)\(c.inserted) inserted, \(c.updated) updated, \(c.deleted) deleted")
        }
    }
    if !outcome.skippedDrift.isEmpty {
        printWarning(
            "\(outcome.skippedDrift.count) drifted row(s) left as the target holds them:\n"
                + outcome.skippedDrift.joined(separator: "\n"))
    }
    printLine("  \(outcome.verified.approvalStatus.line)")
    if let signatures = outcome.verified.signatureLine { printLine("  \(signatures)") }
    if let late = outcome.verified.lateNote { printWarning(late) }
    printLine(
        "  ledger head \(outcome.dryRun ? "would be" : "is now") \(outcome.head.isEmpty ? "(none)" : String(outcome.head.prefix(16)) + "…")"
    )
    switch outcome.tableCheck {
    case .notRun: break
    case .matches:
        printLine("  verify.sql: every table the bundle changed holds the rows and checksum its manifest lists")
    case let .differs(report):
        printWarning(
            "verify.sql: tables differ from the bundle's snapshot (rows edited on the target outside Airlock, or a trigger?):\n\(report)"
        )
    }
}

/// Per entity, the bundle's operation on each key a script left alone as drifted (read from
/// the bundle's change files): what `printOutcome` takes off a rollback's counts.
func skippedChanges(_ outcome: BundleApplier.Outcome, bundle: URL, verifier: BundleVerifier) throws -> [String: [Change
    .Operation: Int]]
{
    guard !outcome.skippedDrift.isEmpty else { return [:] }
    return try verifier.withUnpacked(bundle) { verified, folder in
        let contents = try BundleContents(folder: folder, manifest: verified.manifest, sampleSize: Int.max)
        var counts: [String: [Change.Operation: Int]] = [:]
        for entity in verified.manifest.entities {
            let marker = "airlock: \(entity.name)\(ScriptSwitches.skippedMarker)"
            let keys = Set(outcome.skippedDrift.filter { $0.hasPrefix(marker) }.map { $0.dropFirst(marker.count) })
            for change in contents.changes[entity.name] ?? [] {
                let key = entity.key.map { "\($0)=\(change.key[$0]?.description ?? "NULL")" }.joined(separator: ", ")
                if keys.contains(Substring(key)) { counts[entity.name, default: [:]][change.op, default: 0] += 1 }
            }
        }
        return counts
    }
}
