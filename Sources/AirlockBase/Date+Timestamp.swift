import Foundation

extension Date {
    /// `2026-11-21T10:00:00Z`: how manifests, pull dumps and messages write a moment.
    ///
    /// Written and read with Foundation's `ISO8601FormatStyle`, not `ISO8601DateFormatter`:
    /// on Linux the first formatter a process makes opens an ICU date format, which took 8 % of
    /// a 1,000-row drop's CPU samples (`perf`), where the format style is plain Swift.
    package var utcTimestamp: String {
        formatted(.iso8601)
    }

    /// `2026-11-21T10:00:00.123Z`: when the workspace saw a file, to the millisecond (truncated,
    /// never later than the moment).
    package var utcMilliseconds: String {
        formatted(ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    /// The moment `text` writes as `utcTimestamp` does, or with another offset
    /// (`2026-11-21T12:00:00+02:00`) or fractional seconds; nil for text that is not one.
    package init?(utcTimestamp text: String) {
        guard let date = try? Date(text, strategy: .iso8601) else { return nil }
        self = date
    }
}
