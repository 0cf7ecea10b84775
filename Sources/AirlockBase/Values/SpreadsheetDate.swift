/// Excel's serial dates: days counted from the workbook's epoch, the fraction the time of day
/// (45231.5 is 2023-11-01 12:00). In the 1900 date system day 1 is 1900-01-01 and day 60 the
/// 29 February 1900 that Lotus 1-2-3 believed in and Excel kept, so every later day is one
/// further on; in the 1904 system (old Mac workbooks) day 0 is 1904-01-01. A serial carries no
/// zone: it is the local time the sheet shows. Worked in integers from the decimal text, so no
/// binary float rounds a time; times are kept to the millisecond, as Excel keeps them.
package enum SpreadsheetDate {
    private static let millisecondsPerDay = 86_400_000
    /// The fraction digits read (11): enough for milliseconds, few enough for 64-bit arithmetic.
    private static let fractionDigits = 11
    private static let fractionUnit = 100_000_000_000

    /// The local date, or date and time, the serial `text` stands for: `2023-11-01` where
    /// `dateOnly`, else `2023-11-01T12:00:00` (`.25` where it has milliseconds); nil when `text`
    /// is no plain decimal number, a failure when no date is that number.
    package static func iso(serial text: String, date1904: Bool, dateOnly: Bool) -> Result<String, ValueError>? {
        let trimmed = text.trimmingWhitespace()
        let negative = trimmed.hasPrefix("-")
        let parts = trimmed.dropFirst(negative ? 1 : 0).split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), !parts[0].isEmpty,
            parts.allSatisfy({ $0.utf8.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) } })
        else { return nil }
        guard !negative else { return .failure(ValueError("'\(text)' is a negative serial date, before any day")) }
        guard parts[0].count <= 8, var day = Int(parts[0]) else {
            return .failure(ValueError("'\(text)' is a serial date after 9999-12-31"))
        }
        let fraction = parts.count == 2 ? parts[1].prefix(fractionDigits) : ""
        let scaled = Int(fraction + String(repeating: "0", count: fractionDigits - fraction.count)) ?? 0
        var milliseconds = (scaled * millisecondsPerDay + fractionUnit / 2) / fractionUnit
        if milliseconds == millisecondsPerDay {
            day += 1
            milliseconds = 0
        }
        let days: Int
        if date1904 {
            days = UTCTimestamp.daysFromCivil(year: 1904, month: 1, day: 1) + day
        } else {
            guard day != 0 else {
                return .failure(ValueError("'\(text)' is a time of day without a date (serial day 0)"))
            }
            guard day != 60 else {
                return .failure(
                    ValueError("'\(text)' is serial day 60, the 29 February 1900 Excel counts and the calendar lacks"))
            }
            days = UTCTimestamp.daysFromCivil(year: 1899, month: 12, day: 31) + day - (day > 60 ? 1 : 0)
        }
        let (year, month, dayOfMonth) = UTCTimestamp.civilFromDays(days)
        guard year <= 9999 else { return .failure(ValueError("'\(text)' is a serial date after 9999-12-31")) }
        let date = "\(UTCTimestamp.pad(year, 4))-\(UTCTimestamp.pad(month, 2))-\(UTCTimestamp.pad(dayOfMonth, 2))"
        let seconds = milliseconds / 1000
        var time =
            "\(UTCTimestamp.pad(seconds / 3600, 2)):\(UTCTimestamp.pad(seconds / 60 % 60, 2)):\(UTCTimestamp.pad(seconds % 60, 2))"
        if milliseconds % 1000 != 0 {
            time += "." + UTCTimestamp.pad(milliseconds % 1000, 3)
            while time.hasSuffix("0") { time.removeLast() }
        }
        guard dateOnly else { return .success("\(date)T\(time)") }
        guard milliseconds == 0 else {
            return .failure(
                ValueError("'\(text)' is a date and time (\(date)T\(time)); a date column takes whole-day serials"))
        }
        return .success(date)
    }
}
