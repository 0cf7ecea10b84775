/// ISO-8601 timestamps converted to UTC with integer arithmetic, so no precision is lost on
/// the way (Foundation's `Date` is a binary double).
///
/// Accepted: `2026-01-31`, `2026-01-31T10:30`, `2026-01-31 10:30:00.25`, with an optional
/// `Z`, `+02`, `+0200` or `+02:00`. A timestamp without a zone is taken as UTC. The canonical
/// form is `2026-01-31T10:30:00Z` (fraction kept, up to microseconds, trailing zeros dropped).
package enum UTCTimestamp {
    /// A calendar date, `YYYY-MM-DD` and nothing more: a date-time would need a zone to say
    /// which day it is.
    static func date(_ raw: String) -> Result<String, ValueError> {
        let text = raw.trimmingWhitespace()
        let shape =
            text.utf8.count == 10
            && text.utf8.enumerated().allSatisfy { index, byte in
                index == 4 || index == 7
                    ? byte == UInt8(ascii: "-") : (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
            }
        guard shape, case let .success(midnight) = canonical(text) else {
            return .failure(ValueError("'\(raw)' is not a date (YYYY-MM-DD)"))
        }
        return .success(String(midnight.prefix(10)))
    }

    /// The canonical form of `raw`, `seconds` later (earlier when negative): the arithmetic is
    /// on whole seconds, so the fraction stays as written.
    package static func canonical(_ raw: String, movedBy seconds: Int = 0) -> Result<String, ValueError> {
        guard let parts = Parts(raw.trimmingWhitespace()) else {
            return .failure(ValueError("'\(raw)' is not an ISO-8601 timestamp (YYYY-MM-DD[THH:MM[:SS]][Z|±HH:MM])"))
        }
        let (year, month, day, hour, minute, second) = (
            parts.year, parts.month, parts.day, parts.hour, parts.minute, parts.second
        )
        guard (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day),
            (0...23).contains(hour), (0...59).contains(minute), (0...59).contains(second)
        else {
            return .failure(ValueError("'\(raw)' is not a valid date and time"))
        }
        var fraction = parts.fraction
        while fraction.hasSuffix("0") { fraction.removeLast() }
        guard fraction.count <= 6 else {
            return .failure(ValueError("'\(raw)' is more precise than microseconds"))
        }
        guard parts.offsetHours <= 23, parts.offsetMinutes <= 59 else {
            return .failure(ValueError("'\(raw)' has an invalid UTC offset"))
        }
        let offsetMinutes = (parts.offsetHours * 60 + parts.offsetMinutes) * (parts.offsetIsNegative ? -1 : 1)
        let local = daysFromCivil(year: year, month: month, day: day) * 86_400 + hour * 3_600 + minute * 60 + second
        let utc = local - offsetMinutes * 60 + seconds
        let days = utc.floorDivided(by: 86_400), secondsOfDay = utc - days * 86_400
        let (y, m, d) = civilFromDays(days)
        guard (1...9999).contains(y) else { return .failure(ValueError("'\(raw)' is outside years 1-9999 in UTC")) }
        let time = "\(pad(secondsOfDay / 3_600, 2)):\(pad(secondsOfDay / 60 % 60, 2)):\(pad(secondsOfDay % 60, 2))"
        return .success("\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))T\(time)\(fraction.isEmpty ? "" : "." + fraction)Z")
    }

    /// The fields of `YYYY-MM-DD[(T|t| )HH:MM[:SS[(.|,)F…]]][ ][Z|z|±HH[[:]MM]]`, unchecked.
    private struct Parts {
        var year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0
        var fraction = ""
        var offsetIsNegative = false, offsetHours = 0, offsetMinutes = 0

        init?(_ text: String) {
            var scanner = ScalarScanner(text)
            guard let year = scanner.number(digits: 4), scanner.take(oneOf: "-") != nil,
                let month = scanner.number(digits: 2), scanner.take(oneOf: "-") != nil,
                let day = scanner.number(digits: 2)
            else { return nil }
            (self.year, self.month, self.day) = (year, month, day)
            var time = scanner
            if time.take(oneOf: "Tt ") != nil, let hour = time.number(digits: 2), time.take(oneOf: ":") != nil,
                let minute = time.number(digits: 2)
            {
                (self.hour, self.minute, scanner) = (hour, minute, time)
                var seconds = scanner
                if seconds.take(oneOf: ":") != nil, let second = seconds.number(digits: 2) {
                    (self.second, scanner) = (second, seconds)
                    var fraction = scanner
                    if fraction.take(oneOf: ".,") != nil, case let digits = fraction.digitRun(), !digits.isEmpty {
                        (self.fraction, scanner) = (digits, fraction)
                    }
                }
            }
            scanner.skipWhitespace()
            if scanner.take(oneOf: "Zz") == nil, let sign = scanner.take(oneOf: "+-") {
                guard let hours = scanner.number(digits: 2) else { return nil }
                var minutes = scanner
                _ = minutes.take(oneOf: ":")
                if let offsetMinutes = minutes.number(digits: 2) {
                    (self.offsetMinutes, scanner) = (offsetMinutes, minutes)
                }
                (offsetIsNegative, offsetHours) = (sign == "-", hours)
            }
            guard scanner.atEnd else { return nil }
        }
    }

    static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 in the proleptic Gregorian calendar (Howard Hinnant's algorithm).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = y.floorDivided(by: 400)
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    static func civilFromDays(_ days: Int) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = z.floorDivided(by: 146_097)
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}

private extension Int {
    func floorDivided(by divisor: Int) -> Int {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}
