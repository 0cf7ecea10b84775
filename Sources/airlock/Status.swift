import AirlockBase
import AirlockProducer
import ArgumentParser
import Foundation

struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show what the last run did and what to do next, what waits, and what was held back.",
        discussion: """
            The last run that read files: the bundle it wrote, what blocked it (each blocking \
            check, how often, and where its files were set aside: inbox/blocked/), or that \
            nothing changed (or every record was held back); and a reviewer's rejection of the \
            newest bundle, with the airlock discard that takes it back.

            Held-back counts cover the files read since the last bundle and those in it: \
            records that could not be read, and records with a value that does not fit its \
            column.

            Examples:
              airlock status
              airlock status --unparsed   # every held-back record: file, line, reason
              airlock status --json
            """
    )

    @Flag(
        help:
            "List every record held back (unreadable, or by a check) of the files read since, and in, the last bundle."
    )
    var unparsed = false

    @Flag(help: "Print the status as JSON.")
    var json = false

    @OptionGroup var options: WorkspaceOptions

    func run() throws {
        let status = try WorkspaceStatus(workspace: try Workspace(root: options.url.path), listingUnparsed: unparsed)
        if json {
            return FileHandle.standardOutput.write(try CanonicalJSON.encode(status))
        }
        if let problem = status.problem { printLine("stopped: \(problem)") }
        if let run = status.lastRun {
            for line in Self.describe(run, lastBundle: status.lastBundle) { printLine(line) }
        }
        if let rejection = status.rejection {
            printLine(
                "rejected: \(rejection.bundle) by \(rejection.by): \(rejection.reason.isEmpty ? "(no reason given)" : rejection.reason); take it back with airlock discard outbox/\(rejection.bundle) (--requeue FILE keeps a source that was fine for the next bundle)"
            )
        }
        if !status.specChanges.isEmpty {
            printLine(
                "airlock.yml changes the tables; the next run bundles the change (see README: Changing the spec):")
            for change in status.specChanges { printLine("  \(change)") }
        }
        printLine("waiting in inbox/: \(Self.list(status.waiting))")
        if !status.undecodableNames.isEmpty {
            printLine("not read, names not UTF-8 (rename them): \(Self.list(status.undecodableNames))")
        }
        printLine("read, not yet bundled: \(Self.list(status.readNotBundled))")
        printLine(
            "last bundle: "
                + (status.lastBundle.map { "\($0.file) (bundle \($0.sequence), \($0.created))" } ?? "none yet"))
        for bundle in status.staged {
            printLine(
                "not yet in outbox/: \(bundle.file) (bundle \(bundle.sequence)) waits in .airlock/staging; moving it failed (see the run's error), the next run tries again"
            )
        }
        for entity in status.heldBack where entity.unreadable + entity.invalidValues > 0 {
            printLine(
                "held back in \(entity.entity): \(entity.unreadable) unreadable records, \(entity.invalidValues) records with invalid values"
            )
        }
        printLine("rejected (inbox/rejected/): \(Self.list(status.rejected))")
        for record in status.unparsed ?? [] {
            printLine("unreadable \(record.file): \(record.place): \(record.reason)")
        }
        for finding in status.quarantined ?? [] {
            printLine(
                "held back \(finding.entity): \(finding.place)\(finding.key.map { " (\($0))" } ?? ""): \(finding.reason)"
            )
        }
    }

    /// The last run's outcome and the next step, in a line or a few.
    static func describe(_ run: WorkspaceStatus.LastRun, lastBundle: WorkspaceStatus.Bundle?) -> [String] {
        let held =
            run.heldBack > 0
            ? "; \(run.heldBack) of \(run.records) records held back (airlock status --unparsed, .airlock/validation.json)"
            : ""
        switch run.outcome {
        case .bundled:
            let file = lastBundle.map { "outbox/\($0.file)" } ?? "its bundle"
            return [
                "last run (\(run.finishedAt)): wrote bundle \(run.bundle ?? 0)\(held); next: review it (airlock show \(file)), approve it, and carry it to the sites"
            ]
        case .blocked:
            var lines = ["last run (\(run.finishedAt)): blocked, no bundle was written and the baseline is unchanged:"]
            for check in run.blocking {
                lines.append("  \(check.entity): \(check.check), \(check.count) finding(s); the first: \(check.first)")
            }
            if run.setAside.isEmpty {
                lines.append(
                    "  fix the data or the spec (.airlock/validation.json lists every finding) and drop the files again"
                )
            } else {
                lines.append(
                    "  its files were set aside: \(run.setAside.joined(separator: ", ")); fix the data or the spec (.airlock/validation.json lists every finding), then drop them again: mv inbox/blocked/* inbox/"
                )
            }
            return lines
        case .unchanged:
            if run.records > 0 && run.heldBack >= run.records {
                return [
                    "last run (\(run.finishedAt)): every one of the \(run.records) records read was held back, so no bundle was written; see why with airlock status --unparsed and .airlock/validation.json, then fix the spec and read them again with airlock run --renormalize, or drop a fixed export"
                ]
            }
            return [
                "last run (\(run.finishedAt)): the \(run.records) records read change nothing, so no bundle was written\(held)"
            ]
        }
    }

    private static func list(_ names: [String]) -> String {
        names.isEmpty ? "none" : "\(names.count) (\(names.joined(separator: ", ")))"
    }
}
