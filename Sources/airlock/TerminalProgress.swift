import AirlockBase
import Foundation

/// A one-line progress bar on standard error, drawn for each new task (so every stage of a
/// run shows, however short), redrawn within a task at most ten times a second, and erased
/// when its task finishes, so that the command's own output stays as it would be in a pipe.
/// Only on a terminal: `handler` is nil when standard error is not one.
final class TerminalProgress {
    private var lastDraw = Date.distantPast
    private var lastTask = ""
    private var drawn = false

    static var handler: ProgressHandler? {
        guard isatty(STDERR_FILENO) == 1 else { return nil }
        return { bar.show($0) }
    }

    /// The one bar of the process: commands run one task at a time, and an error erases it.
    /// Used by one thread at a time: the command's, or while a CSV file is read, the reading
    /// thread (`RecordHandoff`), which the command's thread waits on.
    nonisolated(unsafe) private static let bar = TerminalProgress()

    /// Erases the bar, if one is drawn, so that what is printed next starts on a clean line.
    static func erase() { bar.erase() }

    private func erase() {
        if drawn { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        drawn = false
    }

    private func show(_ update: ProgressUpdate) {
        if update.isFinished { return erase() }
        let now = Date()
        guard now.timeIntervalSince(lastDraw) >= 0.1 || !drawn || update.task != lastTask else { return }
        lastDraw = now
        lastTask = update.task
        drawn = true
        let share = update.total > 0 ? Double(update.done) / Double(update.total) : 0
        let width = 30
        let filled = Int(share * Double(width))
        let amount =
            update.unit == .bytes
            ? "\(Self.megabytes(update.done)) of \(Self.megabytes(update.total))"
            : "step \(update.done + 1) of \(update.total)"
        let line =
            "\r\u{1B}[K[\(String(repeating: "#", count: filled))\(String(repeating: "-", count: width - filled))] "
            + "\(Int(share * 100))% \(VisibleText.escaped(update.task)) (\(amount))"
        FileHandle.standardError.write(Data(line.utf8))
    }

    private static func megabytes(_ bytes: Int64) -> String {
        let tenths = Int((Double(bytes) / 100_000).rounded())
        return "\(tenths / 10).\(tenths % 10) MB"
    }
}
