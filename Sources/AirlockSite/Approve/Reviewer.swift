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
        var policy = BundleVerifier.Policy()
        policy.refuseUnapproved = false
        return try amend(bundle, verifier: verifier, policy: policy) { verified in
            guard verified.producerKey.raw != key.publicKey.raw else {
                throw ReviewError.ownBundle(fingerprint: key.publicKey.fingerprint)
            }
            let signature = try SSHSignature.sign(verified.checksums, namespace: SigningNamespace.approval, with: key)
            return [BundleLayout.approval(by: name): Array(signature.armored.utf8)]
        }
    }

    /// Adds a second producer signature over the bundle's `SHA256SUMS` as
    /// `signatures/NAME.sig`, for a bundle whose manifest asks for more than one.
    @discardableResult
    package func cosign(_ bundle: URL, verifier: BundleVerifier) throws -> BundleVerifier.Verified {
        var policy = BundleVerifier.Policy()
        policy.refuseUnapproved = false
        return try amend(bundle, verifier: verifier, policy: policy) { verified in
            guard verified.producerKey.raw != key.publicKey.raw else {
                throw ReviewError.ownSignature(fingerprint: key.publicKey.fingerprint)
            }
            let signature = try SSHSignature.sign(verified.checksums, namespace: SigningNamespace.bundle, with: key)
            return [BundleLayout.cosignature(by: name): Array(signature.armored.utf8)]
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
