import GRDB

/// What a run that read new files ended in (`airlock_runs.outcome`, `airlock status`).
package enum RunOutcome: String, Codable, Sendable, DatabaseValueConvertible {
    /// A bundle was written.
    case bundled
    /// What was read changes nothing (or every record was held back).
    case unchanged
    /// A finding of severity block stopped the bundle.
    case blocked
}
