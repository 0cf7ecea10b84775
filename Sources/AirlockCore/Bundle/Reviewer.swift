import Foundation

/// A reviewer adding an approval or a rejection to a bundle file. The bundle stays one file:
/// the archive is rewritten with the new member beside the untouched signed ones, and replaces
/// the old file only when complete.
public struct Reviewer {
    public let key: SigningKey
    public let name: String

    public init(key: SigningKey, name: String) throws {
        guard Review.isValidName(name) else { throw ReviewError.invalidName(name) }
        self.key = key
        self.name = name
    }

    /// Signs the bundle's `SHA256SUMS` as `approvals/NAME.sig`, after checking the bundle.
    @discardableResult
    public func approve(_ bundle: URL, verifier: BundleVerifier) throws -> BundleVerifier.Verified {
        let verified = try verifier.verify(bundle)
        guard verified.producerKey.raw != key.publicKey.raw else {
            throw ReviewError.ownBundle(fingerprint: key.publicKey.fingerprint)
        }
        let signature = try SSHSignature.sign(verified.checksums, namespace: Review.approvalNamespace, with: key)
        try amend(bundle, adding: [Review.approvalMember(name): Array(signature.armored.utf8)])
        return verified
    }

    /// Records why the bundle must not be applied, as `rejections/NAME.txt` and its signature.
    public func reject(_ bundle: URL, reason: String, verifier: BundleVerifier) throws {
        var policy = BundleVerifier.Policy()
        policy.refuseRejected = false
        let verified = try verifier.verify(bundle, policy: policy)
        let text = Array(Review.rejectionText(checksums: verified.checksums, reason: reason).utf8)
        let signature = try SSHSignature.sign(text, namespace: Review.rejectionNamespace, with: key)
        let members = Review.rejectionMembers(name)
        try amend(bundle, adding: [members.text: text, members.signature: Array(signature.armored.utf8)])
    }

    private func amend(_ bundle: URL, adding additions: [String: [UInt8]]) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("airlock-review-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let members = try BundleArchive.read(bundle, keepContent: { _ in false }, extractTo: folder)
        for (name, bytes) in additions {
            let url = folder.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(bytes).write(to: url)
        }
        let names = Set(members.keys).union(additions.keys)
        let mtime = members[BundleVerifier.manifestName]?.mtime ?? 0
        let replacement = bundle.deletingLastPathComponent().appendingPathComponent(".\(bundle.lastPathComponent).\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: replacement) }
        try BundleArchive.write(members: names.map { ($0, folder.appendingPathComponent($0)) }, to: replacement, mtime: mtime)
        guard rename(replacement.path, bundle.path) == 0 else {
            throw BundleError.archive("cannot replace \(bundle.path): \(String(cString: strerror(errno)))")
        }
    }
}
