import AirlockBase

/// Problems with the workspace as a whole, rather than with one input file.
package enum WorkspaceError: AirlockError, Equatable {
    case entityChanged(entity: String, was: String, now: String)
    /// `pull.incremental.from` is not an aggregate SQLite can compute over the entity's rows.
    case cursorExpression(entity: String, expression: String, reason: String)

    package var exitStatus: ExitStatus { .usageOrConfig }

    package var description: String {
        switch self {
        case let .entityChanged(entity, was, now):
            return
                "entity '\(entity)' changed its columns since the last run (was: \(was); now: \(now)); schema changes need a new workspace: move .airlock/ aside and run again"
        case let .cursorExpression(entity, expression, reason):
            return
                "entities.\(entity).source.pull.incremental.from: '\(expression)' cannot compute the cursor over the entity's rows: \(reason)"
        }
    }
}
