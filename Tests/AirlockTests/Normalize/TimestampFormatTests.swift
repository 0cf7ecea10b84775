import Testing

@testable import AirlockBase
@testable import AirlockProducer

@Suite struct TimestampFormatTests {
    @Test func declaredSpellingsAndZonesBecomeISOWithAnOffset() {
        let local = TimestampFormat(pattern: "%d/%m/%Y %H:%M", zone: "Africa/Johannesburg")
        #expect(local.iso("05/11/2026 10:30") == "2026-11-05T10:30:00+02:00")
        #expect(local.iso("5/11/2026 10:30") == "2026-11-05T10:30:00+02:00")
        #expect(local.iso("2026-11-05 10:30") == nil)
        // Daylight saving time: the offset of that local time, not of today.
        let newYork = TimestampFormat(pattern: "%Y-%m-%d %H:%M:%S", zone: "America/New_York")
        #expect(newYork.iso("2026-07-01 12:00:00") == "2026-07-01T12:00:00-04:00")
        #expect(newYork.iso("2026-12-01 12:00:00") == "2026-12-01T12:00:00-05:00")
        let named = TimestampFormat(pattern: "%d %b %Y %H:%M:%S.%f %z", zone: nil)
        #expect(named.iso("07 Mar 2026 08:00:00.25 +0530") == "2026-03-07T08:00:00.25+0530")
        #expect(
            UTCTimestamp.canonical(named.iso("07 Mar 2026 08:00:00.25 +0530")!) == .success("2026-03-07T02:30:00.25Z"))
        // A zone alone: ISO text without an offset is that zone's local time.
        #expect(
            TimestampFormat(pattern: "", zone: "Africa/Johannesburg").iso("2026-11-05T10:30:00")
                == "2026-11-05T10:30:00+02:00")
        // With a fraction of a second too, rather than passing unchanged as if it were UTC.
        #expect(
            TimestampFormat(pattern: "", zone: "Africa/Johannesburg").iso("2026-11-05T10:30:00.25")
                == "2026-11-05T10:30:00.25+02:00")
        #expect(TimestampFormat.problem(pattern: "%H:%M", zone: nil) == "'%H:%M' needs %Y, %m (or %b) and %d")
        #expect(
            TimestampFormat.problem(pattern: nil, zone: "Mars/Olympus")
                == "unknown time zone 'Mars/Olympus'; use a name such as Africa/Johannesburg or UTC")
    }
}
