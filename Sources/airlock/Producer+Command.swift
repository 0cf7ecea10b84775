import AirlockProducer
import Foundation
import Logging

extension Producer {
    /// The producer a command runs: the workspace in `root`, bundles stamped with the time
    /// `SOURCE_DATE_EPOCH` gives (checked first, before the workspace is opened) or the clock,
    /// signed through ssh-agent when the producer key needs it.
    static func forCommand(root: URL, logger: Logger) throws -> Producer {
        let fixedTime = try ProcessEnvironment.current.sourceDateEpoch()
        var producer = Producer(workspace: try Workspace(root: root.path), logger: logger, fixedTime: fixedTime)
        producer.agent = ProcessEnvironment.current.agent
        return producer
    }
}
