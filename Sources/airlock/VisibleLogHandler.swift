import AirlockBase
import Logging

/// A log handler that shows the messages and metadata it is given with their control
/// characters made visible (`VisibleText`), then hands them to `base`: logs name files and
/// quote values from sources, and a log is read on a terminal.
struct VisibleLogHandler: LogHandler {
    private var base: any LogHandler

    init(wrapping base: any LogHandler) {
        self.base = base
    }

    var logLevel: Logger.Level {
        get { base.logLevel }
        set { base.logLevel = newValue }
    }

    var metadata: Logger.Metadata {
        get { base.metadata }
        set { base.metadata = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { base[metadataKey: key] }
        set { base[metadataKey: key] = newValue }
    }

    func log(event: LogEvent) {
        var event = event
        event.message = "\(VisibleText.message(event.message.description))"
        event.metadata = event.metadata.map { Self.visible($0) }
        base.log(event: event)
    }

    private static func visible(_ metadata: Logger.Metadata) -> Logger.Metadata {
        metadata.mapValues { value in
            switch value {
            case let .string(text): return .string(VisibleText.escaped(text))
            case let .stringConvertible(item): return .string(VisibleText.escaped(item.description))
            case let .array(items): return .array(items.map { .string(VisibleText.escaped($0.description)) })
            case let .dictionary(items): return .dictionary(visible(items))
            }
        }
    }
}
