import AirlockCore
import ArgumentParser
import Foundation

struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check a bundle's checksums, members and signature before it is applied.",
        discussion: """
            Refuses the bundle (exit 5) when a member is missing, unlisted, changed or unsafe,
            or when SHA256SUMS.sig is not a valid airlock-bundle signature by a key that
            allowed_signers allows today.

            Examples:
              airlock verify outbox/bundle-000001.tar.gz
              airlock verify bundle-000001.tar.gz --allowed-signers /etc/airlock/allowed_signers

            Without Airlock, after `tar xzf`:
              sha256sum -c SHA256SUMS
              ssh-keygen -Y verify -f allowed_signers -I producer -n airlock-bundle -s SHA256SUMS.sig < SHA256SUMS
            """
    )

    @Argument(help: "The bundle file (bundle-NNNNNN.tar.gz).")
    var bundle: String

    @Option(help: ArgumentHelp("The allowed signers file (default: keys/allowed_signers in the workspace).", valueName: "file"))
    var allowedSigners: String?

    @OptionGroup var options: WorkspaceOptions

    func run() throws {
        let signersPath = allowedSigners ?? options.url.appendingPathComponent("keys/allowed_signers").path
        let verifier = BundleVerifier(allowedSigners: try AllowedSigners(path: signersPath))
        let verified = try verifier.verify(URL(fileURLWithPath: bundle))
        let manifest = verified.manifest
        printLine("\(bundle): OK")
        printLine("  bundle \(manifest.sequence) (\(manifest.id)), created \(manifest.created)")
        printLine("  digest \(verified.digest); parent \(manifest.parent.isEmpty ? "(none)" : manifest.parent)")
        printLine("  signed by \(verified.signers.joined(separator: ", ")) (\(verified.fingerprint))")
        for entity in manifest.entities {
            let c = entity.counts
            printLine("  \(entity.name): \(c.inserted) inserted, \(c.updated) updated, \(c.deleted) deleted, \(c.unchanged) unchanged")
        }
    }
}
