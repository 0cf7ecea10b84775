/// The process exit codes of the `airlock` command, a public contract for scripts.
package enum ExitStatus: Int32, Sendable {
    /// The command did what it was asked.
    case success = 0
    /// An unexpected failure (I/O, a database error, a bug).
    case failure = 1
    /// Nothing to do: no new files, or no change against the baseline.
    case nothingToDo = 3
    /// Validation blocked the bundle.
    case validationBlocked = 4
    /// A bundle failed verification (hashes, members or signatures).
    case verificationRefused = 5
    /// The target's tables cannot take the bundle as they are (a missing table or column, a
    /// type, enum labels, a constraint); the script's check stopped it before any change.
    case targetDoesNotFit = 6
    /// The target database cannot be opened or connected to.
    case cannotConnect = 7
    /// The command line or the spec is wrong.
    case usageOrConfig = 64
}

/// An error that knows which exit status it maps to and says what to do about it.
package protocol AirlockError: Error, CustomStringConvertible {
    var exitStatus: ExitStatus { get }
}
