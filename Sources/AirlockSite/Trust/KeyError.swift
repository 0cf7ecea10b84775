import AirlockBase

/// Problems with key files.
package enum KeyError: AirlockError, Equatable {
    case unreadable(path: String, reason: String)
    case encrypted
    case unsupportedType(String)
    case exists(path: String)
    /// No private key of that name in `keys/`.
    case missing(name: String, path: String)
    /// The key signs only through ssh-agent (its file is passphrase-protected, or only its
    /// public half is here), and no agent was given.
    case needsAgent(path: String, fingerprint: String)
    /// The agent does not hold the key.
    case notInAgent(path: String, fingerprint: String, socket: String)

    package var exitStatus: ExitStatus { .usageOrConfig }

    package var description: String {
        switch self {
        case let .unreadable(path, reason): return "\(path): \(reason)"
        case .encrypted:
            return
                "the private key is encrypted with a passphrase; add it to ssh-agent (ssh-add KEY) so Airlock signs through the agent"
        case let .unsupportedType(type): return "key type '\(type)' is not supported; use ssh-ed25519"
        case let .exists(path): return "\(path) already exists; refusing to overwrite a key"
        case let .missing(name, path):
            return
                "no signing key '\(name)' at \(path); make one with: airlock keygen \(name), or give --key the path of a key you have"
        case let .needsAgent(path, fingerprint):
            return
                "\(path): key \(fingerprint) signs only through ssh-agent (a passphrase protects it, or only its public key is here); start ssh-agent, add the key with ssh-add and set SSH_AUTH_SOCK"
        case let .notInAgent(path, fingerprint, socket):
            return
                "\(path): key \(fingerprint) is not among the keys ssh-agent at \(socket) holds; add it with: ssh-add \(path.hasSuffix(".pub") ? String(path.dropLast(4)) : path)"
        }
    }
}
