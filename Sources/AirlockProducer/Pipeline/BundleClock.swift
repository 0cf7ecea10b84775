import AirlockBase
import AirlockSite
import Foundation
import Logging

/// Refuses to stamp a bundle that is expired already. A producer whose clock is far behind (a
/// dead RTC battery resets it to 1970 or 2000) would write bundles whose `expires` has passed,
/// which every site refuses only after they were carried across. Airlock cannot know the true
/// time, but it knows two times that have passed: the newest bundle's `created`, and the date
/// before which this release cannot be running. A bundle that would expire before the later of
/// those is refused before anything is read; one stamped earlier than the newest bundle (a
/// clock set back less than that) is made, with a warning.
struct BundleClock {
    /// 2026-01-01T00:00:00Z: no Airlock bundle of this format was made before it.
    static let earliestPlausible = 1_767_225_600

    /// Seconds since 1970 the bundle would be stamped with.
    let time: Int
    /// `producer.expires_after` in seconds; nil when bundles never expire (nothing to refuse).
    let lifetime: Int?
    /// `SOURCE_DATE_EPOCH` gave `time`, not the system clock.
    let fixed: Bool

    func check(newest: BundleRecord?, logger: Logger) throws {
        guard let lifetime else { return }
        let newestCreated = newest.flatMap { Date(utcTimestamp: $0.createdAt) }.map {
            Int($0.timeIntervalSince1970)
        }
        let (expires, overflow) = time.addingReportingOverflow(lifetime)
        let passed = max(Self.earliestPlausible, newestCreated ?? 0)
        if !overflow && expires <= passed {
            let reference =
                newestCreated == passed
                ? "bundle \(BundleIdentity.pad(newest!.sequence)) was made at \(newest!.createdAt)"
                : "this release was made after \(Self.format(Self.earliestPlausible))"
            throw ClockError.bundleWouldBeExpired(
                now: Self.format(time), expires: Self.format(expires), reference: reference, fixed: fixed)
        }
        if let newestCreated, time < newestCreated {
            logger.warning(
                "the clock is behind the newest bundle; this bundle expires that much early",
                metadata: [
                    "clock": "\(Self.format(time))", "newest_bundle_created": "\(newest!.createdAt)",
                    "behind_seconds": "\(newestCreated - time)"
                ])
        }
    }

    private static func format(_ seconds: Int) -> String {
        Date(timeIntervalSince1970: TimeInterval(seconds)).utcTimestamp
    }
}

/// The producer's clock cannot stamp a bundle that sites would accept.
package enum ClockError: AirlockError, Equatable {
    case bundleWouldBeExpired(now: String, expires: String, reference: String, fixed: Bool)

    package var exitStatus: ExitStatus { .usageOrConfig }

    package var description: String {
        switch self {
        case let .bundleWouldBeExpired(now, expires, reference, fixed):
            let source = fixed ? "SOURCE_DATE_EPOCH says" : "the system clock says"
            return
                "\(source) \(now), so a bundle made now would expire at \(expires), but \(reference): every site would refuse it as expired. Set the \(fixed ? "SOURCE_DATE_EPOCH" : "clock") right and run again; nothing was read or written"
        }
    }
}
