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
        let unit: Double = ["ms": 0.001, "s": 1, "m": 60, "h": 3_600, "d": 86_400][String(match.output.2)]!
        return amount * unit
    }
}
