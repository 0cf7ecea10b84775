import AirlockSite
import Foundation

/// What one pull fetched.
package struct PullReport: Sendable {
    package var entity: String
    package var file: URL
    package var pages: Int
    package var records: Int
    /// Attempts beyond the first, over all pages.
    package var retries: Int
    /// What an incremental pull asked for; nil for a source without `incremental`.
    package var cursor: Manifest.Cursor?
}
