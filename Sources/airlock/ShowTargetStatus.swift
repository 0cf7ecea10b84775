import AirlockBase
import AirlockSite
import ArgumentParser
import Foundation

struct ShowTargetStatus: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "target-status",
        abstract: "Where a target stands: its ledger head, its chain, and the tables Airlock left there.",
        discussion: """
            Reads the target's airlock_ledger: the bundle it is at (sequence, id, digest, how and \
            when it was applied), whether every row follows from the one before (chain intact), \
            and lists the tables Airlock's scripts left beside the site's: TABLE__backup_SEQ (the \
            table before a cutover), TABLE__staging_SEQ (a cutover's rows kept by its rollback) \
            and TABLE__removed_SEQ (rows an upsert deleted, for its rollback), each with the \
            statement that drops it and whether a rollback the target can still run needs it. \
            Changes nothing.

            Example:
              airlock target-status --target postgres:'dbname=shop'
            """
    )

    @Option(
        help: ArgumentHelp(
            "The database: sqlite:PATH, postgres:CONNINFO, a postgres:// URI, or a target the site config names.",
            valueName: "target"))
    var target: String

    @OptionGroup var site: SiteOptions

    @OptionGroup var workspace: WorkspaceOptions

    func run() throws {
        let target = try site.load().target(target)
        let status = try target.status()
        printLine("target \(target)")
        if let last = status.ledger.last,
            let head = status.ledger.last(where: { $0.headDigest == last.headDigest && $0.kind != .rollback })
        {
            printLine(
                "  at bundle \(BundleIdentity.pad(head.sequence)) (\(head.bundleID)), digest \(head.headDigest), applied as \(head.kind.rawValue)\(head.headDigest == head.digest ? "" : " of a catch-up bundle") at \(head.appliedAt)"
            )
            if last.kind == .rollback {
                printLine("  last run: rollback of bundle \(BundleIdentity.pad(last.sequence)) at \(last.appliedAt)")
            }
        } else {
            printLine(
                status.ledger.isEmpty
                    ? "  no bundle applied yet (no ledger)" : "  at no bundle: every bundle was rolled back")
        }
        printLine(
            "  ledger: \(status.ledger.count) row(s); chain \(status.chainBreak.map { "BROKEN: \($0)" } ?? "intact")")
        if status.leftovers.isEmpty {
            printLine("  no staging, backup or removed-rows tables left")
        } else {
            printLine("  tables Airlock left:")
            for leftover in status.leftovers {
                printLine(
                    "    \(leftover.table): \(leftover.purpose)\(leftover.needed ? "; needed to roll back" : "; not needed by any rollback the target can run")"
                )
                printLine("      \(leftover.dropStatement(target.dialect))")
            }
        }
    }
}
