import Foundation
import Testing

@testable import AirlockBase

/// The text of a moment as manifests, messages and the workspace write it, and the reader of
/// the times Airlock wrote, which takes that form only and refuses a time that does not exist
/// rather than rolling it over (an `expires` of 31 November is not 1 December).
@Suite struct TimestampTextTests {
    @Test func momentsAreWrittenInUTCToTheSecondOrTheMillisecond() {
        let moment = Date(timeIntervalSince1970: 1_795_255_200.5)
        #expect(moment.utcTimestamp == "2026-11-21T10:00:00Z")
        #expect(moment.utcMilliseconds == "2026-11-21T10:00:00.500Z")
        #expect(Date(timeIntervalSince1970: 1_795_255_200).utcMilliseconds == "2026-11-21T10:00:00.000Z")
    }

    @Test func aWrittenMomentReadsBack() {
        let moment = Date(timeIntervalSince1970: 1_795_255_200)
        #expect(Date(utcTimestamp: "2026-11-21T10:00:00Z") == moment)
        #expect(Date(utcTimestamp: moment.utcTimestamp) == moment)
    }

    @Test(arguments: [
        "2026-11-31T00:00:00Z", "2026-02-30T00:00:00Z", "2026-11-21T24:00:00Z", "2026-11-21T99:00:00Z",
        "2026-11-21T10:60:00Z", "2026-13-01T00:00:00Z", "2026-11-21T10:00:00.123Z", "2026-11-21T12:00:00+02:00",
        "2026-11-21T10:00:00z", "2026-11-21T10:00:00UTC", "2026-11-21T10:00:00Z junk", "2026-11-21 10:00:00Z",
        "2026-11-21T10:00:00", "2026-11-21", "never", ""
    ])
    func textThatIsNotSuchAMomentIsRefused(text: String) {
        #expect(Date(utcTimestamp: text) == nil, "\(text)")
    }
}
