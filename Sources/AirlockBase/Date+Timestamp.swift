import Foundation

extension Date {
    /// `2026-11-21T10:00:00Z`: how manifests, pull dumps and messages write a moment.
    package var utcTimestamp: String {
        ISO8601DateFormatter().string(from: self)
    }

    /// `2026-11-21T10:00:00.123Z`: when the workspace saw a file, to the millisecond.
    package var utcMilliseconds: String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: self)
    }
}
