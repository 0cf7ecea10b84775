import Foundation

/// The `keys/` folder: `NAME` (private, mode 0600), `NAME.pub`, and `allowed_signers`, which
/// both `airlock verify` and `ssh-keygen -Y verify` read.
public struct KeyStore {
    public let directory: URL

    public init(directory: URL) {
        self.directory = directory
    }

    public var allowedSigners: URL { directory.appendingPathComponent("allowed_signers") }

    public func privateKeyPath(_ name: String) -> URL { directory.appendingPathComponent(name) }

    /// Makes a new key pair and allows it to sign bundles as principal `name`.
    @discardableResult
    public func generate(name: String) throws -> PublicSigningKey {
        guard name.wholeMatch(of: #/[A-Za-z0-9_.-]+/#) != nil, !name.hasPrefix(".") else {
            throw KeyError.unreadable(path: name, reason: "a key name may hold only letters, digits, '.', '_' and '-'")
        }
        let privatePath = privateKeyPath(name)
        let publicPath = directory.appendingPathComponent(name + ".pub")
        for path in [privatePath, publicPath] where FileManager.default.fileExists(atPath: path.path) {
            throw KeyError.exists(path: path.path)
        }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let key = SigningKey(comment: name)
        guard FileManager.default.createFile(atPath: privatePath.path, contents: Data(key.openSSHPrivateKey.utf8),
                                             attributes: [.posixPermissions: 0o600]) else {
            throw KeyError.unreadable(path: privatePath.path, reason: "cannot write the private key")
        }
        try (key.publicKey.openSSHLine + "\n").write(to: publicPath, atomically: true, encoding: .utf8)
        let line = "\(name) namespaces=\"\(SSHSignature.bundleNamespace)\" \(key.publicKey.openSSHLine)\n"
        if let handle = FileHandle(forWritingAtPath: allowedSigners.path) {
            defer { try? handle.close() }
            try handle.seekToEnd()
            try handle.write(contentsOf: Data(line.utf8))
        } else {
            try line.write(to: allowedSigners, atomically: true, encoding: .utf8)
        }
        return key.publicKey
    }

    public func signingKey(_ name: String) throws -> SigningKey {
        let path = privateKeyPath(name)
        guard FileManager.default.fileExists(atPath: path.path) else {
            throw WorkspaceError.missingKey(name: name, path: path.path)
        }
        return try SigningKey.load(path: path.path)
    }
}
