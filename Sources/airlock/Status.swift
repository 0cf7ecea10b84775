import AirlockBase
import AirlockProducer
import ArgumentParser
import Foundation

struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show what waits in the inbox, the last bundle, and what was held back or rejected.",
        discussion: """
            Held-back counts cover the files read since the last bundle and those in it: \
            records that could not be read, and records with a value that does not fit its \
            column.

            Examples:
              airlock status
              airlock status --unparsed          # every unreadable record, with file, line and reason
              airlock status --json
            """
    )

    @Flag(help: "List every unreadable record of the files read since, and in, the last bundle.")
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
        for entity in status.heldBack {
            printLine(
                "held back in \(entity.entity): \(entity.unreadable) unreadable records, \(entity.invalidValues) records with invalid values"
            )
        }
        printLine("rejected (inbox/rejected/): \(Self.list(status.rejected))")
        for record in status.unparsed ?? [] {
            printLine("unreadable \(record.file): \(record.place): \(record.reason)")
        }
    }

    private static func list(_ names: [String]) -> String {
        names.isEmpty ? "none" : "\(names.count) (\(names.joined(separator: ", ")))"
    }
}
