import Foundation

/// Checks one SSHSIG signature the way `ssh-keygen -Y verify` does: well formed, made in the
/// expected namespace, valid over the message, by a key `allowed_signers` allows at `now`
/// and `revoked_keys` does not list. The bundle signature, approvals and rejections all pass
/// through here.
struct SignatureCheck {
    let allowedSigners: AllowedSigners
    let revokedKeys: RevokedKeys
    let now: Date

    /// Why a signature is refused; `concernsKey` when the signature itself is sound.
    struct Refusal: Error, CustomStringConvertible {
        let description: String
        let concernsKey: Bool
    }

    /// The signature and the principals it was made by.
    func check(
        _ armored: [UInt8], over message: [UInt8], named messageName: String,
        namespace: String
    ) throws -> (signature: SSHSignature, principals: [String]) {
        let signature: SSHSignature
        do {
            signature = try SSHSignature(armored: String(decoding: armored, as: UTF8.self))
        } catch {
            throw Refusal(description: "not an SSH signature: \(error)", concernsKey: false)
        }
        guard signature.namespace == namespace else {
            throw Refusal(
                description: "made for namespace '\(signature.namespace)', not '\(namespace)'", concernsKey: false)
        }
        guard signature.isValid(for: message) else {
            throw Refusal(description: "the signature does not match \(messageName)", concernsKey: false)
        }
        guard !revokedKeys.contains(signature.publicKey) else {
            throw Refusal(description: "key \(signature.publicKey.fingerprint) is revoked", concernsKey: true)
        }
        let principals = allowedSigners.principals(for: signature, at: now)
        guard !principals.isEmpty else {
            throw Refusal(description: allowedSigners.refusal(of: signature, at: now), concernsKey: true)
        }
        return (signature, principals)
    }
}
