import AirlockCore
import ArgumentParser
import Foundation

/// The key and name a reviewer signs with.
struct ReviewerOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Your private key: a file such as ~/.ssh/id_ed25519, or a key name under keys/.", valueName: "key"))
    var key: String

    @Option(help: ArgumentHelp("Your principal (default: the key's first principal for airlock-approval in allowed_signers).", valueName: "name"))
    var name: String?

    @OptionGroup var trust: TrustOptions

    func name(_ verifier: BundleVerifier) throws -> String {
        if let name { return name }
        let publicKey = try trust.keyStore.signingKey(key).publicKey
        guard let principal = verifier.allowedSigners.principal(of: publicKey, namespace: "airlock-approval") else {
            throw ReviewError.unknownReviewer(fingerprint: publicKey.fingerprint)
        }
        return principal
    }

    func reviewer(_ verifier: BundleVerifier) throws -> Reviewer {
        try Reviewer(key: try trust.keyStore.signingKey(key), name: try name(verifier))
    }
}
