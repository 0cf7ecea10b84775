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

    static func infer(_ values: [String]) -> ColumnInference? {
        for type in [ColumnType.date, .timestamp] where values.allSatisfy({ ValueParser.parse($0, as: type).isSuccess })
        {
            var time = ColumnInference(type: type)
            if type == .timestamp && !values.allSatisfy(hasOffset) {
                time.notes.append("times without an offset are read as UTC; add zone: if they are local")
            }
            return time
        }
        let dates = dayFirst + monthFirst + yearFirst
        for (type, patterns) in [(ColumnType.date, dates), (.timestamp, dates.flatMap { d in times.map { d + $0 } })] {
            let fitting = patterns.filter { pattern in
                let format = TimestampFormat(pattern: pattern, zone: nil, dateOnly: type == .date)
                return values.allSatisfy { value in
                    // A date column keeps the date the format reads, as the normalizer does.
                    format.iso(value).map {
                        ValueParser.parse(type == .date ? String($0.prefix(10)) : $0, as: type).isSuccess
                    }
                        ?? false
                }
            }
            guard let first = fitting.first else { continue }
            var time = ColumnInference(type: type)
            let ambiguous =
                fitting.contains { p in monthFirst.contains { p.hasPrefix($0) } } && !first.hasPrefix("%Y")
                && fitting.contains { p in dayFirst.contains { p.hasPrefix($0) } }
            guard !ambiguous else {
                var text = ColumnInference(type: .text)
                text.notes.append(
                    "dates such as \(values[0]) read day first (\(first)) or month first: no day "
                        + "over 12 decides; set type: \(type), format: \"%d/%m/%Y\" or \"%m/%d/%Y\"")
                return text
            }
            time.format = first
            if type == .timestamp {
                time.notes.append("times without an offset are read as UTC; add zone: if they are local")
            }
            return time
        }
        return nil
    }

    /// An ISO time naming its offset (`Z`, `+02:00`).
    private static func hasOffset(_ value: String) -> Bool {
        value.hasSuffix("Z") || value.hasSuffix("z") || value.wholeMatch(of: /.*T.*[+-]\d\d(?::?\d\d)?/) != nil
    }
}
