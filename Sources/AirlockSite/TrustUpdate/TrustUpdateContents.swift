import AirlockBase
import Foundation

extension TrustUpdate {
    /// The members of a trust update file, read defensively (as bundles are) and checked
    /// against its `SHA256SUMS`: every signed member listed and matching, nothing else but
    /// signatures.
    struct Contents {
        var manifest: TrustManifest
        var allowedSigners: [UInt8]
        var revokedKeys: [UInt8]
        /// The bytes every signature covers.
        var checksums: [UInt8]
        /// Each trustee's signature, by name.
        var signatures: [String: [UInt8]]
        var members: [String]
        var mtime: Int
        var signatureTimes: [String: Int]

        init(_ file: URL, extractTo folder: URL?) throws {
            let members = try BundleArchive.read(file, keepContent: { _ in true }, extractTo: folder)
            func content(_ name: String) throws -> [UInt8] {
                guard let bytes = members[name]?.content else { throw VerificationError.missingMember(name: name) }
                return bytes
            }
            checksums = try content(TrustUpdateLayout.checksums)
            let listed = try BundleVerifier.parseChecksums(checksums)
            guard Set(listed.keys) == Set(TrustUpdateLayout.signed) else {
                throw TrustUpdateError.invalid(
                    "\(TrustUpdateLayout.checksums) must list exactly \(TrustUpdateLayout.signed.joined(separator: ", "))"
                )
            }
            for (name, member) in members where name != TrustUpdateLayout.checksums {
                if let sum = listed[name] {
                    guard sum == member.sha256 else { throw VerificationError.checksumMismatch(name: name) }
                } else if TrustUpdateLayout.signer(of: name) == nil {
                    throw VerificationError.unlistedMember(name: name)
                }
            }
            do {
                manifest = try JSONDecoder().decode(
                    TrustManifest.self, from: Data(try content(TrustUpdateLayout.manifest)))
            } catch let error as VerificationError {
                throw error
            } catch {
                throw TrustUpdateError.invalid("\(TrustUpdateLayout.manifest): \(error)")
            }
            guard manifest.format == TrustManifest.currentFormat else {
                throw TrustUpdateError.invalid("format '\(manifest.format)' is not \(TrustManifest.currentFormat)")
            }
            allowedSigners = try content(TrustUpdateLayout.allowedSigners)
            revokedKeys = try content(TrustUpdateLayout.revokedKeys)
            var signatures: [String: [UInt8]] = [:], times: [String: Int] = [:]
            for (name, member) in members {
                guard let signer = TrustUpdateLayout.signer(of: name) else { continue }
                guard PrincipalName.isValid(signer) else { throw VerificationError.unlistedMember(name: name) }
                signatures[signer] = member.content
                times[name] = member.mtime
            }
            self.signatures = signatures
            signatureTimes = times
            self.members = members.keys.sorted()
            mtime = members[TrustUpdateLayout.manifest]?.mtime ?? 0
        }
    }
}
