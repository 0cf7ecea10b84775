import AirlockBase

/// A problem in `airlock.yml`, named by its place in the file so it can be fixed.
package enum SpecError: AirlockError, Equatable {
    case unreadable(path: String, reason: String)
    case invalid(path: String, at: String, reason: String)

    package var exitStatus: ExitStatus { .usageOrConfig }

    package var description: String {
        switch self {
        case let .unreadable(path, reason):
            return
                "\(path): cannot read the spec: \(reason); run airlock in the workspace's folder or give --workspace DIR"
        case let .invalid(path, at, reason):
            return "\(path): \(at): \(reason)"
        }
    }
}
