import AirlockSite
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
    /// the same inputs give byte-identical bundles; nil when unset. A value that is not a whole
    /// number of seconds up to the end of year 9999 is refused rather than ignored or let
    /// overflow a bundle's expiry.
    func sourceDateEpoch() throws -> Int? {
        guard let text = variables["SOURCE_DATE_EPOCH"] else { return nil }
        guard let seconds = Int(text), (0...Self.latestEpoch).contains(seconds) else {
            throw EnvironmentError.invalid(
                variable: "SOURCE_DATE_EPOCH", value: text,
                expected: "a whole number of seconds since 1970 from 0 to \(Self.latestEpoch) (9999-12-31T23:59:59Z)")
        }
        return seconds
    }

    /// 9999-12-31T23:59:59Z, the last second ISO 8601 timestamps in manifests can spell.
    private static let latestEpoch = 253_402_300_799

    /// `AIRLOCK_LOG_LEVEL`: `debug`, `info`, `warning` …; nil when unset or misspelt.
    var logLevel: Logger.Level? { variables["AIRLOCK_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) }

    /// `SSH_AUTH_SOCK`: the ssh-agent that signs with keys Airlock cannot read itself
    /// (passphrase-protected or hardware-backed); nil when unset.
    var agent: SSHAgent? { variables["SSH_AUTH_SOCK"].flatMap { $0.isEmpty ? nil : SSHAgent(socketPath: $0) } }

    /// `NO_COLOR` (no-color.org): set to anything, no colors on a terminal either.
    var noColor: Bool { variables["NO_COLOR"] != nil }
}
