import AirlockBase

/// Failures of `approve` and `reject`.
package enum ReviewError: AirlockError, Equatable {
    case ownBundle(fingerprint: String)
    /// `cosign` with the key that made the bundle's first signature.
    case ownSignature(fingerprint: String)
    case invalidName(String)
    case unknownReviewer(fingerprint: String, namespace: String)

    package var exitStatus: ExitStatus { .usageOrConfig }

    package var description: String {
        switch self {
        case let .ownBundle(fingerprint):
            return "key \(fingerprint) signed this bundle; a producer cannot approve its own bundle"
        case let .ownSignature(fingerprint):
            return
                "key \(fingerprint) made this bundle's signature already; a second signature needs another producer key"
        case let .invalidName(name):
            return "'\(name)' cannot name a reviewer: use letters, digits, '.', '_', '@' and '-'"
        case let .unknownReviewer(fingerprint, namespace):
            let allow =
                namespace == SigningNamespace.approval
                ? "airlock allow NAME KEY.pub --reviewer" : "airlock allow NAME KEY.pub"
            return
                "key \(fingerprint) is not in allowed_signers for namespace \(namespace); pass --name or add it with `\(allow)`"
        }
    }
}
