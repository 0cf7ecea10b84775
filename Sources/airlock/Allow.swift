import AirlockSite
import ArgumentParser

struct Allow: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Trust an existing OpenSSH ed25519 public key, such as a reviewer's own.",
        discussion: """
            Appends a line to keys/allowed_signers. Times are YYYYMMDD[HHMM[SS]][Z], as in \
            ssh-keygen; without Z they are local time. For key rotation, allow the new key with \
            --valid-after, then add --valid-before to the old key's line or revoke it.

            Examples:
              airlock allow alice alice.pub --reviewer
              airlock allow producer-2027 producer-2027.pub --valid-after 20270101
            """
    )

    @Argument(help: "The principal the key signs as.")
    var name: String

    @Argument(help: "The public key file (ssh-ed25519 BASE64 comment).")
    var publicKey: String

    @OptionGroup var role: KeyRoleOptions

    @Option(help: ArgumentHelp("The key is valid from this time.", valueName: "time"))
    var validAfter: String?

    @Option(help: ArgumentHelp("The key is valid until this time.", valueName: "time"))
    var validBefore: String?

    @OptionGroup var options: WorkspaceOptions

    func run() throws {
        let store = KeyStore(directory: options.url.appendingPathComponent("keys"))
        let key = try store.publicKey(publicKey)
        try store.allow(
            name: name, key: key, role: role.role, validAfter: validAfter,
            validBefore: validBefore)
        printLine("allowed \(key.fingerprint) as \(name) in \(store.allowedSigners.path)")
    }
}
