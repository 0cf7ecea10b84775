import AirlockBase
import Foundation

extension RunRecord {
    /// What `report`'s run ended in, finished at `time` (seconds since 1970), for `airlock
    /// status`; nil for a run that read nothing new, which is not kept.
    init?(_ report: RunReport, finishedAt time: Int) throws {
        var sequence: Int?
        var blocking: [Blocking] = []
        switch report.outcome {
        case .noNewFiles: return nil
        case .noChanges: outcome = .unchanged
        case let .bundle(_, manifest, _):
            outcome = .bundled
            sequence = manifest.sequence
        case let .blocked(findings):
            outcome = .blocked
            // One line per blocking check and entity, with how often it fired and its first words.
            for finding in findings {
                if let index = blocking.firstIndex(where: { $0.check == finding.check && $0.entity == finding.entity })
                {
                    blocking[index].count += 1
                } else {
                    blocking.append(
                        Blocking(check: finding.check, entity: finding.entity, count: 1, first: finding.reason))
                }
            }
        }
        let counts = report.recordCounts
        let encoder = JSONEncoder()
        finishedAt = Date(timeIntervalSince1970: TimeInterval(time)).utcTimestamp
        bundleSequence = sequence
        records = counts.read
        heldBack = counts.heldBack
        self.blocking = String(decoding: try encoder.encode(blocking), as: UTF8.self)
        setAside = String(
            decoding: try encoder.encode(report.setAside.map { "inbox/blocked/\($0.lastPathComponent)" }),
            as: UTF8.self)
    }
}
