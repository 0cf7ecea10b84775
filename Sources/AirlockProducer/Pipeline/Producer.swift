import AirlockBase
import AirlockSite
import AirlockSpec
import Foundation
import GRDB
import Logging

/// One pass of the pipeline: inbox → ingest → `DropRun` (normalize, validate, diff) →
/// `BundleStager` (a signed bundle under `.airlock/staging`) → `outbox/`.
///
/// Crash safety: each file's ingest is one transaction. The drop run, the staging, the
/// baseline update and the bundle's bookkeeping (pull cursors included) run in one more; the
/// bundle is published into `outbox/` after it commits (a run that died in between publishes
/// it next time).
package struct Producer {
    package let workspace: Workspace
    let logger: Logger
    /// Seconds since 1970 to stamp bundles with instead of the clock, for reproducible bundles
    /// (`SOURCE_DATE_EPOCH`).
    let fixedTime: Int?
    /// Told how reading each file and writing the bundle progress, for a terminal's progress bar.
    package var progress: ProgressHandler?
    /// Signs with a producer key Airlock cannot read itself (passphrase-protected, hardware-backed).
    package var agent: SSHAgent?

    package init(workspace: Workspace, logger: Logger, fixedTime: Int? = nil) {
        self.workspace = workspace
        self.logger = logger
        self.fixedTime = fixedTime
    }

    var database: DatabaseQueue { workspace.database }
    var spec: Spec { workspace.spec }
    var timer: StageTimer { StageTimer(logger: logger) }
    /// Seconds since 1970: the fixed time, or the clock's.
    var now: Int { fixedTime ?? Int(Date().timeIntervalSince1970) }

    /// Ingests `files` (by default every inbox file no process is still writing), then
    /// bundles what changed.
    package func runOnce(files: [URL]? = nil) throws -> RunReport {
        do {
            return try run(files: files)
        } catch let error as DatabaseError where [.SQLITE_CORRUPT, .SQLITE_NOTADB].contains(error.resultCode) {
            throw WorkspaceError.databaseDamaged(details: [error.message ?? "\(error.resultCode)"])
        }
    }

    private func run(files: [URL]?) throws -> RunReport {
        try finishInterruptedDiscards()
        try WorkspaceHealth(workspace: workspace).check()
        try StagedBundles(workspace: workspace).publish()
        try BundleClock(time: now, lifetime: spec.bundleLifetime, fixed: fixedTime != nil)
            .check(newest: try database.read(BundleRecord.latest), logger: logger)
        let signingKey = try KeyStore(directory: workspace.keys, agent: agent).signingKey(spec.producerKey)
        var report = RunReport()
        try ingest(try files ?? readyFiles(noting: &report), into: &report)
        let pending = try database.read(WorkspaceFile.pendingEntities)
        guard !pending.isEmpty else { return report }
        // A child is read again from its parent's files.
        let changed = spec.entities.filter { pending.contains($0.filesEntity) }
        do {
            try database.write { db in try bundle(changed, signingKey: signingKey, report: &report, in: db) }
        } catch let blocked as Blocked {
            report.findings = blocked.findings
            report.outcome = .blocked(blocked.findings.filter { $0.severity == .block })
            try setAsideBlockedDrop(&report)
        }
        if var run = try RunRecord(report, finishedAt: now) { try database.write { db in try run.insert(db) } }
        try ValidationReport(findings: report.findings).encoded().write(
            to: workspace.state.appendingPathComponent(BundleLayout.validation))
        if case let .bundle(file, manifest, _) = report.outcome {
            try StagedBundles(workspace: workspace).publish()
            logger.info(
                "wrote bundle",
                metadata: [
                    "file": "\(file.path)", "sequence": "\(manifest.sequence)",
                    "changes": "\(manifest.entities.map { $0.counts.changed }.reduce(0, +))"
                ])
        }
        return report
    }
}
