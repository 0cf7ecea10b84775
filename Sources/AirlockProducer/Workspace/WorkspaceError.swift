import AirlockBase

/// Problems with the workspace as a whole, rather than with one input file.
package enum WorkspaceError: AirlockError, Equatable {
    case entityChanged(entity: String, was: String, now: String)
    /// The workspace's state does not match `outbox/`: `found` says what, the message how to recover.
    case outboxMismatch(found: String)

    package var exitStatus: ExitStatus { .usageOrConfig }

    package var description: String {
        switch self {
        case let .entityChanged(entity, was, now):
            return
                "entity '\(entity)' changed its columns since the last run (was: \(was); now: \(now)); schema changes need a new workspace: move .airlock/ aside and run again"
        case let .outboxMismatch(found):
            return
                "the workspace state does not match outbox/: \(found). Nothing was read or written. Run `airlock recover` to rebuild the workspace state from the bundles in outbox/ (the current database is moved aside, not deleted)"
        }
    }
}
