import AirlockBase

/// Why a site does not take a trust update, or one cannot be made or signed.
package enum TrustUpdateError: AirlockError, Equatable {
    case invalid(String)
    /// Its version is not newer than the site's: trust never goes back.
    case replayed(version: Int, held: Int)
    case notEnoughTrustees(needed: Int, signedBy: [String], notCounted: [String])

    package var exitStatus: ExitStatus {
        switch self {
        case .invalid: return .usageOrConfig
        case .replayed, .notEnoughTrustees: return .verificationRefused
        }
    }

    package var description: String {
        switch self {
        case let .invalid(reason): return "trust update: \(reason)"
        case let .replayed(version, held):
            return
                "trust update version \(version) is not newer than version \(held), which this site holds; an older trust update is refused"
        case let .notEnoughTrustees(needed, signedBy, notCounted):
            var text =
                "trust update needs \(needed) trustee signature\(needed == 1 ? "" : "s") by keys this site trusts for airlock-trust; signed by "
            text += signedBy.isEmpty ? "none that count" : signedBy.joined(separator: ", ")
            if !notCounted.isEmpty { text += "; not counted: " + notCounted.joined(separator: "; ") }
            return text
        }
    }
}
