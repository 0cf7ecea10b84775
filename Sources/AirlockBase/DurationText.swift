/// Durations as people write them in the spec and on the command line: `250ms`, `30s`, `5m`,
/// `12h`, `30d`. One parser, so `expires_after`, pull timeouts and `--every` read alike.
package enum DurationText {
    package static let examples = "250ms, 30s, 5m, 12h or 30d"

    /// The duration in seconds, or nil when `text` is not a positive amount with a unit.
    package static func seconds(_ text: String) -> Double? {
        guard let match = text.wholeMatch(of: #/([0-9]{1,9})(ms|s|m|h|d)/#), let amount = Double(match.output.1),
            amount > 0
        else {
            return nil
        }
        let unit = units.first { $0.name == String(match.output.2) }!.seconds
        return amount * unit
    }

    /// `seconds` written the way `seconds(_:)` reads it, in the largest unit that holds it
    /// whole: 604800 → `7d`, 5400 → `90m`.
    package static func text(_ seconds: Double) -> String {
        let unit = units.first { (seconds / $0.seconds).rounded() == seconds / $0.seconds } ?? units.last!
        return "\(Int((seconds / unit.seconds).rounded()))\(unit.name)"
    }

    /// Largest first.
    private static let units: [(name: String, seconds: Double)] = [
        ("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1), ("ms", 0.001)
    ]
}
