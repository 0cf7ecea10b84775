import AirlockBase

/// Problems with key files.
package enum KeyError: AirlockError, Equatable {
    case unreadable(path: String, reason: String)
    case encrypted
    case unsupportedType(String)
    case exists(path: String)
    /// No private key of that name in `keys/`.
    case missing(name: String, path: String)

    package var exitStatus: ExitStatus { .usageOrConfig }

    package var description: String {
        switch self {
        case let .unreadable(path, reason): return "\(path): \(reason)"
        case .encrypted:
            return
                "the private key is encrypted with a passphrase; Airlock needs an unencrypted key (ssh-keygen -p -N '' -f KEY removes the passphrase)"
        case let .unsupportedType(type): return "key type '\(type)' is not supported; use ssh-ed25519"
        case let .exists(path): return "\(path) already exists; refusing to overwrite a key"
        case let .missing(name, path):
            return "no signing key '\(name)' at \(path); make one with: airlock keygen \(name)"
        }
    }
}
