import AirlockBase
import Foundation
import Logging

/// How log events read on a terminal when no `AIRLOCK_LOG_LEVEL` asks for logs: one human
/// line each, `warning: MESSAGE (key: value, …)`, the way the commands' own lines read,
/// rather than a timestamped record beside them. Piped, or with `AIRLOCK_LOG_LEVEL`, events
/// are log records (`StreamLogHandler`) for a log file to keep.
struct TerminalLogHandler: LogHandler {
    var logLevel: Logger.Level = .warning
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let fields = metadata.merging(event.metadata ?? [:]) { $1 }.sorted { $0.key < $1.key }
            .map { "\($0.key): \($0.value)" }
        let label = event.level >= .error ? "error" : event.level >= .warning ? "warning" : "\(event.level)"
        TerminalProgress.erase()
        printError("\(label): \(event.message)" + (fields.isEmpty ? "" : " (\(fields.joined(separator: ", ")))"))
    }
}
