/// The SSHSIG namespaces Airlock signs in (`ssh-keygen -Y sign -n NAMESPACE`), so a signature
/// made for one purpose never counts for another; `allowed_signers` grants them per key.
package enum SigningNamespace {
    /// The producer's signature over a bundle's `SHA256SUMS`.
    package static let bundle = "airlock-bundle"
    /// A reviewer's approval of a bundle's `SHA256SUMS`.
    package static let approval = "airlock-approval"
    /// A reviewer's signed rejection text.
    package static let rejection = "airlock-rejection"
    /// A trustee's signature over a trust update's `SHA256SUMS`: the next `allowed_signers`
    /// and `revoked_keys` a site takes.
    package static let trust = "airlock-trust"
}
