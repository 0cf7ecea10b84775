import Crypto
import Foundation

/// Checks a bundle file the way an air-gapped site must before applying it: every member
/// listed in `SHA256SUMS` with a matching hash and nothing else present, and `SHA256SUMS`
/// signed (SSHSIG, namespace `airlock-bundle`) by a key that `allowed_signers` allows today.
public struct BundleVerifier {
    public static let checksumsName = "SHA256SUMS"
    public static let signatureName = "SHA256SUMS.sig"
    public static let manifestName = "manifest.json"

    public let allowedSigners: AllowedSigners

    public init(allowedSigners: AllowedSigners) {
        self.allowedSigners = allowedSigners
    }

    public struct Verified {
        public var manifest: Manifest
        /// SHA-256 of `manifest.json`: the bundle's identity in chains and ledgers.
        public var digest: String
        public var signers: [String]
        public var fingerprint: String
        public var members: [String]
    }

    public func verify(_ url: URL, now: Date = Date()) throws -> Verified {
        let small: Set = [Self.checksumsName, Self.signatureName, Self.manifestName]
        let members = try BundleArchive.read(url, keepContent: small)
        guard let checksums = members[Self.checksumsName]?.content else { throw VerificationError.missingMember(name: Self.checksumsName) }
        guard let signatureText = members[Self.signatureName]?.content else { throw VerificationError.missingMember(name: Self.signatureName) }

        let listed = try Self.parseChecksums(checksums)
        for (name, member) in members where name != Self.checksumsName && name != Self.signatureName {
            guard let expected = listed[name] else { throw VerificationError.unlistedMember(name: name) }
            guard expected == member.sha256 else { throw VerificationError.checksumMismatch(name: name) }
        }
        for name in listed.keys.sorted() where members[name] == nil {
            throw VerificationError.missingMember(name: name)
        }

        let signature: SSHSignature
        do {
            signature = try SSHSignature(armored: String(decoding: signatureText, as: UTF8.self))
        } catch {
            throw VerificationError.badSignature(reason: "not an SSH signature: \(error)")
        }
        guard signature.namespace == SSHSignature.bundleNamespace else {
            throw VerificationError.badSignature(reason: "made for namespace '\(signature.namespace)', not '\(SSHSignature.bundleNamespace)'")
        }
        guard signature.isValid(for: checksums) else {
            throw VerificationError.badSignature(reason: "the signature does not match SHA256SUMS")
        }
        let signers = allowedSigners.principals(for: signature, on: Self.dateStamp(now))
        guard !signers.isEmpty else { throw VerificationError.unknownSigner(fingerprint: signature.publicKey.fingerprint) }

        guard let manifestBytes = members[Self.manifestName]?.content else { throw VerificationError.missingMember(name: Self.manifestName) }
        let manifest: Manifest
        do {
            manifest = try JSONDecoder().decode(Manifest.self, from: Data(manifestBytes))
        } catch {
            throw VerificationError.badManifest(reason: "\(error)")
        }
        guard manifest.format == Manifest.currentFormat else {
            throw VerificationError.badManifest(reason: "format '\(manifest.format)' is not \(Manifest.currentFormat)")
        }
        return Verified(manifest: manifest, digest: SHA256.hash(data: manifestBytes).hexString, signers: signers,
                        fingerprint: signature.publicKey.fingerprint, members: members.keys.sorted())
    }

    /// coreutils format: `<64 lower-case hex>  <name>` (or ` *<name>` in binary mode).
    static func parseChecksums(_ bytes: [UInt8]) throws -> [String: String] {
        var listed: [String: String] = [:]
        let text = String(decoding: bytes, as: UTF8.self)
        for (number, line) in text.split(separator: "\n").enumerated() {
            guard let match = line.wholeMatch(of: #/([0-9a-f]{64}) [ *](.+)/#), listed[String(match.output.2)] == nil else {
                throw VerificationError.malformedChecksums(line: number + 1)
            }
            listed[String(match.output.2)] = String(match.output.1)
        }
        return listed
    }

    static func dateStamp(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd"
        return formatter.string(from: date)
    }
}
