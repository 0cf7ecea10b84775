import AirlockBase
import ArgumentParser
import Foundation

struct Approve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Approve a bundle: add your signature over its SHA256SUMS to the bundle file.",
        discussion: """
            Verifies the bundle first, then adds approvals/NAME.sig (namespace airlock-approval) \
            to the same file; no signed member changes. NAME is your principal in \
            allowed_signers (or --name). The key that signed the bundle cannot approve it.

            Examples:
              airlock approve outbox/bundle-000002.tar.gz --key ~/.ssh/id_ed25519
              airlock approve bundle-000002.tar.gz --key alice --name alice   # keys/alice
            """
    )

    @Argument(help: "The bundle file to approve.")
    var bundle: String

    @OptionGroup var reviewer: ReviewerOptions

    func run() throws {
        let verifier = try reviewer.trust.verifier()
        let approver = try reviewer.reviewer(verifier)
        let verified = try approver.approve(URL(fileURLWithPath: bundle), verifier: verifier)
        printLine(
            "approved bundle \(verified.manifest.sequence) (\(verified.manifest.id)) as \(approver.name); \(bundle) now holds approvals/\(approver.name).sig"
        )
    }
}
