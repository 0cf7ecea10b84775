import Foundation

/// The members of a trust update file (`trust-NNNNNN.tar.gz`, format `airlock-trust/1`): the
/// next `allowed_signers` and `revoked_keys` a site takes, what they are (`trust.json`), their
/// checksums, and the trustees' signatures over those, which anyone may add like approvals.
///
/// ```
/// trust.json  allowed_signers  revoked_keys  SHA256SUMS  signatures/NAME.sig
/// ```
package enum TrustUpdateLayout {
    package static let manifest = "trust.json"
    package static let allowedSigners = "allowed_signers"
    package static let revokedKeys = "revoked_keys"
    package static let checksums = "SHA256SUMS"

    /// The members `SHA256SUMS` lists.
    package static let signed = [manifest, allowedSigners, revokedKeys]

    /// `signatures/NAME.sig`: a trustee's SSHSIG over `SHA256SUMS`, namespace `airlock-trust`.
    package static func signature(by name: String) -> String { "signatures/\(name).sig" }

    /// The trustee's name of a signature member, or nil for any other path.
    package static func signer(of path: String) -> String? {
        path.wholeMatch(of: #/signatures/(.+)\.sig/#).map { String($0.output.1) }
    }

    /// The file name of version `version`: `trust-000002.tar.gz`.
    package static func fileName(version: Int) -> String { "trust-" + String(format: "%06d", version) + ".tar.gz" }
}
