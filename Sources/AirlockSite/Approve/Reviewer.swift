import AirlockBase
import Foundation

/// A reviewer adding an approval or a rejection to a bundle file, or a second producer its
/// signature. The bundle stays one file:
/// the archive is rewritten with the new member beside the untouched signed ones, and replaces
/// the old file only when complete.
package struct Reviewer {
    package let key: any Signer
    package let name: String

    package init(key: any Signer, name: String) throws {
        guard PrincipalName.isValid(name) else { throw ReviewError.invalidName(name) }
        self.key = key
        self.name = name
    }

    /// Signs the bundle's `SHA256SUMS` as `approvals/NAME.sig`, after checking the bundle.
    @discardableResult
    package func approve(_ bundle: URL, verifier: BundleVerifier) throws -> BundleVerifier.Verified {
        try signChecksums(
            of: bundle, verifier: verifier, namespace: SigningNamespace.approval,
            member: BundleLayout.approval(by: name), ownKey: .ownBundle(fingerprint: key.publicKey.fingerprint))
    }

    /// Adds a second producer signature over the bundle's `SHA256SUMS` as
    /// `signatures/NAME.sig`, for a bundle whose manifest asks for more than one.
    @discardableResult
    package func cosign(_ bundle: URL, verifier: BundleVerifier) throws -> BundleVerifier.Verified {
        try signChecksums(
            of: bundle, verifier: verifier, namespace: SigningNamespace.bundle,
            member: BundleLayout.cosignature(by: name), ownKey: .ownSignature(fingerprint: key.publicKey.fingerprint))
    }

    /// Signs the bundle's `SHA256SUMS` in `namespace` as `member`, after checking the bundle
    /// without the approvals and signatures it may still lack; `ownKey` when this key made the
    /// bundle's signature.
    private func signChecksums(
        of bundle: URL, verifier: BundleVerifier, namespace: String, member: String, ownKey: ReviewError
    ) throws -> BundleVerifier.Verified {
        var policy = BundleVerifier.Policy()
        policy.refuseUnapproved = false
        return try amend(bundle, verifier: verifier, policy: policy) { verified in
            guard verified.producerKey.raw != key.publicKey.raw else { throw ownKey }
            let signature = try SSHSignature.sign(verified.checksums, namespace: namespace, with: key)
            return [member: Array(signature.armored.utf8)]
        }
    }

    /// Records why the bundle must not be applied, as `rejections/NAME.txt` and its signature.
    package func reject(_ bundle: URL, reason: String, verifier: BundleVerifier) throws {
        var policy = BundleVerifier.Policy()
        policy.refuseRejected = false
        policy.refuseUnapproved = false
        try amend(bundle, verifier: verifier, policy: policy) { verified in
            let text = Array(Review.rejectionText(checksums: verified.checksums, reason: reason).utf8)
            let signature = try SSHSignature.sign(text, namespace: SigningNamespace.rejection, with: key)
            let members = BundleLayout.rejection(by: name)
            return [members.text: text, members.signature: Array(signature.armored.utf8)]
        }
    }

    /// Verifies and unpacks the bundle in one pass, adds the members `statement` makes, and
    /// packs it again with the original mtime; review members keep the time they were added.
    /// Holds the bundle's turn (`ArchiveAmendment`) throughout.
    @discardableResult
    private func amend(
        _ bundle: URL, verifier: BundleVerifier, policy: BundleVerifier.Policy,
        statement: (BundleVerifier.Verified) throws -> [String: [UInt8]]
    ) throws -> BundleVerifier.Verified {
        try ArchiveAmendment.taking(turnOn: bundle) {
            try verifier.withUnpacked(bundle, policy: policy) { verified, folder in
                try ArchiveAmendment.rewrite(
                    bundle, members: verified.members, in: folder, adding: try statement(verified),
                    mtime: verified.archiveTime, times: verified.reviewTimes)
                return verified
            }
        }
    }
}
