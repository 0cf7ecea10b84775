import Foundation

/// Keys whose signatures are refused whatever `allowed_signers` says: one public key per line,
/// the plain-list form `ssh-keygen -Y verify -r FILE` also reads. A missing file revokes nothing.
package struct RevokedKeys {
    package private(set) var keys: [PublicSigningKey] = []

    package init() {}

    package init(path: String) throws {
        guard FileManager.default.fileExists(atPath: path) else { return }
        keys = try KeyFile.lines(path: path, holding: "the revoked keys", parse: PublicSigningKey.init(openSSHLine:))
    }

    package func contains(_ key: PublicSigningKey) -> Bool {
        keys.contains { $0.raw == key.raw }
    }
}
