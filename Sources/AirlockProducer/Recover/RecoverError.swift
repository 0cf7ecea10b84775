import AirlockBase

/// Why `airlock recover` cannot rebuild the workspace from `outbox/`, and what to do instead.
package enum RecoverError: AirlockError, Equatable {
    /// The database is sound and knows every bundle in the outbox.
    case nothingToRecover
    case noBundles
    /// The outbox's bundles skip sequence numbers.
    case gap(missing: [String])
    /// A bundle's parent is not the digest of the bundle before it, or its name and sequence differ.
    case notOneChain(bundle: String, reason: String)
    /// No bundle of the outbox gives an entity's rows whole, and they cannot be followed from
    /// bundle 1.
    case rowsMissing(entity: String, reason: String, remedy: String)
    /// A bundle's rows for an entity do not rebuild what its manifest says.
    case rowsDiffer(entity: String, bundle: String, reason: String)
    /// airlock.yml is not the spec the newest bundle was made with.
    case specChanged(bundle: String, made: String, now: String)

    package var exitStatus: ExitStatus {
        self == .nothingToRecover ? .nothingToDo : .usageOrConfig
    }

    package var description: String {
        switch self {
        case .nothingToRecover:
            return
                "nothing to recover: the workspace database is sound and knows every bundle in outbox/; nothing was changed"
        case .noBundles:
            return
                "outbox/ holds no bundle to recover from; put the newest bundle this workspace made back into outbox/ (with the ones before it back to the first bundle, or to the last that changed each entity)"
        case let .gap(missing):
            return
                "outbox/ does not hold one unbroken run of bundles: \(missing.joined(separator: ", ")) is missing; put it back into outbox/, or move the bundles older than the gap aside"
        case let .notOneChain(bundle, reason):
            return
                "outbox/\(bundle) does not continue the chain of the bundles after it: \(reason); nothing was changed"
        case let .rowsMissing(entity, reason, remedy):
            return "entity '\(entity)': its rows cannot be rebuilt: \(reason); \(remedy); nothing was changed"
        case let .specChanged(bundle, made, now):
            return
                "airlock.yml (SHA-256 \(now.prefix(16))…) is not the spec \(bundle) was made with (\(made.prefix(16))…): recover rebuilds the state the bundles describe with the spec that made them. Put that spec back (its digest is spec_digest in the bundle's manifest), recover, then make the change again; nothing was changed"
        case let .rowsDiffer(entity, bundle, reason):
            return
                "entity '\(entity)': the rows rebuilt from \(bundle) \(reason); has airlock.yml changed the entity since that bundle? recover rebuilds the state the bundles describe with the spec that made them; nothing was changed"
        }
    }
}
