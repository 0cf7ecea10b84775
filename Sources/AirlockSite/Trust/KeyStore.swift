import Foundation

/// The `keys/` folder: `NAME` (private, mode 0600), `NAME.pub`, `allowed_signers` and
/// `revoked_keys`, which both `airlock verify` and `ssh-keygen -Y verify` read.
package struct KeyStore {
    package let directory: URL
    /// Where keys Airlock cannot read itself sign: passphrase-protected or hardware-backed
    /// keys, held by ssh-agent (`SSH_AUTH_SOCK`); nil without an agent.
    package var agent: SSHAgent?

    package init(directory: URL, agent: SSHAgent? = nil) {
        self.directory = directory
        self.agent = agent
    }

    package var allowedSigners: URL { directory.appendingPathComponent("allowed_signers") }
    package var revokedKeys: URL { directory.appendingPathComponent("revoked_keys") }

    /// What a key may sign: bundles (producer), approvals and rejections (reviewer), or the
    /// trust updates that change a site's signers (trustee).
    package enum Role: Sendable {
        case producer, reviewer, trustee

        var namespaces: [String] {
            switch self {
            case .producer: return [SigningNamespace.bundle]
            case .reviewer: return [SigningNamespace.approval, SigningNamespace.rejection]
            case .trustee: return [SigningNamespace.trust]
            }
        }
    }

    package func privateKeyPath(_ name: String) -> URL { directory.appendingPathComponent(name) }

    /// Makes a new key pair and allows it to sign as principal `name` in its role.
    @discardableResult
    package func generate(name: String, role: Role = .producer) throws -> PublicSigningKey {
        try Self.checkName(name)
        let privatePath = privateKeyPath(name)
        let publicPath = directory.appendingPathComponent(name + ".pub")
        for path in [privatePath, publicPath] where FileManager.default.fileExists(atPath: path.path) {
            throw KeyError.exists(path: path.path)
        }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let key = SigningKey(comment: name)
        guard
            FileManager.default.createFile(
                atPath: privatePath.path, contents: Data(key.openSSHPrivateKey.utf8),
                attributes: [.posixPermissions: 0o600])
        else {
            throw KeyError.unreadable(path: privatePath.path, reason: "cannot write the private key")
        }
        try (key.publicKey.openSSHLine + "\n").write(to: publicPath, atomically: true, encoding: .utf8)
        try allow(name: name, key: key.publicKey, role: role)
        return key.publicKey
    }

    /// Adds an `allowed_signers` line for an existing public key, such as a reviewer's own
    /// `~/.ssh/id_ed25519.pub`; `validAfter`/`validBefore` are `YYYYMMDD[HHMM[SS]][Z]`.
    package func allow(
        name: String, key: PublicSigningKey, role: Role, validAfter: String? = nil, validBefore: String? = nil
    ) throws {
        try Self.checkName(name)
        var options = ["namespaces=\"\(role.namespaces.joined(separator: ","))\""]
        for (option, value) in [("valid-after", validAfter), ("valid-before", validBefore)] {
            guard let value else { continue }
            _ = try AllowedSigners.validityTime(value)
            options.append("\(option)=\"\(value)\"")
        }
        try append("\(name) \(options.joined(separator: ",")) \(key.openSSHLine)\n", to: allowedSigners)
    }

    /// Adds a public key to `revoked_keys`; its signatures are refused from then on.
    package func revoke(_ key: PublicSigningKey) throws {
        try append(key.openSSHLine + "\n", to: revokedKeys)
    }

    /// The public key of `nameOrPath`: a `.pub` file, or the name of a key under this folder.
    package func publicKey(_ nameOrPath: String) throws -> PublicSigningKey {
        let path =
            FileManager.default.fileExists(atPath: nameOrPath)
            ? nameOrPath : directory.appendingPathComponent(nameOrPath + ".pub").path
        let keys = try KeyFile.lines(path: path, holding: "the package key", parse: PublicSigningKey.init(openSSHLine:))
        guard keys.count == 1 else {
            throw KeyError.unreadable(
                path: path, reason: "expected one 'ssh-ed25519 BASE64 [comment]' line, found \(keys.count)")
        }
        return keys[0]
    }

    private func append(_ line: String, to file: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        if let handle = FileHandle(forWritingAtPath: file.path) {
            defer { try? handle.close() }
            try handle.seekToEnd()
            try handle.write(contentsOf: Data(line.utf8))
        } else {
            try line.write(to: file, atomically: true, encoding: .utf8)
        }
    }

    private static func checkName(_ name: String) throws {
        guard PrincipalName.isValid(name) else {
            throw KeyError.unreadable(
                path: name, reason: "a key name may hold only letters, digits, '.', '_', '@' and '-'")
        }
    }

    /// The key `nameOrPath` signs with: a key file (such as `~/.ssh/id_ed25519`, or its
    /// `.pub`), or a name here (`keys/NAME`, or only `keys/NAME.pub`). A file Airlock can read
    /// signs itself; a passphrase-protected one, or a public key alone, signs through the
    /// agent, which must hold that key.
    package func signingKey(_ nameOrPath: String) throws -> any Signer {
        let path: String
        if nameOrPath.contains("/") || !PrincipalName.isValid(nameOrPath) {
            path = nameOrPath
        } else if FileManager.default.fileExists(atPath: privateKeyPath(nameOrPath).path) {
            path = privateKeyPath(nameOrPath).path
        } else if FileManager.default.fileExists(atPath: privateKeyPath(nameOrPath).path + ".pub") {
            path = privateKeyPath(nameOrPath).path + ".pub"
        } else {
            throw KeyError.missing(name: nameOrPath, path: privateKeyPath(nameOrPath).path)
        }
        if path.hasSuffix(".pub") { return try agentKey(try publicKey(path), for: path) }
        do {
            return try SigningKey.load(path: path)
        } catch KeyError.encrypted {
            return try agentKey(try SigningKey.publicKey(ofKeyFile: path), for: path)
        }
    }

    /// The agent's copy of `key`, which Airlock cannot read from `path` itself.
    private func agentKey(_ key: PublicSigningKey, for path: String) throws -> AgentKey {
        guard let agent else { throw KeyError.needsAgent(path: path, fingerprint: key.fingerprint) }
        guard let held = try agent.keys().first(where: { $0.raw == key.raw }) else {
            throw KeyError.notInAgent(path: path, fingerprint: key.fingerprint, socket: agent.socketPath)
        }
        return AgentKey(agent: agent, publicKey: held)
    }
}
