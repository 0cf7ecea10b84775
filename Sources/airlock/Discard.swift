import AirlockBase
import AirlockProducer
import ArgumentParser
import Foundation
import Logging

struct Discard: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Take back the latest bundle after it was rejected; the next run diffs from the last accepted state.",
        discussion: """
            Restores the workspace baseline to where it was before the bundle, moves its outbox \
            copy to outbox/discarded/, and sets its source files aside. The next bundle gets \
            the same sequence number and parent, so sites never see a gap. Name the source \
            files that were fine with --requeue to carry them into the next bundle.

            Example:
              airlock discard outbox/bundle-000002.tar.gz --requeue payments.csv
            """
    )

    @Argument(help: "The bundle file (the outbox copy or the one a reviewer sent back).")
    var bundle: String

    @Option(
        help: ArgumentHelp(
            "A source file of the bundle to include in the next bundle (repeatable).", valueName: "file name"))
    var requeue: [String] = []

    @OptionGroup var trust: TrustOptions

    func run() throws {
        let verified = try trust.verifier().verify(URL(fileURLWithPath: bundle), policy: .integrityOnly)
        for rejection in verified.rejections { printLine("rejected by \(rejection.name): \(rejection.reason)") }
        let producer = try Producer.forCommand(root: trust.workspace.url, logger: Logger(label: "airlock.discard"))
        let discarded = try producer.discard(digest: verified.digest, requeue: requeue)
        printLine(
            "discarded bundle \(discarded.sequence) (\(discarded.id)); the baseline is back at the previous bundle")
        if let moved = discarded.movedTo { printLine("  moved the outbox copy to \(moved.path)") }
        if !discarded.discardedFiles.isEmpty {
            printLine(
                "  set aside: \(discarded.discardedFiles.joined(separator: ", ")) (drop corrected files into inbox/)")
        }
        if !discarded.requeuedFiles.isEmpty {
            printLine("  requeued for the next bundle: \(discarded.requeuedFiles.joined(separator: ", "))")
        }
    }
}
