import AirlockSite
import ArgumentParser

/// What a key made or allowed here may sign: bundles by default.
struct KeyRoleOptions: ParsableArguments {
    @Flag(help: "Allow the key to approve and reject bundles instead of signing them.")
    var reviewer = false

    @Flag(help: "Allow the key to sign trust updates (new allowed_signers and revoked_keys for the sites).")
    var trustee = false

    func validate() throws {
        guard !(reviewer && trustee) else { throw ValidationError("give --reviewer or --trustee, not both") }
    }

    var role: KeyStore.Role { reviewer ? .reviewer : trustee ? .trustee : .producer }

    /// What the role may do, for messages: `sign bundles`.
    var may: String { reviewer ? "approve and reject bundles" : trustee ? "sign trust updates" : "sign bundles" }
}
