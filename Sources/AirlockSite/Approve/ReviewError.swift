import AirlockBase

/// Failures of `approve` and `reject`.
package enum ReviewError: AirlockError, Equatable {
    case ownBundle(fingerprint: String)
    case invalidName(String)
    case unknownReviewer(fingerprint: String)

    package var exitStatus: ExitStatus { .usageOrConfig }

    package var description: String {
        switch self {
        case let .ownBundle(fingerprint):
            return "key \(fingerprint) signed this bundle; a producer cannot approve its own bundle"
        case let .invalidName(name):
            return "'\(name)' cannot name a reviewer: use letters, digits, '.', '_', '@' and '-'"
        case let .unknownReviewer(fingerprint):
            return
                "key \(fingerprint) is not in allowed_signers for namespace airlock-approval; pass --name or add it with `airlock allow NAME KEY.pub --reviewer`"
        }
    }
}
