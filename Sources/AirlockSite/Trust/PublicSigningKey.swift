import Crypto
import Foundation

/// An Ed25519 public key as OpenSSH writes it: `ssh-ed25519 BASE64 COMMENT`.
package struct PublicSigningKey: Equatable, Sendable {
    package let raw: [UInt8]
    package var comment: String

    /// `string "ssh-ed25519"` + `string key`, the form signatures and files carry.
    var blob: [UInt8] {
        var writer = SSHWriter()
        writer.string("ssh-ed25519")
        writer.string(raw)
        return writer.bytes
    }

    package var openSSHLine: String {
        "ssh-ed25519 \(Data(blob).base64EncodedString())" + (comment.isEmpty ? "" : " \(comment)")
    }

    /// SHA256 fingerprint as `ssh-keygen -l` prints it.
    package var fingerprint: String {
        "SHA256:" + Data(SHA256.hash(data: blob)).base64EncodedString().replacingOccurrences(of: "=", with: "")
    }

    init(raw: [UInt8], comment: String) {
        self.raw = raw
        self.comment = comment
    }

    init(blob: [UInt8]) throws {
        var reader = SSHReader(blob)
        let type = try reader.text()
        guard type == "ssh-ed25519" else { throw KeyError.unsupportedType(type) }
        let key = try reader.string()
        guard key.count == 32, reader.isAtEnd else {
            throw SSHFormatError(description: "an ed25519 package key is 32 bytes")
        }
        self.init(raw: key, comment: "")
    }

    /// Reads `ssh-ed25519 BASE64 [comment]`, the form of `*.pub` files.
    package init(openSSHLine line: String) throws {
        let fields = line.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true)
        guard fields.count >= 2 else { throw SSHFormatError(description: "expected 'ssh-ed25519 BASE64 [comment]'") }
        guard fields[0] == "ssh-ed25519" else { throw KeyError.unsupportedType(String(fields[0])) }
        guard let blob = Data(base64Encoded: String(fields[1])) else {
            throw SSHFormatError(description: "the key is not valid base64")
        }
        try self.init(blob: [UInt8](blob))
        comment = fields.count > 2 ? fields[2].trimmingCharacters(in: .whitespacesAndNewlines) : ""
    }

    func isValidSignature(_ signature: [UInt8], for message: [UInt8]) -> Bool {
        guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: raw) else { return false }
        return key.isValidSignature(signature, for: message)
    }
}
