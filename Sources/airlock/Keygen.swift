import AirlockSite
import ArgumentParser
import Foundation

struct Keygen: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Make an Ed25519 key pair in OpenSSH format under keys/.",
        discussion: """
            Writes keys/NAME (private, mode 0600, never commit it) and keys/NAME.pub, and \
            allows the key in keys/allowed_signers, the file both `airlock verify` and \
            `ssh-keygen -Y verify` read: to sign bundles, with --reviewer to approve and \
            reject them, or with --trustee to sign trust updates.

            Examples:
              airlock keygen producer
              airlock keygen alice --reviewer
              airlock keygen trustee-1 --trustee
            """
    )

    @Argument(help: "The key's name; the spec's producer.key names the key that signs bundles.")
    var name: String

    @OptionGroup var role: KeyRoleOptions

    @OptionGroup var options: WorkspaceOptions

    func run() throws {
        try Self.generate(name: name, role: role, in: options.url)
    }

    /// Makes and allows the key, and says so; `airlock init` makes the producer key this way.
    static func generate(name: String, role: KeyRoleOptions, in workspace: URL) throws {
        let store = KeyStore(directory: workspace.appendingPathComponent("keys"))
        let key = try store.generate(name: name, role: role.role)
        printLine(
            "wrote \(store.privateKeyPath(name).path) and its .pub; \(name) may now \(role.may) (\(key.fingerprint))")
    }
}
