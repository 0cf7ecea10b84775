import AirlockSite
import ArgumentParser

struct Revoke: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Refuse every signature and approval made with a key from now on.",
        discussion: """
            Appends the public key to keys/revoked_keys, which verify reads by default and \
            `ssh-keygen -Y verify -r keys/revoked_keys` reads too. Copy the file to every site.

            Examples:
              airlock revoke alice              # keys/alice.pub
              airlock revoke /tmp/leaked.pub
            """
    )

    @Argument(help: "A key name under keys/ or a public key file.")
    var key: String

    @OptionGroup var options: WorkspaceOptions

    func run() throws {
        let store = KeyStore(directory: options.url.appendingPathComponent("keys"))
        let publicKey = try store.publicKey(key)
        try store.revoke(publicKey)
        printLine("revoked \(publicKey.fingerprint) in \(store.revokedKeys.path)")
    }
}
