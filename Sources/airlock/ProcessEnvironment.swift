import Foundation
import Logging

/// The environment variables Airlock reads, read here and nowhere else: the library modules
/// are handed what they need.
struct ProcessEnvironment {
    static let current = ProcessEnvironment(ProcessInfo.processInfo.environment)

    /// Every variable, for the `${NAME}` references and credentials of pull sources.
    let variables: [String: String]

    init(_ variables: [String: String]) {
        self.variables = variables
    }

    /// `SOURCE_DATE_EPOCH`: seconds since 1970 to stamp bundles with instead of the clock, so
    /// the same inputs give byte-identical bundles.
    var sourceDateEpoch: Int? { variables["SOURCE_DATE_EPOCH"].flatMap(Int.init) }

    /// `AIRLOCK_LOG_LEVEL`: `debug`, `info`, `warning` …; nil when unset or misspelt.
    var logLevel: Logger.Level? { variables["AIRLOCK_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) }

    /// `NO_COLOR` (no-color.org): set to anything, no colors on a terminal either.
    var noColor: Bool { variables["NO_COLOR"] != nil }
}
