import Testing

@testable import AirlockBase

/// Excel serial dates in both date systems, with the 29 February 1900 the 1900 system counts.
@Suite struct SpreadsheetDateTests {
    private func iso(_ serial: String, date1904: Bool = false, dateOnly: Bool = true) -> String? {
        switch SpreadsheetDate.iso(serial: serial, date1904: date1904, dateOnly: dateOnly) {
        case let .success(iso): return iso
        case let .failure(error): return "error: \(error)"
        case nil: return nil
        }
    }

    @Test func the1900SystemCountsALeapDayThatWasNot() {
        #expect(iso("1") == "1900-01-01")
        #expect(iso("59") == "1900-02-28")
        #expect(
            iso("60")
                == "error: '60' is serial day 60, the 29 February 1900 Excel counts and the calendar lacks")
        #expect(iso("61") == "1900-03-01")
        #expect(iso("45231") == "2023-11-01")
        #expect(iso("2958465") == "9999-12-31")
        #expect(iso("2958466") == "error: '2958466' is a serial date after 9999-12-31")
        #expect(iso("0") == "error: '0' is a time of day without a date (serial day 0)")
    }

    @Test func the1904SystemCountsFromItsFirstDay() {
        #expect(iso("0", date1904: true) == "1904-01-01")
        #expect(iso("1", date1904: true) == "1904-01-02")
        // The same day is 1,462 days further on in the 1900 system.
        #expect(iso("43769", date1904: true) == iso("45231"))
    }

    @Test func fractionsAreTheTimeOfDayToTheMillisecond() {
        #expect(iso("45231.5", dateOnly: false) == "2023-11-01T12:00:00")
        #expect(iso("45231.52083333334", dateOnly: false) == "2023-11-01T12:30:00")
        #expect(iso("45351.99999131945", dateOnly: false) == "2024-02-29T23:59:59.25")
        // Within half a millisecond of midnight is the next day.
        #expect(iso("45231.999999999", dateOnly: false) == "2023-11-02T00:00:00")
        #expect(
            iso("45231.5")
                == "error: '45231.5' is a date and time (2023-11-01T12:00:00); a date column takes whole-day serials")
    }

    @Test func textThatIsNoPlainNumberIsNoSerial() {
        for text in ["", "2023-11-01", "4.5E4", "1.2.3", "+1", "."] { #expect(iso(text) == nil, "\(text)") }
        #expect(iso("-1") == "error: '-1' is a negative serial date, before any day")
    }
}
