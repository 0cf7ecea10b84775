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
            "Your principal (default: the key's first principal for airlock-approval in allowed_signers).",
            valueName: "name"))
    var name: String?

    @OptionGroup var trust: TrustOptions

    /// The reviewer this key signs as, named by --name or by allowed_signers.
    func reviewer(_ verifier: BundleVerifier) throws -> Reviewer {
        let signingKey = try trust.keyStore.signingKey(key)
        if let name { return try Reviewer(key: signingKey, name: name) }
        guard
            let principal = verifier.allowedSigners.principal(
                of: signingKey.publicKey, namespace: SigningNamespace.approval)
        else {
            throw ReviewError.unknownReviewer(fingerprint: signingKey.publicKey.fingerprint)
        }
        return try Reviewer(key: signingKey, name: principal)
    }
}
