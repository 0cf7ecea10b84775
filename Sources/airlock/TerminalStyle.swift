import AirlockProducer
import Foundation

/// ANSI colors for output on a terminal; plain text in a pipe or file, or when `NO_COLOR` is set.
struct TerminalStyle {
    let enabled: Bool

    /// Colors when standard output is a terminal.
    static let standardOutput = TerminalStyle(
        enabled: isatty(STDOUT_FILENO) == 1 && !ProcessEnvironment.current.noColor)

    private func wrap(_ text: String, _ code: String) -> String { enabled ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }

    func bold(_ text: String) -> String { wrap(text, "1") }
    func good(_ text: String) -> String { wrap(text, "32") }
    func caution(_ text: String) -> String { wrap(text, "33") }
    func bad(_ text: String) -> String { wrap(text, "31") }

    /// The color of a change: green insert, yellow update, red delete.
    func change(_ operation: Change.Operation, _ text: String) -> String {
        switch operation {
        case .insert: return good(text)
        case .update: return caution(text)
        case .delete: return bad(text)
        }
    }

    /// Pads `cells` into columns, the first left-aligned and the rest right-aligned.
    func table(_ rows: [[String]]) -> [String] {
        let widths = rows.reduce(into: [Int]()) { widths, row in
            for (index, cell) in row.enumerated() {
                if index >= widths.count { widths.append(0) }
                widths[index] = max(widths[index], cell.count)
            }
        }
        return rows.map { row in
            row.enumerated().map { index, cell in
                let padding = String(repeating: " ", count: widths[index] - cell.count)
                return index == 0 ? cell + padding : padding + cell
            }.joined(separator: "  ")
        }
    }
}
