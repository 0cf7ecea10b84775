import AirlockBase

/// Guesses a CSV file's delimiter from its first lines, as spreadsheet exports vary by locale
/// (`;` where the decimal mark is a comma, tabs from copy and paste, pipes from old systems).
/// `source.delimiter` in the spec overrides the guess.
enum CSVDelimiter {
    static let candidates: [UInt8] = [",", ";", "\t", "|"].map { UInt8(ascii: $0) }

    /// The candidate that appears the same number of times, at least once, on each of the first
    /// lines (outside quotes); the most frequent one in the header when none is that regular;
    /// a comma when the header holds none (a one-column file).
    static func sniff(_ head: [UInt8]) -> UInt8 {
        let lines = countsPerLine(head, lineLimit: 20)
        guard let header = lines.first else { return UInt8(ascii: ",") }
        let regular = candidates.filter { candidate in
            header[candidate, default: 0] > 0
                && lines.allSatisfy { $0[candidate, default: 0] == header[candidate, default: 0] }
        }
        let choices = regular.isEmpty ? candidates.filter { header[$0, default: 0] > 0 } : regular
        return choices.max { header[$0, default: 0] < header[$1, default: 0] } ?? UInt8(ascii: ",")
    }

    /// Candidate counts outside quotes for each complete line of `head`.
    private static func countsPerLine(_ head: [UInt8], lineLimit: Int) -> [[UInt8: Int]] {
        var lines: [[UInt8: Int]] = []
        var counts: [UInt8: Int] = [:]
        var quoted = false
        for byte in head {
            if byte == UInt8(ascii: "\"") {
                quoted.toggle()
            } else if !quoted && byte == UInt8(ascii: "\n") {
                lines.append(counts)
                counts = [:]
                if lines.count == lineLimit { break }
            } else if !quoted && candidates.contains(byte) {
                counts[byte, default: 0] += 1
            }
        }
        if lines.isEmpty { lines.append(counts) }
        return lines
    }
}
