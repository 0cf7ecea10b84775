import AirlockBase
import AirlockProducer
import ArgumentParser
import Foundation
import Logging

struct CatchUp: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "catchup",
        abstract: "Write one bundle that brings a target at an earlier bundle to the newest one.",
        discussion: """
            For a site that fell behind (its bundles expired, or were lost on the way): one \
            bundle, outbox/catchup-FROM-NEWEST.tar.gz, with the net changes of every bundle \
            after --from, the target's rows at --from as before-images, and --from's digest as \
            its parent. Applied (airlock apply, or psql/sqlite3 as any bundle), it leaves the \
            target's ledger at the newest bundle's digest, so the next regular bundle applies \
            on top; rolled back, it leaves the target at --from again. --from 0 makes the \
            bundle for an empty target: a new site starts with it. It needs approvals and \
            expires like any bundle. The workspace is only read.

            Examples:
              airlock catchup --from 4
              airlock catchup --from 0
              airlock catchup --from 3f0c9a…(the digest airlock target-status prints)
            """
    )

    @Option(
        help: ArgumentHelp(
            "The bundle the target is at: its sequence, 0 for an empty target, or its digest.",
            valueName: "sequence|digest"))
    var from: String

    @OptionGroup var workspace: WorkspaceOptions

    func run() throws {
        let producer = try Producer.forCommand(root: workspace.url, logger: Logger(label: "airlock.catchup"))
        Self.report(try producer.catchUp(from: from))
    }

    /// Prints the catch-up bundle written and what it changes.
    static func report(_ caughtUp: Producer.CaughtUp) {
        let manifest = caughtUp.manifest
        printLine(
            "wrote \(caughtUp.file.path): moves a target at bundle \(manifest.catchup!.from) to bundle \(manifest.sequence)"
        )
        for entity in manifest.entities {
            let c = entity.counts
            printLine("  \(entity.name): \(c.inserted) inserted, \(c.updated) updated, \(c.deleted) deleted")
        }
        if manifest.entities.isEmpty { printLine("  no rows differ: it moves only the target's ledger") }
    }
}
