import AirlockBase

/// Failures while producing a bundle.
package enum BundleError: AirlockError, Equatable {
    case archive(String)
    /// `outbox/` already holds a file by the bundle's name; it is never replaced.
    case alreadyInOutbox(name: String)
    case publish(name: String, reason: String)

    package var exitStatus: ExitStatus { .failure }

    package var description: String {
        switch self {
        case let .archive(reason): return "cannot write the bundle archive: \(reason)"
        case let .alreadyInOutbox(name):
            return "outbox/\(name) already exists; a bundle in the outbox is never overwritten"
        case let .publish(name, reason):
            return
                "cannot move \(name) into outbox/: \(reason); it stays in .airlock/staging and the next run tries again"
        }
    }
}
