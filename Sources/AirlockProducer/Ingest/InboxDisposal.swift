import AirlockBase
import AirlockSite
import AirlockSpec
import Foundation
import Glibc

/// Moves a drop out of the inbox once it is dealt with, so the inbox shows only what is still
/// to come: to `inbox/processed/` when anything in it was read (or had been before), to
/// `inbox/rejected/` when nothing was. Problems are written beside it as `NAME.error.txt`,
/// naming file, line or record, field and reason. The error file is written first and the
/// drop renamed after, so a crash in between leaves the drop in the inbox to be dealt with again.
struct InboxDisposal {
    let inbox: URL
    /// `inbox: {processed: keep}`: read files stay where they are.
    let keepProcessed: Bool

    var processed: URL { inbox.appendingPathComponent("processed") }
    var rejected: URL { inbox.appendingPathComponent("rejected") }
    /// Where a blocked run's files go, to be dropped again once the data or the spec is fixed.
    var blocked: URL { inbox.appendingPathComponent("blocked") }

    /// Where the drop went, or nil when it stays in the inbox. `mode` is the drop's permission
    /// bits: its error file gets at most those, so it is never more readable than the file it
    /// describes (a drop that could not be opened gets 0600).
    @discardableResult
    func dispose(_ url: URL, mode: mode_t? = nil, outcomes: [Ingestor.Outcome]) throws -> URL? {
        let isRejected = outcomes.allSatisfy(\.isRejected)
        if keepProcessed && !isRejected { return nil }
        return try move(url, into: isRejected ? rejected : processed, problems: Self.problems(in: outcomes), mode: mode)
    }

    /// Moves a file a blocked run read out of `inbox/processed/` into `inbox/blocked/`.
    func setAside(_ url: URL) throws -> URL { try move(url, into: blocked, problems: "", mode: nil) }

    /// Moves `url` into `folder` under its name, or a numbered one when that is taken, with
    /// `problems` (if any) beside it as `NAME.error.txt`.
    private func move(_ url: URL, into folder: URL, problems: String, mode: mode_t?) throws -> URL {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        // A name taken between looking and moving (another run, an operator) is never replaced.
        while true {
            let destination = freeName(for: url.lastPathComponent, in: folder)
            if !problems.isEmpty { try write(problems, to: destination.path + ".error.txt", mode: mode ?? 0o600) }
            switch FileMove.withoutReplacing(url, to: destination) {
            case .moved: return destination
            case .exists: continue
            case let .failed(number):
                throw IngestError.unreadable(
                    file: url.lastPathComponent,
                    reason: "cannot move it to \(folder.path): \(String(cString: strerror(number)))")
            case .crossDevice:
                throw IngestError.unreadable(
                    file: url.lastPathComponent, reason: "cannot move it to \(folder.path): another file system")
            }
        }
    }

    /// Writes `path` (never through a link) with at most `mode`'s read and write bits; a file
    /// left by a run that died before moving its drop is overwritten.
    private func write(_ text: String, to path: String, mode: mode_t) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, mode & 0o666)
        guard descriptor >= 0 else {
            throw IngestError.unreadable(
                file: URL(fileURLWithPath: path).lastPathComponent,
                reason: "cannot write it: \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        let bytes = Array(text.utf8)
        var written = 0
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            guard count > 0 else {
                throw IngestError.unreadable(
                    file: URL(fileURLWithPath: path).lastPathComponent,
                    reason: "cannot write it: \(String(cString: strerror(errno)))")
            }
            written += count
        }
    }

    /// The text of `NAME.error.txt`: one line per rejected file or held-back record.
    static func problems(in outcomes: [Ingestor.Outcome]) -> String {
        var lines: [String] = []
        for outcome in outcomes {
            switch outcome {
            case let .rejected(error):
                lines.append("rejected: \(error)")
            case let .ingested(file) where file.unparsed > 0:
                lines += file.firstUnparsed.map { "held back: \(file.name): \($0.place): \($0.reason)" }
                if file.unparsed > file.firstUnparsed.count {
                    lines.append(
                        "held back: \(file.name): \(file.unparsed - file.firstUnparsed.count) more records (airlock status --unparsed lists them all)"
                    )
                }
            default:
                continue
            }
        }
        return lines.isEmpty ? "" : lines.joined(separator: "\n") + "\n"
    }

    /// `name`, or `name-2`, `name-3`… before the extension when an earlier drop took it.
    private func freeName(for name: String, in folder: URL) -> URL {
        let candidate = folder.appendingPathComponent(name)
        guard FileManager.default.fileExists(atPath: candidate.path) else { return candidate }
        let dot = name.dropFirst().firstIndex(of: ".") ?? name.endIndex
        var number = 2
        while true {
            let numbered = folder.appendingPathComponent("\(name[..<dot])-\(number)\(name[dot...])")
            if !FileManager.default.fileExists(atPath: numbered.path) { return numbered }
            number += 1
        }
    }
}
