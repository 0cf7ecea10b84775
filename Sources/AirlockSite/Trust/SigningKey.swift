import AirlockBase
import Crypto
import Foundation

/// An Ed25519 key pair in OpenSSH's own file formats, so reviewers can use keys they already
/// have and `ssh-keygen` can check what Airlock signs.
package struct SigningKey: Signer {
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

    /// The text of the key file at `path`, or why it cannot be read, in words.
    private static func keyFileText(_ path: String) throws -> String {
        do {
            return try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw KeyError.unreadable(path: path, reason: FileErrorText.reason(error))
        }
    }

    /// Reads an OpenSSH private key file; encrypted keys are refused with a clear message.
    package static func load(path: String) throws -> SigningKey {
        let text = try keyFileText(path)
        do {
            return try parse(text)
        } catch let error as KeyError {
            throw error
        } catch {
            throw KeyError.unreadable(path: path, reason: "not an OpenSSH ed25519 private key: \(error)")
        }
    }

    /// The public key a private key file names in the clear, even when its secret is
    /// protected by a passphrase: what to ask ssh-agent for.
    package static func publicKey(ofKeyFile path: String) throws -> PublicSigningKey {
        let text = try keyFileText(path)
        do {
            var reader = SSHReader(try SSHArmor.unwrap(text, label: "OPENSSH PRIVATE KEY"))
            guard try reader.raw(15) == Array("openssh-key-v1".utf8) + [0] else {
                throw SSHFormatError(description: "bad magic")
            }
            for _ in 0..<3 { _ = try reader.string() }
            guard try reader.uint32() == 1 else { throw SSHFormatError(description: "more than one key in the file") }
            return try PublicSigningKey(blob: try reader.string())
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

    package func sign(_ message: [UInt8]) throws -> [UInt8] {
        Array(try privateKey.signature(for: message))
    }
}
