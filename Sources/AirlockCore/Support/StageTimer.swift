import Foundation
import Logging

/// Logs how long each stage of a run took, at debug level (`AIRLOCK_LOG_LEVEL=debug`), so a
/// slow run says where its time went without a profiler.
struct StageTimer {
    let logger: Logger

    func time<T>(_ stage: String, _ metadata: Logger.Metadata = [:], _ body: () throws -> T) rethrows -> T {
        let start = ContinuousClock.now
        defer {
            let elapsed = ContinuousClock.now - start
            var metadata = metadata
            metadata["seconds"] = "\(Double(elapsed.components.attoseconds) / 1e18 + Double(elapsed.components.seconds))"
            logger.debug("stage \(stage)", metadata: metadata)
        }
        return try body()
    }
}
