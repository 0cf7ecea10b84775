import AirlockSite
import AirlockSpec
import Foundation

/// What one producer run did, for the CLI to print and tests to check.
package struct RunReport {
    package enum Outcome: Equatable {
        case noNewFiles
        /// New files, but the snapshot equals the baseline.
        case noChanges
        case bundle(file: URL, manifest: Manifest, digest: String)
        /// A finding of severity block: nothing was bundled and the workspace is as it was
        /// before the run (but for the files read, which wait for the next run).
        case blocked([ValidationFinding])
    }

    package var ingested: [IngestedFile] = []
    /// Files whose content was ingested before (by any name).
    package var alreadySeen: [String] = []
    package var rejected: [IngestError] = []
    /// Inbox file names that are not UTF-8, escaped (`bad\xFF.csv`): they are not read until renamed.
    package var undecodableNames: [String] = []
    /// Inbox files some process still has open for writing; the next run takes them.
    package var stillBeingWritten: [String] = []
    /// What validation found: records held back or warned about, and what blocked the run.
    package var findings: [ValidationFinding] = []
    package var outcome: Outcome = .noNewFiles
    /// Drops this run moved into `inbox/processed/`; a blocked run moves them on to
    /// `inbox/blocked/` (`setAside`).
    var processed: [URL] = []
    /// Where a blocked run set its drops aside.
    package var setAside: [URL] = []

    /// Records the run's files held, and those held back: unreadable, or by a check.
    var recordCounts: (read: Int, heldBack: Int) {
        let held = Set(
            findings.filter { $0.severity == .quarantine }.map {
                "\($0.file ?? "")\u{0}\($0.line ?? 0)\u{0}\($0.record ?? 0)"
            })
        let unreadable = ingested.map(\.unparsed).reduce(0, +)
        return (ingested.map(\.records).reduce(0, +) + unreadable, unreadable + held.count)
    }
}
