import AirlockCore
import ArgumentParser

struct Keygen: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Make an Ed25519 key pair in OpenSSH format under keys/.",
        discussion: """
            Writes keys/NAME (private, mode 0600, never commit it) and keys/NAME.pub, and
            allows the key to sign bundles by appending it to keys/allowed_signers, the file
            both `airlock verify` and `ssh-keygen -Y verify` read.

            Example:
              airlock keygen producer
            """
    )

    @Argument(help: "The key's name; the spec's producer.key names the key that signs bundles.")
    var name: String

    @OptionGroup var options: WorkspaceOptions

    func run() throws {
        let store = KeyStore(directory: options.url.appendingPathComponent("keys"))
        let key = try store.generate(name: name)
        printLine("wrote \(store.privateKeyPath(name).path) and its .pub; \(name) may now sign bundles (\(key.fingerprint))")
    }
}
