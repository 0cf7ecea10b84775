import AirlockBase
import Foundation

/// The line-based files OpenSSH keeps keys in (`allowed_signers`, revoked key lists): blank
/// lines and `#` comments are skipped, and a bad line is reported with its number.
enum KeyFile {
    /// The parsed lines; `parse` returns nil for a valid line Airlock has no use for.
    static func lines<Entry>(path: String, holding what: String, parse: (String) throws -> Entry?) throws -> [Entry] {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw KeyError.unreadable(path: path, reason: "cannot read \(what): \(FileErrorText.reason(error))")
        }
        var entries: [Entry] = []
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingWhitespace()
            guard !trimmed.isEmpty, !trimmed.hasPrefix("#") else { continue }
            do {
                if let entry = try parse(trimmed) { entries.append(entry) }
            } catch {
                throw KeyError.unreadable(path: path, reason: "line \(number + 1): \(error)")
            }
        }
        return entries
    }
}
