import AirlockBase
import AirlockProducer
import AirlockSite
import ArgumentParser
import Foundation

struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check a bundle's members, signatures, approvals, age and place in the chain.",
        discussion: """
            Refuses the bundle (exit 5) when a member is missing, unlisted, changed or unsafe; \
            when SHA256SUMS.sig is not a valid airlock-bundle signature by a key that \
            allowed_signers allows now and revoked_keys does not list; when a reviewer rejected \
            it; when it has expired; when it has fewer approvals than required; and, given the \
            target or the last applied bundle, when it is a replay, skips a sequence or forks.

            The approval policy comes from --require-approvals/--require-role, or else from the \
            workspace's airlock.yml (approvals:), or else none is required.

            Examples:
              airlock verify outbox/bundle-000001.tar.gz
              airlock verify bundle-000002.tar.gz \\
                  --allowed-signers /etc/airlock/allowed_signers \\
                  --require-approvals 2 --require-role dba \\
                  --target postgres:'dbname=shop'
              airlock verify bundle-000002.tar.gz --last-applied bundle-000001.tar.gz
              airlock verify bundle-000002.tar.gz --site /etc/airlock/site.yml \\
                  --target live

            Without Airlock, after `tar xzf`:
              sha256sum -c SHA256SUMS
              ssh-keygen -Y verify -f allowed_signers -I producer -n airlock-bundle \\
                  -s SHA256SUMS.sig < SHA256SUMS
              ssh-keygen -Y verify -f allowed_signers -I alice -n airlock-approval \\
                  -s approvals/alice.sig < SHA256SUMS
            """
    )

    @Argument(help: "The bundle file (bundle-NNNNNN.tar.gz).")
    var bundle: String

    @OptionGroup var approvals: ApprovalOptions

    @Option(
        help: ArgumentHelp(
            "Check the order against this target's ledger: sqlite:PATH, postgres:CONNINFO, or a target the site config names.",
            valueName: "target"))
    var target: String?

    @Option(
        help: ArgumentHelp(
            "Check the order against the last applied bundle, given as its file or its digest.",
            valueName: "bundle|digest"))
    var lastApplied: String?

    @OptionGroup var trust: TrustOptions

    func validate() throws {
        guard target == nil || lastApplied == nil else {
            throw ValidationError("give --target or --last-applied, not both")
        }
    }

    func run() throws {
        let site = try trust.site.load()
        let verifier = try trust.verifier(under: site)
        let policy = BundleVerifier.Policy(
            approvals: try approvals.policy(under: site), expiryGrace: site.expiryGrace,
            chain: try chain(verifier, site: site))
        let verified = try verifier.verify(URL(fileURLWithPath: bundle), policy: policy)
        let manifest = verified.manifest
        printLine("\(bundle): OK")
        printLine(
            "  bundle \(manifest.sequence) (\(manifest.id)), created \(manifest.created), expires \(manifest.expires ?? "never")"
        )
        printLine("  digest \(verified.digest); parent \(manifest.parent.isEmpty ? "(none)" : manifest.parent)")
        printLine("  signed by \(verified.signers.joined(separator: ", ")) (\(verified.producerKey.fingerprint))")
        for cosignature in verified.cosignatures {
            printLine("  also signed by \(cosignature.name) (\(cosignature.fingerprint))")
        }
        for approval in verified.approvals {
            printLine("  approved by \(approval.name) (\(approval.fingerprint))")
        }
        printLine("  \(verified.approvalStatus.line)")
        if let signatures = verified.signatureLine { printLine("  \(signatures)") }
        if let late = verified.lateNote { printLine("  \(late)") }
        for note in verified.ignored { printError("warning: not counted: \(note)") }
        for entity in manifest.entities {
            let c = entity.counts
            printLine(
                "  \(entity.name): \(c.inserted) inserted, \(c.updated) updated, \(c.deleted) deleted, \(c.unchanged) unchanged"
            )
        }
    }

    private func chain(_ verifier: BundleVerifier, site: SiteConfig) throws -> AppliedChain? {
        if let target { return try site.target(target).appliedChain() }
        guard let lastApplied else { return nil }
        if lastApplied.wholeMatch(of: #/[0-9a-f]{64}/#) != nil {
            return AppliedChain(head: lastApplied, headSequence: nil, links: [])
        }
        let last = try verifier.verify(URL(fileURLWithPath: lastApplied), policy: .integrityOnly)
        let link = AppliedChain.Link(
            id: last.manifest.id, sequence: last.manifest.sequence, digest: last.digest, parent: last.manifest.parent)
        return AppliedChain(head: last.digest, headSequence: last.manifest.sequence, links: [link])
    }
}
