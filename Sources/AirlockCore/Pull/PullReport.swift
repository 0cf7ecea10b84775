import Foundation

/// What one pull fetched.
public struct PullReport: Sendable {
    public var entity: String
    public var file: URL
    public var pages: Int
    public var records: Int
    /// Attempts beyond the first, over all pages.
    public var retries: Int
}
