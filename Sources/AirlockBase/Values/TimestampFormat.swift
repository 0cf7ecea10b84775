import Foundation

/// A declared timestamp spelling (`%d/%m/%Y %H:%M`) and the zone of times written without an
/// offset (`Africa/Johannesburg`): turns such text into ISO-8601 with its offset, which the
/// timestamp parser then takes to UTC. Directives: `%Y %m %d %H %M %S`, `%f` (a fraction),
/// `%b` (Jan…Dec), `%z` (`Z`, `+02`, `+0200`, `+02:00`), `%%`; anything else is literal.
package struct TimestampFormat: Equatable, Sendable {
    package let pattern: String
    package let zone: String?
    /// For a date column: only the date the format reads.
    package var dateOnly = false

    package init(pattern: String, zone: String?, dateOnly: Bool = false) {
        self.pattern = pattern
        self.zone = zone
        self.dateOnly = dateOnly
    }

    static let monthNames = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    /// Why a spec's format or zone cannot work, or nil.
    package static func problem(pattern: String?, zone: String?) -> String? {
        if let zone, TimeZone(identifier: zone) == nil {
            return "unknown time zone '\(zone)'; use a name such as Africa/Johannesburg or UTC"
        }
        if let pattern,
            !["%Y", "%d"].allSatisfy(pattern.contains) || !(pattern.contains("%m") || pattern.contains("%b"))
        {
            return "'\(pattern)' needs %Y, %m (or %b) and %d"
        }
        return nil
    }

    /// The ISO-8601 spelling of `text`, or nil when it does not follow the pattern. Without a
    /// pattern, `text` must be a local ISO time, with or without a fraction of a second.
    package func iso(_ text: String) -> String? {
        guard pattern.isEmpty else { return iso(text, following: pattern) }
        return iso(text, following: "%Y-%m-%dT%H:%M:%S") ?? iso(text, following: "%Y-%m-%dT%H:%M:%S.%f")
    }

    private func iso(_ text: String, following pattern: String) -> String? {
        var fields: [Character: String] = [:]
        var input = Substring(text.trimmingWhitespace())
        var format = Substring(pattern)
        while let next = format.first {
            format = format.dropFirst()
            guard next == "%", let directive = format.first else {
                guard input.first == next else { return nil }
                input = input.dropFirst()
                continue
            }
            format = format.dropFirst()
            switch directive {
            case "Y", "m", "d", "H", "M", "S":
                let width = directive == "Y" ? 4 : 2
                let digits = input.prefix(width).prefix { $0.isASCII && $0.isNumber }
                guard !digits.isEmpty, directive != "Y" || digits.count == 4 else { return nil }
                fields[directive] = String(repeating: "0", count: width - digits.count) + digits
                input = input.dropFirst(digits.count)
            case "f":
                let digits = input.prefix { $0.isASCII && $0.isNumber }
                guard !digits.isEmpty else { return nil }
                fields["f"] = String(digits)
                input = input.dropFirst(digits.count)
            case "b":
                guard let index = Self.monthNames.firstIndex(of: input.prefix(3).lowercased()) else { return nil }
                fields["m"] = index < 9 ? "0\(index + 1)" : "\(index + 1)"
                input = input.dropFirst(3)
            case "z":
                let offset = input.prefix { "Zz+-:0123456789".contains($0) }
                guard !offset.isEmpty else { return nil }
                fields["z"] = String(offset)
                input = input.dropFirst(offset.count)
            case "%":
                guard input.first == "%" else { return nil }
                input = input.dropFirst()
            default:
                return nil
            }
        }
        guard input.isEmpty, let year = fields["Y"], let month = fields["m"], let day = fields["d"] else { return nil }
        let clock =
            "\(fields["H"] ?? "00"):\(fields["M"] ?? "00"):\(fields["S"] ?? "00")"
            + (fields["f"].map { ".\($0)" } ?? "")
        let local = "\(year)-\(month)-\(day)T\(clock)"
        if let offset = fields["z"] { return local + offset }
        return local + offset(of: local)
    }

    /// The zone's offset at that local time, as `+HH:MM` (`Z` without a zone).
    private func offset(of local: String) -> String {
        guard let zone, let timeZone = TimeZone(identifier: zone) else { return "Z" }
        let parts = local.prefix(19).split { $0 == "-" || $0 == "T" || $0 == ":" }.compactMap { Int($0) }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        guard parts.count == 6,
            let date = calendar.date(
                from: DateComponents(
                    year: parts[0], month: parts[1], day: parts[2],
                    hour: parts[3], minute: parts[4], second: parts[5]))
        else { return "Z" }
        let seconds = timeZone.secondsFromGMT(for: date)
        let magnitude = abs(seconds)
        return (seconds < 0 ? "-" : "+") + String(format: "%02d:%02d", magnitude / 3600, magnitude / 60 % 60)
    }
}
