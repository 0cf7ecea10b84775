import AirlockSite
import ArgumentParser
import Foundation

/// `airlock trust make | sign | apply`: moving trust to the sites in signed updates.
struct TrustCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trust",
        abstract: "Carry new allowed_signers and revoked_keys to the sites in a signed trust update.",
        discussion: """
            A trust update (trust-NNNNNN.tar.gz) holds the next allowed_signers and revoked_keys, \
            a version and the number of trustees the update after it needs. Trustees (keys \
            allowed in namespace airlock-trust: airlock keygen NAME --trustee) sign it; a site \
            takes it when at least its current threshold of distinct trustees it trusts signed it \
            and its version is newer than the one the site holds, so trust moves through a chain \
            the site can check and never goes back. A site's allowed_signers records its version \
            in its first line; a file without it is version 0, threshold 1.

            Examples:
              airlock trust make 1 --threshold 2 --out trust-000001.tar.gz
              airlock trust sign trust-000001.tar.gz --key trustee-1
              airlock trust apply trust-000001.tar.gz \\
                  --allowed-signers /etc/airlock/allowed_signers \\
                  --revoked-keys /etc/airlock/revoked_keys

            Without Airlock, after tar xzf:
              ssh-keygen -Y verify -f allowed_signers -I trustee-1 \\
                  -n airlock-trust -s signatures/trustee-1.sig < SHA256SUMS
            """,
        subcommands: [Make.self, Sign.self, Apply.self]
    )

    struct Make: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a trust update of the workspace's (or the named) allowed_signers and revoked_keys.")

        @Argument(help: "Its version: higher than the one the sites hold.")
        var version: Int

        @Option(help: ArgumentHelp("Distinct trustees the update after this one needs.", valueName: "k"))
        var threshold = 1

        @Option(help: ArgumentHelp("Where to write it (default: outbox/trust-NNNNNN.tar.gz).", valueName: "file"))
        var out: String?

        @OptionGroup var trust: TrustOptions

        func run() throws {
            let (signers, revoked) = trust.files(under: try trust.site.load())
            let file =
                out.map { URL(fileURLWithPath: $0) }
                ?? trust.workspace.url.appendingPathComponent("outbox").appendingPathComponent(
                    TrustUpdateLayout.fileName(version: version))
            try FileManager.default.createDirectory(
                at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            let revokedBytes =
                FileManager.default.fileExists(atPath: revoked.path) ? Array(try Data(contentsOf: revoked)) : []
            try TrustUpdate.make(
                version: version, threshold: threshold, allowedSigners: Array(try Data(contentsOf: signers)),
                revokedKeys: revokedBytes, created: Date(), to: file)
            printLine(
                "wrote \(file.path): trust version \(version) (the next update needs \(threshold) trustee(s)); trustees sign it with: airlock trust sign \(file.lastPathComponent) --key NAME"
            )
        }
    }

    struct Sign: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add your trustee signature to a trust update.")

        @Argument(help: "The trust update file.")
        var update: String

        @Option(
            help: ArgumentHelp(
                "Your key: a file, or a key name under keys/ (through ssh-agent when needed).", valueName: "key"))
        var key: String

        @Option(
            help: ArgumentHelp(
                "Your principal (default: the key's first principal for airlock-trust in allowed_signers).",
                valueName: "name"))
        var name: String?

        @OptionGroup var trust: TrustOptions

        func run() throws {
            let signer = try trust.keyStore.signingKey(key)
            let signers = try AllowedSigners(path: trust.files(under: try trust.site.load()).allowedSigners.path)
            guard let principal = name ?? signers.principal(of: signer.publicKey, namespace: SigningNamespace.trust)
            else {
                throw TrustUpdateError.invalid(
                    "key \(signer.publicKey.fingerprint) is not allowed in namespace airlock-trust; pass --name or allow it with: airlock allow NAME KEY.pub --trustee"
                )
            }
            try TrustUpdate.sign(URL(fileURLWithPath: update), as: principal, with: signer)
            printLine("signed \(update) as \(principal)")
        }
    }

    struct Apply: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Check a trust update against this site's trust and take it: its allowed_signers and revoked_keys replace the site's."
        )

        @Argument(help: "The trust update file.")
        var update: String

        @OptionGroup var trust: TrustOptions

        func run() throws {
            let (signers, revoked) = trust.files(under: try trust.site.load())
            let verified = try TrustUpdate.apply(
                URL(fileURLWithPath: update), allowedSigners: signers, revokedKeys: revoked)
            for note in verified.ignored { printWarning("not counted: \(note)") }
            printLine(
                "took trust version \(verified.manifest.version), signed by \(verified.signers.joined(separator: ", ")): \(signers.path) and \(revoked.path) replaced; the next update needs \(verified.manifest.threshold) trustee(s)"
            )
        }
    }
}
