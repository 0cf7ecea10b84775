import AirlockBase

/// A target that cannot be named, reached or used; a script that stopped.
package enum TargetError: AirlockError, Equatable {
    case badTarget(String)
    /// The database cannot be opened or connected to (`target` with any password as `***`).
    case cannotConnect(target: String, reason: String)
    /// The target answered, but its ledger could not be read.
    case ledgerUnreadable(target: String, reason: String)
    /// The script stopped, by one of its guards or a database error; nothing was changed.
    case scriptFailed(script: String, reason: String)
    /// The script's check found that the target's tables cannot take the bundle (missing
    /// tables or columns, types, enum labels, constraints); nothing was changed.
    case doesNotFit(script: String, report: String)

    package var exitStatus: ExitStatus {
        switch self {
        case .badTarget: return .usageOrConfig
        case .cannotConnect: return .cannotConnect
        case .doesNotFit: return .targetDoesNotFit
        case .ledgerUnreadable, .scriptFailed: return .failure
        }
    }

    package var description: String {
        switch self {
        case let .badTarget(reason): return reason
        case let .cannotConnect(target, reason): return "cannot connect to \(target): \(reason)"
        case let .ledgerUnreadable(target, reason): return "\(target): cannot read the ledger: \(reason)"
        case let .scriptFailed(script, reason): return "\(script) stopped and changed nothing: \(reason)"
        case let .doesNotFit(script, report): return "\(script) stopped and changed nothing: \(report)"
        }
    }

    /// A script's failure, as the target's fit (`ScriptSwitches.doesNotFitMarker` in what it
    /// printed or raised) or as any other stop.
    static func stopped(_ script: String, _ reason: String) -> TargetError {
        reason.contains(ScriptSwitches.doesNotFitMarker)
            ? .doesNotFit(script: script, report: reason) : .scriptFailed(script: script, reason: reason)
    }
}
