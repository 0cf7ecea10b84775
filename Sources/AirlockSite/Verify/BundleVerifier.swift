import AirlockBase
import Crypto
import Foundation

/// Checks a bundle file the way an air-gapped site must before applying it: every member
/// listed in `SHA256SUMS` with a matching hash and nothing else present but signatures,
/// approvals and rejections; `SHA256SUMS` signed (SSHSIG, namespace `airlock-bundle`) by a key
/// that `allowed_signers` allows now and that is not revoked; then the site's policy: enough
/// approvals, no rejection, not expired, and the next bundle on the target's chain.
package struct BundleVerifier {
    package let allowedSigners: AllowedSigners
    package let revokedKeys: RevokedKeys

    package init(allowedSigners: AllowedSigners, revokedKeys: RevokedKeys = RevokedKeys()) {
        self.allowedSigners = allowedSigners
        self.revokedKeys = revokedKeys
    }

    /// What the site requires beyond integrity and the producer's signature.
    package struct Policy {
        /// What this site asks for beyond the approvals the bundle's manifest requires.
        package var approvals = SiteApprovals()
        /// The target's position; nil skips the order check.
        package var chain: AppliedChain?
        package var now = Date()
        /// False where a rejected bundle must still be read (`reject` itself, `discard`).
        package var refuseRejected = true
        package var refuseExpired = true
        /// Seconds past its expiry during which a bundle is still accepted (`SiteConfig.expiryGrace`).
        package var expiryGrace: Double = 0
        /// False where the bundle is being reviewed (`approve`, `reject`), so the approvals it
        /// still lacks are what is being added.
        package var refuseUnapproved = true

        package init(
            approvals: SiteApprovals = SiteApprovals(), expiryGrace: Double = 0, chain: AppliedChain? = nil,
            now: Date = Date()
        ) {
            self.approvals = approvals
            self.expiryGrace = expiryGrace
            self.chain = chain
            self.now = now
        }

        /// Integrity and the producer's signature only: for reading a bundle that was applied
        /// or rejected already (rollback, discard, `--last-applied`), whatever its age.
        package static var integrityOnly: Policy {
            var policy = Policy()
            policy.refuseRejected = false
            policy.refuseExpired = false
            policy.refuseUnapproved = false
            return policy
        }
    }

    package struct Verified {
        package var manifest: Manifest
        /// SHA-256 of `manifest.json`: the bundle's identity in chains and ledgers.
        package var digest: String
        package var signers: [String]
        package var producerKey: PublicSigningKey
        package var approvals: [Review.Approval]
        /// Valid signatures by producer keys other than `producerKey` (`signatures/NAME.sig`).
        package var cosignatures: [Review.Approval]
        package var rejections: [Review.Rejection]
        /// Approvals and rejections present but not counted, each with its reason.
        package var ignored: [String]
        package var members: [String]
        /// The bytes every signature and approval covers.
        var checksums: [UInt8]
        /// The members' mtime, kept when the archive is rewritten with a review.
        package var archiveTime: Int
        /// When each approval or rejection member was added (its mtime; not signed).
        package var reviewTimes: [String: Int]
        /// The approvals the bundle needs here: its manifest's, with what the site adds.
        package var requiredApprovals: ApprovalPolicy
        /// Set when the bundle had expired and was accepted within the site's grace: says so.
        package var lateNote: String?
    }

    /// Verifies the bundle in one pass over the archive. With `extractTo`, the members are also
    /// written there as they are hashed, so what a caller runs is exactly what was verified;
    /// the folder's content is only to be used when this returns.
    package func verify(_ url: URL, policy: Policy = Policy(), extractTo folder: URL? = nil) throws -> Verified {
        let members = try BundleArchive.read(
            url,
            keepContent: { name in
                [BundleLayout.checksums, BundleLayout.signature, BundleLayout.manifest].contains(name)
                    || Review.isReviewMember(name)
            }, extractTo: folder)
        guard let checksums = members[BundleLayout.checksums]?.content else {
            throw VerificationError.missingMember(name: BundleLayout.checksums)
        }
        guard let signatureText = members[BundleLayout.signature]?.content else {
            throw VerificationError.missingMember(name: BundleLayout.signature)
        }

        let listed = try Self.parseChecksums(checksums)
        for name in members.keys.sorted() where name != BundleLayout.checksums && name != BundleLayout.signature {
            if listed[name] == nil && Review.isReviewMember(name) { continue }
            guard let expected = listed[name] else { throw VerificationError.unlistedMember(name: name) }
            guard expected == members[name]!.sha256 else { throw VerificationError.checksumMismatch(name: name) }
        }
        for name in listed.keys.sorted() where members[name] == nil {
            throw VerificationError.missingMember(name: name)
        }

        let trust = SignatureCheck(allowedSigners: allowedSigners, revokedKeys: revokedKeys, now: policy.now)
        let signature: SSHSignature, signers: [String]
        do {
            (signature, signers) = try trust.check(
                signatureText, over: checksums, named: BundleLayout.checksums,
                namespace: SigningNamespace.bundle)
        } catch let refusal as SignatureCheck.Refusal {
            throw refusal.concernsKey
                ? VerificationError.signerNotAllowed(reason: refusal.description)
                : VerificationError.badSignature(reason: refusal.description)
        }

        guard let manifestBytes = members[BundleLayout.manifest]?.content else {
            throw VerificationError.missingMember(name: BundleLayout.manifest)
        }
        let manifest: Manifest
        do {
            manifest = try JSONDecoder().decode(Manifest.self, from: Data(manifestBytes))
        } catch {
            throw VerificationError.badManifest(reason: "\(error)")
        }
        guard manifest.format == Manifest.currentFormat else {
            throw VerificationError.badManifest(reason: "format '\(manifest.format)' is not \(Manifest.currentFormat)")
        }
        let digest = SHA256.hash(data: manifestBytes).hexString
        let review = Review(checksums: checksums, producerKey: signature.publicKey, trust: trust)
        let reviews = review.evaluate(members.compactMapValues(\.content))
        let bundlePolicy = manifest.approvals ?? ApprovalPolicy()
        if policy.approvals.isWeaker(than: bundlePolicy) {
            throw VerificationError.weakerPolicy(
                site: policy.approvals.required(by: ApprovalPolicy()), bundle: bundlePolicy, sequence: manifest.sequence
            )
        }
        var verified = Verified(
            manifest: manifest, digest: digest, signers: signers, producerKey: signature.publicKey,
            approvals: reviews.approvals, cosignatures: reviews.cosignatures, rejections: reviews.rejections,
            ignored: reviews.ignored,
            members: members.keys.sorted(), checksums: checksums,
            archiveTime: members[BundleLayout.manifest]!.mtime,
            reviewTimes: members.filter { Review.isReviewMember($0.key) }.mapValues(\.mtime),
            requiredApprovals: policy.approvals.required(by: bundlePolicy))
        if policy.refuseExpired { verified.lateNote = try checkExpiry(of: manifest, under: policy) }
        try enforce(policy, on: verified)
        return verified
    }

    /// Verifies `url` while unpacking it into a temporary folder, hands both to `body`, and
    /// removes the folder after.
    package func withUnpacked<T>(_ url: URL, policy: Policy = .integrityOnly, _ body: (Verified, URL) throws -> T)
        throws -> T
    {
        let work = try PrivateFolder(prefix: "airlock-bundle")
        let folder = work.url.appendingPathComponent("bundle")
        return try withExtendedLifetime(work) { try body(try verify(url, policy: policy, extractTo: folder), folder) }
    }

    private func enforce(_ policy: Policy, on verified: Verified) throws {
        if policy.refuseRejected, let rejection = verified.rejections.first {
            throw VerificationError.rejected(by: rejection.name, reason: rejection.reason)
        }
        if policy.refuseUnapproved {
            try verified.requiredApprovals.check(verified.approvals, ignored: verified.ignored)
            if verified.signatureCount < verified.requiredSignatures {
                throw VerificationError.signaturesMissing(
                    required: verified.requiredSignatures, signedBy: verified.signedBy, notCounted: verified.ignored)
            }
        }
        try policy.chain?.check(verified.manifest, digest: verified.digest)
    }

    /// Refuses a bundle past its expiry and the site's grace; returns a note when it is past
    /// the first but within the second.
    private func checkExpiry(of manifest: Manifest, under policy: Policy) throws -> String? {
        guard let expires = manifest.expires else { return nil }
        guard let date = Date(utcTimestamp: expires) else {
            throw VerificationError.badManifest(
                reason: "expires '\(expires)' is not a UTC time as bundles write it (2026-11-21T10:00:00Z)")
        }
        guard policy.now >= date else { return nil }
        let graceEnds = date.addingTimeInterval(policy.expiryGrace)
        guard policy.now < graceEnds else {
            throw VerificationError.expired(
                expires: expires, graceEnded: policy.expiryGrace > 0 ? graceEnds.utcTimestamp : nil)
        }
        return
            "expired at \(expires), accepted within the site's expiry grace of \(DurationText.text(policy.expiryGrace)) (until \(graceEnds.utcTimestamp))"
    }

    /// coreutils format: `<64 lower-case hex>  <name>` (or ` *<name>` in binary mode).
    static func parseChecksums(_ bytes: [UInt8]) throws -> [String: String] {
        var listed: [String: String] = [:]
        let text = String(decoding: bytes, as: UTF8.self)
        for (number, line) in text.split(separator: "\n").enumerated() {
            guard let match = line.wholeMatch(of: #/([0-9a-f]{64}) [ *](.+)/#), listed[String(match.output.2)] == nil
            else {
                throw VerificationError.malformedChecksums(line: number + 1)
            }
            listed[String(match.output.2)] = String(match.output.1)
        }
        return listed
    }
}
