import AirlockBase

/// Problems with the workspace as a whole, rather than with one input file.
package enum WorkspaceError: AirlockError, Equatable {
    case entityChanged(entity: String, was: String, now: String)

    package var exitStatus: ExitStatus { .usageOrConfig }

    package var description: String {
        switch self {
        case let .entityChanged(entity, was, now):
            return
                "entity '\(entity)' changed its columns since the last run (was: \(was); now: \(now)); schema changes need a new workspace: move .airlock/ aside and run again"
        }
    }
}
