import Foundation

extension Date {
    /// `2026-11-21T10:00:00Z`: how manifests, pull dumps and messages write a moment.
    ///
    /// Written and read with Foundation's `ISO8601FormatStyle`, not `ISO8601DateFormatter`: on
    /// Linux the first formatter a process makes opens an ICU date format, which took 8 % of a
    /// 1,000-row drop's CPU samples (`perf`), where the format style is plain Swift.
    package var utcTimestamp: String {
        formatted(.iso8601)
    }

    /// `2026-11-21T10:00:00.123Z`: when the workspace saw a file, to the millisecond (truncated,
    /// never later than the moment).
    package var utcMilliseconds: String {
        formatted(ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    /// The moment `text` names, written as `utcTimestamp` writes it and only so; nil for any
    /// other text, a day or hour that does not exist included (`2026-11-31T00:00:00Z`), which
    /// Foundation's readers both take by rolling it over into the next month or day. Every
    /// time Airlock reads back (a manifest's `expires`, a bundle's `created`) it wrote itself
    /// this way.
    package init?(utcTimestamp text: String) {
        guard let date = try? Date(text, strategy: .iso8601), date.utcTimestamp == text else { return nil }
        self = date
    }
}
