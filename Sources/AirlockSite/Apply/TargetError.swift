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
    /// The script's drift guard found rows edited on the target since the previous bundle (a
    /// rollback: since its bundle was applied); nothing was changed.
    case drifted(script: String, report: String)
    /// The bundle carries no such script: its producer's spec leaves that dialect out
    /// (`targets:`) or delivers its entities another way (`delivery:`).
    case notCarried(
        bundle: Int, script: BundleScript, dialect: SQLDialect, targets: [SQLDialect], delivery: [DeliveryMethod])

    package var exitStatus: ExitStatus {
        switch self {
        case .badTarget, .notCarried: return .usageOrConfig
        case .cannotConnect: return .cannotConnect
        case .doesNotFit: return .targetDoesNotFit
        case .drifted: return .targetDrifted
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
        case let .notCarried(bundle, script, dialect, targets, delivery):
            let member = BundleLayout.script(script, for: dialect)
            let carried = "bundle \(bundle) carries \(targets.map(\.rawValue).joined(separator: " and ")) scripts"
            guard targets.contains(dialect) else {
                return
                    "\(carried) only, no \(member): the producer's airlock.yml names those targets (targets:); apply it to a target of that dialect, or ask the producer to add \(dialect.rawValue) to targets"
            }
            let methods = delivery.map(\.rawValue).joined(separator: " and ")
            return
                "\(carried) for \(methods) only, no \(member): the producer's airlock.yml delivers the entities it changes by \(methods) (delivery:); apply it with --mode \(delivery.first?.rawValue ?? "upsert"); for bundles to come to carry \(script.method?.rawValue ?? "it"), the producer's spec says delivery: both"
        case let .drifted(script, report):
            // A rollback's rows were edited since its bundle was applied, an upsert's since the
            // bundle before it.
            let (state, rest) =
                script.hasSuffix(BundleScript.rollback.fileName)
                ? ("the bundle left them when it was applied", "roll back the rest")
                : ("the previous bundle left them", "apply the rest")
            return
                "\(script) stopped and changed nothing: \(report)\nset those rows back as \(state), or run with --on-drift skip to leave them as they are and \(rest)"
        }
    }

    /// A script's failure, as the target's fit (`ScriptSwitches.doesNotFitMarker` in what it
    /// printed or raised) or as any other stop.
    static func stopped(_ script: String, _ reason: String) -> TargetError {
        if reason.contains(ScriptSwitches.doesNotFitMarker) { return .doesNotFit(script: script, report: reason) }
        if reason.contains(ScriptSwitches.driftMarker) { return .drifted(script: script, report: reason) }
        return .scriptFailed(script: script, reason: reason)
    }
}
