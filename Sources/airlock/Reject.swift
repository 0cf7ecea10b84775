import ArgumentParser
import Foundation

struct Reject: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Reject a bundle: record a signed reason in the bundle file.",
        discussion: """
            Adds rejections/NAME.txt and its signature (namespace airlock-rejection) to the \
            bundle file. verify and apply refuse a bundle that a trusted reviewer rejected; \
            the producer then runs `airlock discard` on it.

            Example:
              airlock reject bundle-000002.tar.gz --key ~/.ssh/id_ed25519 \\
                  --reason "prices doubled"
            """
    )

    @Argument(help: "The bundle file to reject.")
    var bundle: String

    @Option(help: ArgumentHelp("Why the bundle must not be applied.", valueName: "text"))
    var reason: String

    @OptionGroup var reviewer: ReviewerOptions

    func run() throws {
        let verifier = try reviewer.trust.verifier()
        let rejecter = try reviewer.reviewer(verifier)
        try rejecter.reject(URL(fileURLWithPath: bundle), reason: reason, verifier: verifier)
        printLine("rejected \(bundle) as \(rejecter.name): \(reason)")
    }
}
