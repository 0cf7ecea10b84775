import AirlockBase

/// The scripts a bundle carries for each dialect (`BundleLayout.script(_:for:)`), each one
/// transaction guarded by the target's ledger.
package enum BundleScript: CaseIterable, Sendable {
    /// Writes the changed rows, after checking the target holds the rows it expects.
    case upsert
    /// Undoes `upsert`.
    case rollback
    /// Replaces each changed table with the bundle's full snapshot, keeping a backup.
    case cutover
    /// Undoes `cutover`: the backups take their tables' places again.
    case cutoverRollback
    /// Reads only: compares the changed tables with the bundle's checksums after an apply.
    case verify

    package var fileName: String {
        switch self {
        case .upsert: return "upsert.sql"
        case .rollback: return "rollback.sql"
        case .cutover: return "cutover.sql"
        case .cutoverRollback: return "cutover-rollback.sql"
        case .verify: return "verify.sql"
        }
    }

    /// The script an apply by `method` runs.
    package init(applying method: DeliveryMethod) {
        self = method == .upsert ? .upsert : .cutover
    }

    /// The method whose apply or rollback this script is; nil for `verify`, which every
    /// bundle carries.
    package var method: DeliveryMethod? {
        switch self {
        case .upsert, .rollback: return .upsert
        case .cutover, .cutoverRollback: return .cutover
        case .verify: return nil
        }
    }

    /// The script that undoes this one; nil for scripts that are not undone.
    package var undo: BundleScript? {
        switch self {
        case .upsert: return .rollback
        case .cutover: return .cutoverRollback
        case .rollback, .cutoverRollback, .verify: return nil
        }
    }

    /// What the script records in the target's ledger; nil for `verify`, which changes nothing.
    package var ledgerKind: LedgerKind? {
        switch self {
        case .upsert: return .upsert
        case .cutover: return .cutover
        case .rollback, .cutoverRollback: return .rollback
        case .verify: return nil
        }
    }
}
