import Foundation
import Logging

/// Logs how long each stage of a run took, at debug level (`AIRLOCK_LOG_LEVEL=debug`), so a
/// slow run says where its time went without a profiler.
struct StageTimer {
    let logger: Logger

    func time<T>(_ stage: String, _ metadata: Logger.Metadata = [:], _ body: () throws -> T) rethrows -> T {
        let start = ContinuousClock.now
        defer {
            let elapsed = (ContinuousClock.now - start).components
            var metadata = metadata
            metadata["seconds"] =
                "\(String(format: "%.3f", Double(elapsed.seconds) + Double(elapsed.attoseconds) * 1e-18))"
            logger.debug("stage \(stage)", metadata: metadata)
        }
        return try body()
    }
}
