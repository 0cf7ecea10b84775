import AirlockBase

/// Problems with the workspace as a whole, rather than with one input file.
package enum WorkspaceError: AirlockError, Equatable {
    /// The spec changed an entity in a way no migration makes (`EntityMigration.between`).
    case unsupportedSchemaChange(entity: String, reason: String)
    /// The workspace's state does not match `outbox/`: `found` says what, the message how to recover.
    case outboxMismatch(found: String)
    /// `PRAGMA integrity_check` found the database damaged (its first lines).
    case databaseDamaged(details: [String])
    /// The database file cannot be opened as SQLite (not a database, or damaged beyond opening).
    case databaseUnreadable(reason: String)
    /// `pull.incremental.from` is not an aggregate SQLite can compute over the entity's rows.
    case cursorExpression(entity: String, expression: String, reason: String)
    /// The workspace has no `inbox/` folder (`path`).
    case noInbox(path: String)
    /// A spec change (or `--renormalize`) needs the records of files the workspace does not
    /// hold, as after `airlock recover`.
    case recordsMissing(entity: String, files: [String], delta: Bool)
    /// A newer Airlock changed the workspace's tables in ways this one does not know (`changes`,
    /// the names of its migrations).
    case newerWorkspace(changes: [String])

    package var exitStatus: ExitStatus { .usageOrConfig }

    package var description: String {
        switch self {
        case let .unsupportedSchemaChange(entity, reason):
            return "airlock.yml: entity '\(entity)': \(reason). Nothing was read or written"
        case let .outboxMismatch(found):
            return
                "the workspace state does not match outbox/: \(found). Nothing was read or written. \(Self.recovery)"
        case let .databaseDamaged(details):
            return
                "the workspace database .airlock/workspace.sqlite is damaged (PRAGMA integrity_check: \(details.joined(separator: "; "))). Nothing was read or written. \(Self.recovery)"
        case let .databaseUnreadable(reason):
            return
                "the workspace database .airlock/workspace.sqlite cannot be read (\(reason)). Nothing was read or written. \(Self.recovery)"
        case let .cursorExpression(entity, expression, reason):
            return
                "entities.\(entity).source.pull.incremental.from: '\(expression)' cannot compute the cursor over the entity's rows: \(reason)"
        case let .recordsMissing(entity, files, delta):
            let remedy =
                delta
                ? "A delta source's rows come from every file it read, so put airlock.yml back as the bundles were made"
                : "Make the change together with the next export of '\(entity)' (its records are read under the new spec), or put airlock.yml back as the bundles were made"
            return
                "entity '\(entity)' is to be read again under airlock.yml as it is now, but the workspace does not hold the records of \(files.prefix(3).joined(separator: ", "))\(files.count > 3 ? " and \(files.count - 3) more" : ""): it was rebuilt by airlock recover from bundles, which carry rows, not records. \(remedy); nothing was read or written"
        case let .newerWorkspace(changes):
            return
                "the workspace database .airlock/workspace.sqlite was changed by a newer Airlock (\(changes.joined(separator: ", "))), whose tables this one would misread. Nothing was read or written: run that version or a later one"
        case let .noInbox(path):
            return
                "the workspace has no inbox/ folder (\(path)), where exports are dropped: make it with mkdir -p \(path), or name the workspace with --workspace DIR"
        }
    }

    private static var recovery: String {
        "Run `airlock recover` to rebuild the workspace state (chain position and baseline rows) from the bundles in outbox/; the current database is moved aside, not deleted"
    }
}
