import AirlockSite
import ArgumentParser
import Foundation

/// Where the trusted keys come from: the command line, else the site config, else the
/// workspace's `keys/`.
struct TrustOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "The allowed signers file (default: the site config's, else keys/allowed_signers in the workspace).",
            valueName: "file"))
    var allowedSigners: String?

    @Option(
        help: ArgumentHelp(
            "Public keys whose signatures are refused (default: the site config's, else keys/revoked_keys, if present).",
            valueName: "file"))
    var revokedKeys: String?

    @OptionGroup var site: SiteOptions

    @OptionGroup var workspace: WorkspaceOptions

    var keyStore: KeyStore {
        KeyStore(directory: workspace.url.appendingPathComponent("keys"), agent: ProcessEnvironment.current.agent)
    }

    /// The trust files in force under `config`, by the precedence above.
    func files(under config: SiteConfig) -> (allowedSigners: URL, revokedKeys: URL) {
        (
            allowedSigners.map(URL.init(fileURLWithPath:)) ?? config.allowedSigners ?? keyStore.allowedSigners,
            revokedKeys.map(URL.init(fileURLWithPath:)) ?? config.revokedKeys ?? keyStore.revokedKeys
        )
    }

    func verifier(under config: SiteConfig) throws -> BundleVerifier {
        let files = files(under: config)
        return BundleVerifier(
            allowedSigners: try AllowedSigners(path: files.allowedSigners.path),
            revokedKeys: try RevokedKeys(path: files.revokedKeys.path))
    }

    /// The verifier under the site config `--site` names, or the default one.
    func verifier() throws -> BundleVerifier { try verifier(under: try site.load()) }
}
