import AirlockBase
import AirlockSpec

/// How a column writes its dates and times: ISO-8601 as the parsers read it, or one of the
/// common spellings a `format:` reads (`22/07/2026`, `07/22/2026`, `2026-11-01 09:30:00`).
/// Day-first and month-first spellings are told apart only by a value whose day is over 12;
/// when none has one, the column stays text and a note says why.
enum DateSpelling {
    private static let dayFirst = ["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"]
    private static let monthFirst = ["%m/%d/%Y", "%m-%d-%Y"]
    private static let yearFirst = ["%Y-%m-%d", "%Y/%m/%d"]
    private static let times = [" %H:%M:%S", " %H:%M", "T%H:%M:%S", "T%H:%M"]

    /// What a timestamp column without offsets leaves open.
    private static let utcNote = "times without an offset are read as UTC; add zone: if they are local"

    static func infer(_ values: [String]) -> ColumnInference? {
        for type in [ColumnType.date, .timestamp] where values.allSatisfy({ ValueParser.parse($0, as: type).isSuccess })
        {
            var time = ColumnInference(type: type)
            if type == .timestamp && !values.allSatisfy(hasOffset) { time.notes.append(utcNote) }
            return time
        }
        let dates = dayFirst + monthFirst + yearFirst
        for (type, patterns) in [(ColumnType.date, dates), (.timestamp, dates.flatMap { d in times.map { d + $0 } })] {
            let fitting = patterns.filter { fits($0, type, values) }
            guard let first = fitting.first else { continue }
            let day = fitting.first { p in dayFirst.contains { p.hasPrefix($0) } }
            let month = fitting.first { p in monthFirst.contains { p.hasPrefix($0) } }
            if let day, let month {
                var text = ColumnInference(type: .text)
                text.notes.append(
                    "dates such as \(values[0]) read day first or month first and no day over 12 "
                        + "decides: set type: \(type) with format: \"\(day)\" or \"\(month)\"")
                return text
            }
            var time = ColumnInference(type: type)
            time.format = first
            if type == .timestamp { time.notes.append(utcNote) }
            return time
        }
        return nil
    }

    /// Every value follows `pattern` and makes a valid value of `type`; a date column keeps
    /// the date the format reads, as the normalizer does.
    private static func fits(_ pattern: String, _ type: ColumnType, _ values: [String]) -> Bool {
        let format = TimestampFormat(pattern: pattern, zone: nil, dateOnly: type == .date)
        return values.allSatisfy { value in
            guard let iso = format.iso(value) else { return false }
            return ValueParser.parse(type == .date ? String(iso.prefix(10)) : iso, as: type).isSuccess
        }
    }

    /// An ISO time naming its offset (`Z`, `+02:00`).
    private static func hasOffset(_ value: String) -> Bool {
        value.hasSuffix("Z") || value.hasSuffix("z") || value.wholeMatch(of: /.*T.*[+-]\d\d(?::?\d\d)?/) != nil
    }
}
