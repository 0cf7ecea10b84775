import AirlockBase
import Foundation

/// `trust.json`: which version of a site's trust a trust update carries, and how many
/// trustees must sign the one after it.
package struct TrustManifest: Codable, Equatable, Sendable {
    package static let currentFormat = "airlock-trust/1"

    package var format = Self.currentFormat
    /// Each update names a higher version than the site holds; an older one is refused, so
    /// trust is never rolled back.
    package var version: Int
    /// The distinct trustee signatures the next update needs, counted against this update's
    /// `allowed_signers`.
    package var threshold: Int
    package var created: String

    package init(version: Int, threshold: Int, created: String) {
        self.version = version
        self.threshold = threshold
        self.created = created
    }

    func encoded() throws -> Data { try CanonicalJSON.encode(self) }
}
