/// Problems with the workspace as a whole, rather than with one input file.
public enum WorkspaceError: AirlockError, Equatable {
    case entityChanged(entity: String, was: String, now: String)
    case missingKey(name: String, path: String)

    public var exitStatus: ExitStatus { .usageOrConfig }

    public var description: String {
        switch self {
        case let .entityChanged(entity, was, now):
            return "entity '\(entity)' changed its columns since the last run (was: \(was); now: \(now)); schema changes need a new workspace: move .airlock/ aside and run again"
        case let .missingKey(name, path):
            return "no producer key '\(name)' at \(path); make one with: airlock keygen \(name)"
        }
    }
}
