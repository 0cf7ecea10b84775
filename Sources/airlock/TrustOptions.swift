import AirlockSite
import ArgumentParser
import Foundation

/// Where the trusted keys come from: the workspace's `keys/` unless named on the command line.
struct TrustOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "The allowed signers file (default: keys/allowed_signers in the workspace).", valueName: "file"))
    var allowedSigners: String?

    @Option(
        help: ArgumentHelp(
            "Public keys whose signatures are refused (default: keys/revoked_keys, if present).", valueName: "file"))
    var revokedKeys: String?

    @OptionGroup var workspace: WorkspaceOptions

    var keyStore: KeyStore {
        KeyStore(directory: workspace.url.appendingPathComponent("keys"), agent: ProcessEnvironment.current.agent)
    }

    func verifier() throws -> BundleVerifier {
        BundleVerifier(
            allowedSigners: try AllowedSigners(path: allowedSigners ?? keyStore.allowedSigners.path),
            revokedKeys: try RevokedKeys(path: revokedKeys ?? keyStore.revokedKeys.path))
    }
}
