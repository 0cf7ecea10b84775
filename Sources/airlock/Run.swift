import AirlockBase
import AirlockProducer
import AirlockSpec
import ArgumentParser
import Foundation
import Logging

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Ingest new inbox files and write a signed bundle of the changes to outbox/.",
        discussion: """
            Reads every file in inbox/ whose content was not ingested before, normalizes it \
            by airlock.yml, diffs the result against the last bundle's state and, when \
            something changed, writes outbox/bundle-NNNNNN.tar.gz signed with the producer key. \
            A bad record is held back and reported (file, line, field), the rest of its file \
            proceeds; a file that cannot be read at all moves to inbox/rejected/ with \
            NAME.error.txt beside it, and the other files proceed. Files a process still has \
            open for writing are left for the next run.

            Without --once it watches the inbox like `airlock watch`.

            --full then also writes the full bundle, outbox/catchup-000000-NEWEST.tar.gz, as \
            `airlock catchup --from 0` does: every entity's rows at the newest bundle, for an \
            empty target. A new site starts with it; the next regular bundle applies on top.

            After airlock.yml changed an entity (a `format:`, a value map, a check, a \
            column), the next run reads the stored records behind its current rows again and \
            bundles what that changes, with the change to its table if any; records held back \
            before are tried again. --renormalize does so for every entity, whatever changed \
            (implies --once). A snapshot source's newest files are read again, a delta \
            source's every file in the order they arrived.

            Examples:
              airlock run --once
              airlock run --renormalize
              airlock run --full
              airlock run --once --workspace /srv/airlock
            """
    )

    @Flag(help: "Process the inbox once and exit.")
    var once = false

    @Flag(
        help: "Process the inbox once, then write the full bundle for an empty target (as catchup --from 0).")
    var full = false

    @Flag(help: "Read the records behind every entity's current rows again under airlock.yml, then bundle the changes.")
    var renormalize = false

    @OptionGroup var watchSettings: WatchSettings
    @OptionGroup var options: WorkspaceOptions

    func run() throws {
        guard once || full || renormalize else { return try watchSettings.watch(workspace: options.url) }
        var producer = try Producer.forCommand(root: options.url, logger: Logger(label: "airlock.run"))
        producer.progress = TerminalProgress.handler
        let status = Self.report(try producer.runOnce(renormalize: renormalize))
        // Nothing new still leaves the newest bundle to make a full one of.
        if full, status == .success || status == .nothingToDo {
            return CatchUp.report(try producer.catchUp(from: "0"))
        }
        if status != .success { throw ExitCode(status.rawValue) }
    }

    /// Prints what the run did and returns the exit status it deserves.
    @discardableResult
    static func report(_ report: RunReport) -> ExitStatus {
        for file in report.ingested {
            printLine("ingested \(file.name): \(file.records) records → \(file.entity)")
            for failure in file.firstUnparsed {
                printError("held back \(file.name): \(failure.place): \(failure.reason)")
            }
            if file.unparsed > file.firstUnparsed.count {
                let more = file.unparsed - file.firstUnparsed.count
                printError("held back \(file.name): \(more) more unreadable records (airlock status --unparsed)")
            }
        }
        for name in report.alreadySeen { printLine("skipped \(name): already ingested") }
        for name in report.undecodableNames {
            printLine("skipped \(name): the file name is not UTF-8; rename the file and it is read")
        }
        for name in report.stillBeingWritten {
            printLine("skipped \(name): still being written; the next run takes it")
        }
        for error in report.rejected { printError("rejected \(error)") }
        let verbs: [Severity: String] = [.quarantine: "quarantined", .warn: "warning", .block: "blocking"]
        for finding in report.findings {
            printError("\(verbs[finding.severity]!) \(finding.entity): \(finding.description)")
        }
        switch report.outcome {
        case .noNewFiles:
            printLine("no new files in the inbox; no bundle written")
            return report.rejected.isEmpty ? .nothingToDo : .validationBlocked
        case .noChanges:
            printLine("no changes against the last bundle; no bundle written")
            return report.rejected.isEmpty ? .nothingToDo : .validationBlocked
        case let .blocked(findings):
            printLine(
                "validation blocked the bundle (\(findings.count) blocking finding(s) above); nothing was bundled and the baseline is unchanged"
            )
            return .validationBlocked
        case let .bundle(file, manifest, digest):
            printLine("wrote \(file.path) (bundle \(manifest.sequence), digest \(digest.prefix(16))…)")
            for entity in manifest.entities {
                let c = entity.counts
                // Shown where there are any: a record lost to its key's dedupe winner, an
                // unreadable one, a tombstone; otherwise the counts would not add up to those read.
                let more = [("superseded", c.superseded), ("unreadable", c.failed), ("tombstones", c.tombstones)]
                    .compactMap { name, count in count.flatMap { $0 > 0 ? ", \($0) \(name)" : nil } }.joined()
                printLine(
                    "  \(entity.name): \(c.inserted) inserted, \(c.updated) updated, \(c.deleted) deleted, \(c.unchanged) unchanged, \(c.quarantined) quarantined\(more)"
                )
            }
            // The scripts change the targets' tables before the rows: a reviewer should know.
            for change in manifest.schemaChanges ?? [] { printLine("  schema change \(change.line)") }
            return report.rejected.isEmpty ? .success : .validationBlocked
        }
    }
}
