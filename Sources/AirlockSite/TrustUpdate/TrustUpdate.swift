import AirlockBase
import Crypto
import Foundation

/// A trust update: the next `allowed_signers` and `revoked_keys` for the sites, carried like a
/// bundle and signed by trustees, keys the sites already trust in namespace `airlock-trust`.
/// A site takes it (`apply`) only when at least its current threshold of distinct trustees it
/// trusts now signed it and its version is newer than the site's, so new producer keys,
/// revoked reviewers and new trustees reach a site through a chain it can check, and never go
/// back. `ssh-keygen -Y verify -n airlock-trust` checks each signature as well.
package enum TrustUpdate {
    /// Writes a trust update of `allowedSigners` and `revokedKeys` (file contents) as
    /// `version`, whose successor will need `threshold` trustees; signatures come after (`sign`).
    package static func make(
        version: Int, threshold: Int, allowedSigners: [UInt8], revokedKeys: [UInt8], created: Date, to file: URL
    ) throws {
        guard version >= 1, threshold >= 1 else {
            throw TrustUpdateError.invalid("the version and the threshold are whole numbers from 1 on")
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("airlock-trust-\(UUID().uuidString)")
        var writer = try BundleWriter(folder: folder)
        defer { writer.discard() }
        let manifest = TrustManifest(version: version, threshold: threshold, created: created.utcTimestamp)
        try writer.add(TrustUpdateLayout.manifest, data: try manifest.encoded())
        try writer.add(TrustUpdateLayout.allowedSigners, data: Data(allowedSigners))
        try writer.add(TrustUpdateLayout.revokedKeys, data: Data(revokedKeys))
        try writer.listChecksums(as: TrustUpdateLayout.checksums)
        try writer.archive(to: file, mtime: Int(created.timeIntervalSince1970))
    }

    /// Adds `name`'s signature (`signatures/NAME.sig`) to the update in `file`.
    package static func sign(_ file: URL, as name: String, with key: any Signer) throws {
        guard PrincipalName.isValid(name) else { throw TrustUpdateError.invalid("'\(name)' cannot name a trustee") }
        try ArchiveAmendment.taking(turnOn: file) {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
                "airlock-trust-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: folder) }
            let read = try Contents(file, extractTo: folder)
            let signature = try SSHSignature.sign(read.checksums, namespace: SigningNamespace.trust, with: key)
            try ArchiveAmendment.rewrite(
                file, members: read.members, in: folder,
                adding: [TrustUpdateLayout.signature(by: name): Array(signature.armored.utf8)], mtime: read.mtime,
                times: read.signatureTimes)
        }
    }

    /// What a site would take from `file`, checked against the site's current trust: its
    /// `allowed_signers` (with its `TrustState`) and `revoked_keys`.
    package static func verify(_ file: URL, allowedSigners: URL, revokedKeys: URL, now: Date = Date()) throws
        -> Verified
    {
        let read = try Contents(file, extractTo: nil)
        let state = try TrustState(allowedSigners: allowedSigners.path)
        guard read.manifest.version > state.version else {
            throw TrustUpdateError.replayed(version: read.manifest.version, held: state.version)
        }
        let trust = SignatureCheck(
            allowedSigners: try AllowedSigners(path: allowedSigners.path),
            revokedKeys: try RevokedKeys(path: revokedKeys.path),
            now: now)
        var signers: [(name: String, fingerprint: String)] = [], ignored: [String] = []
        for (name, armored) in read.signatures.sorted(by: { $0.key < $1.key }) {
            do {
                let (signature, principals) = try trust.check(
                    armored, over: read.checksums, named: TrustUpdateLayout.checksums, namespace: SigningNamespace.trust
                )
                guard principals.contains(name) else {
                    throw TrustUpdateError.invalid("signed by \(principals.joined(separator: ",")), not by \(name)")
                }
                guard !signers.contains(where: { $0.fingerprint == signature.publicKey.fingerprint }) else {
                    throw TrustUpdateError.invalid("the same key as another signature; a key counts once")
                }
                signers.append((name, signature.publicKey.fingerprint))
            } catch {
                ignored.append("\(TrustUpdateLayout.signature(by: name)): \(error)")
            }
        }
        guard signers.count >= state.threshold else {
            throw TrustUpdateError.notEnoughTrustees(
                needed: state.threshold, signedBy: signers.map(\.name), notCounted: ignored)
        }
        // What the site will trust must itself read, or the next update could never be checked.
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("airlock-trust-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        for (member, bytes) in [
            (TrustUpdateLayout.allowedSigners, read.allowedSigners), (TrustUpdateLayout.revokedKeys, read.revokedKeys)
        ] {
            try Data(bytes).write(to: folder.appendingPathComponent(member))
        }
        _ = try AllowedSigners(path: folder.appendingPathComponent(TrustUpdateLayout.allowedSigners).path)
        _ = try RevokedKeys(path: folder.appendingPathComponent(TrustUpdateLayout.revokedKeys).path)
        return Verified(
            manifest: read.manifest, signers: signers.map(\.name), ignored: ignored,
            allowedSigners: read.allowedSigners, revokedKeys: read.revokedKeys)
    }

    /// Verifies `file` against the site's files and replaces them with what it carries:
    /// `revoked_keys` first, then `allowed_signers` with the new `TrustState` at its top, each by
    /// an atomic rename, so a crash in between leaves the older version recorded and the update
    /// can be applied again.
    @discardableResult
    package static func apply(_ file: URL, allowedSigners: URL, revokedKeys: URL, now: Date = Date()) throws -> Verified
    {
        let verified = try verify(file, allowedSigners: allowedSigners, revokedKeys: revokedKeys, now: now)
        try replace(revokedKeys, with: verified.revokedKeys)
        let header = TrustState(version: verified.manifest.version, threshold: verified.manifest.threshold).header
        let body = String(decoding: verified.allowedSigners, as: UTF8.self)
            .split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.hasPrefix("# airlock-trust ") }.joined(separator: "\n")
        try replace(allowedSigners, with: Array((header + body).utf8))
        return verified
    }

    private static func replace(_ file: URL, with bytes: [UInt8]) throws {
        let temporary = file.deletingLastPathComponent().appendingPathComponent(
            ".\(file.lastPathComponent).\(UUID().uuidString)")
        try Data(bytes).write(to: temporary)
        guard rename(temporary.path, file.path) == 0 else {
            try? FileManager.default.removeItem(at: temporary)
            throw TrustUpdateError.invalid("cannot replace \(file.path): \(String(cString: strerror(errno)))")
        }
    }

    /// A trust update a site would take.
    package struct Verified {
        package var manifest: TrustManifest
        /// The trustees whose signatures counted.
        package var signers: [String]
        /// Signatures present but not counted, each with its reason.
        package var ignored: [String]
        package var allowedSigners: [UInt8]
        package var revokedKeys: [UInt8]
    }
}
