import AirlockBase
import AirlockSite
import ArgumentParser
import Foundation

/// The key and name a reviewer signs with.
struct ReviewerOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Your key: a file such as ~/.ssh/id_ed25519 (a passphrase-protected one, or a .pub, signs through ssh-agent), or a key name under keys/.",
            valueName: "key"))
    var key: String

    @Option(
        help: ArgumentHelp(
            "Your principal (default: the key's first principal in allowed_signers for what you sign).",
            valueName: "name"))
    var name: String?

    @OptionGroup var trust: TrustOptions

    /// The reviewer this key signs as, named by --name or by its principal in allowed_signers
    /// for `namespace` (approvals and rejections, or a second producer signature).
    func reviewer(_ verifier: BundleVerifier, namespace: String = SigningNamespace.approval) throws -> Reviewer {
        let signingKey = try trust.keyStore.signingKey(key)
        if let name { return try Reviewer(key: signingKey, name: name) }
        guard let principal = verifier.allowedSigners.principal(of: signingKey.publicKey, namespace: namespace) else {
            throw ReviewError.unknownReviewer(fingerprint: signingKey.publicKey.fingerprint, namespace: namespace)
        }
        return try Reviewer(key: signingKey, name: principal)
    }
}
