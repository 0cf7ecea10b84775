import Crypto
import Foundation

/// An Ed25519 key pair in OpenSSH's own file formats, so reviewers can use keys they already
/// have and `ssh-keygen` can check what Airlock signs.
package struct SigningKey {
    let privateKey: Curve25519.Signing.PrivateKey
    package let comment: String

    package init(comment: String) {
        privateKey = Curve25519.Signing.PrivateKey()
        self.comment = comment
    }

    package var publicKey: PublicSigningKey {
        PublicSigningKey(raw: Array(privateKey.publicKey.rawRepresentation), comment: comment)
    }

    /// `openssh-key-v1`, unencrypted; written with mode 0600.
    package var openSSHPrivateKey: String {
        let seed = Array(privateKey.rawRepresentation)
        let pub = publicKey.raw
        var section = SSHWriter()
        let check = UInt32.random(in: .min ... .max)
        section.uint32(check)
        section.uint32(check)
        section.string("ssh-ed25519")
        section.string(pub)
        section.string(seed + pub)
        section.string(comment)
        var pad: UInt8 = 1
        while section.bytes.count % 8 != 0 {
            section.raw([pad])
            pad += 1
        }
        var file = SSHWriter()
        file.raw(Array("openssh-key-v1".utf8) + [0])
        file.string("none")
        file.string("none")
        file.string([UInt8]())
        file.uint32(1)
        file.string(publicKey.blob)
        file.string(section.bytes)
        return SSHArmor.wrap(file.bytes, label: "OPENSSH PRIVATE KEY")
    }

    /// Reads an OpenSSH private key file; encrypted keys are refused with a clear message.
    package static func load(path: String) throws -> SigningKey {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw KeyError.unreadable(path: path, reason: error.localizedDescription)
        }
        do {
            return try parse(text)
        } catch let error as KeyError {
            throw error
        } catch {
            throw KeyError.unreadable(path: path, reason: "not an OpenSSH ed25519 private key: \(error)")
        }
    }

    static func parse(_ text: String) throws -> SigningKey {
        var reader = SSHReader(try SSHArmor.unwrap(text, label: "OPENSSH PRIVATE KEY"))
        guard try reader.raw(15) == Array("openssh-key-v1".utf8) + [0] else {
            throw SSHFormatError(description: "bad magic")
        }
        let cipher = try reader.text()
        _ = try reader.text()
        _ = try reader.string()
        guard cipher == "none" else { throw KeyError.encrypted }
        guard try reader.uint32() == 1 else { throw SSHFormatError(description: "more than one key in the file") }
        _ = try reader.string()
        var section = SSHReader(try reader.string())
        guard try section.uint32() == section.uint32() else {
            throw SSHFormatError(description: "check numbers differ")
        }
        let type = try section.text()
        guard type == "ssh-ed25519" else { throw KeyError.unsupportedType(type) }
        _ = try section.string()
        let secret = try section.string()
        guard secret.count == 64 else { throw SSHFormatError(description: "an ed25519 secret is 64 bytes") }
        let comment = try section.text()
        return SigningKey(
            privateKey: try Curve25519.Signing.PrivateKey(rawRepresentation: secret.prefix(32)), comment: comment)
    }

    private init(privateKey: Curve25519.Signing.PrivateKey, comment: String) {
        self.privateKey = privateKey
        self.comment = comment
    }

    func sign(_ message: [UInt8]) throws -> [UInt8] {
        Array(try privateKey.signature(for: message))
    }
}

/// An Ed25519 package key as OpenSSH writes it: `ssh-ed25519 BASE64 COMMENT`.
package struct PublicSigningKey: Equatable {
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
