import Foundation

extension Date {
    /// `2026-11-21T10:00:00Z`: how manifests, pull dumps and messages write a moment.
    package var utcTimestamp: String {
        ISO8601DateFormatter().string(from: self)
    }
}
