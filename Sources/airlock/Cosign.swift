import AirlockBase
import AirlockSite
import ArgumentParser
import Foundation

struct Cosign: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Add a second producer signature to a bundle whose spec asks for two.",
        discussion: """
            For bundles made under producer.signatures: 2 (or more): verifies the bundle, then \
            adds signatures/NAME.sig, your SSHSIG over its SHA256SUMS in the producer's \
            namespace (airlock-bundle), to the same file; no signed member changes. NAME is \
            your key's principal for airlock-bundle in allowed_signers (or --name). The key \
            that made the bundle's own signature cannot add the second. Sites refuse the \
            bundle until it carries as many signatures as its manifest names.

            Examples:
              airlock cosign outbox/bundle-000002.tar.gz --key ~/.ssh/id_ed25519
              airlock cosign bundle-000002.tar.gz --key producer-2   # keys/producer-2

            Without Airlock, after `tar xzf`:
              ssh-keygen -Y verify -f allowed_signers -I NAME -n airlock-bundle \\
                  -s signatures/NAME.sig < SHA256SUMS
            """
    )

    @Argument(help: "The bundle file to sign.")
    var bundle: String

    @OptionGroup var reviewer: ReviewerOptions

    func run() throws {
        let verifier = try reviewer.trust.verifier()
        let signer = try reviewer.reviewer(verifier, namespace: SigningNamespace.bundle)
        let verified = try signer.cosign(URL(fileURLWithPath: bundle), verifier: verifier)
        printLine(
            "signed bundle \(verified.manifest.sequence) (\(verified.manifest.id)) as \(signer.name); \(bundle) now holds signatures/\(signer.name).sig"
        )
    }
}
