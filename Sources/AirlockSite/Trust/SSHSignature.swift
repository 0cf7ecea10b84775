import Crypto
import Foundation

/// An OpenSSH signature (SSHSIG, `PROTOCOL.sshsig`) over a file, Ed25519 with SHA-512, so
/// `ssh-keygen -Y verify` accepts what Airlock signs and Airlock accepts what it signs.
package struct SSHSignature: Equatable {
    package let publicKey: PublicSigningKey
    package let namespace: String
    let signature: [UInt8]

    private static let magic = Array("SSHSIG".utf8)

    /// Signs `message` (the file's bytes) in `namespace`.
    package static func sign(_ message: [UInt8], namespace: String, with key: any Signer) throws -> SSHSignature {
        let signature = try key.sign(signedData(message, namespace: namespace))
        return SSHSignature(publicKey: key.publicKey, namespace: namespace, signature: signature)
    }

    /// The armored form written to `*.sig` files.
    package var armored: String {
        var blob = SSHWriter()
        blob.raw(Self.magic)
        blob.uint32(1)
        blob.string(publicKey.blob)
        blob.string(namespace)
        blob.string([UInt8]())
        blob.string("sha512")
        var inner = SSHWriter()
        inner.string("ssh-ed25519")
        inner.string(signature)
        blob.string(inner.bytes)
        return SSHArmor.wrap(blob.bytes, label: "SSH SIGNATURE")
    }

    package init(armored text: String) throws {
        var reader = SSHReader(try SSHArmor.unwrap(text, label: "SSH SIGNATURE"))
        guard try reader.raw(6) == Self.magic else { throw SSHFormatError(description: "not an SSHSIG signature") }
        guard try reader.uint32() == 1 else { throw SSHFormatError(description: "unsupported SSHSIG version") }
        let key = try PublicSigningKey(blob: try reader.string())
        let namespace = try reader.text()
        _ = try reader.string()
        let hash = try reader.text()
        guard hash == "sha512" else {
            throw SSHFormatError(description: "hash algorithm '\(hash)' is not supported; expected sha512")
        }
        var inner = SSHReader(try reader.string())
        let type = try inner.text()
        guard type == "ssh-ed25519" else { throw KeyError.unsupportedType(type) }
        let signature = try inner.string()
        guard signature.count == 64, inner.isAtEnd, reader.isAtEnd else {
            throw SSHFormatError(description: "malformed ed25519 signature")
        }
        self.init(publicKey: key, namespace: namespace, signature: signature)
    }

    private init(publicKey: PublicSigningKey, namespace: String, signature: [UInt8]) {
        self.publicKey = publicKey
        self.namespace = namespace
        self.signature = signature
    }

    /// True when the signature is this key's over `message` in this signature's namespace.
    func isValid(for message: [UInt8]) -> Bool {
        publicKey.isValidSignature(signature, for: Self.signedData(message, namespace: namespace))
    }

    private static func signedData(_ message: [UInt8], namespace: String) -> [UInt8] {
        var data = SSHWriter()
        data.raw(magic)
        data.string(namespace)
        data.string([UInt8]())
        data.string("sha512")
        data.string(Array(SHA512.hash(data: message)))
        return data.bytes
    }
}
