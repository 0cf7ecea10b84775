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
    /// bundles what changed. With `renormalize`, the records that built each entity's current
    /// rows are read again under the spec as it stands (`WorkspaceFile.reopenCurrent`), and
    /// what that changes is bundled with the rest: a fixed `format:` or value map reaches the
    /// targets without a new export, and records held back before are tried again.
    package func runOnce(files: [URL]? = nil, renormalize: Bool = false) throws -> RunReport {
        do {
            return try run(files: files, renormalize: renormalize)
        } catch let error as DatabaseError where [.SQLITE_CORRUPT, .SQLITE_NOTADB].contains(error.resultCode) {
            throw WorkspaceError.databaseDamaged(details: [error.message ?? "\(error.resultCode)"])
        }
    }

    private func run(files: [URL]?, renormalize: Bool) throws -> RunReport {
        try finishInterruptedDiscards()
        try WorkspaceHealth(workspace: workspace).check()
        try StagedBundles(workspace: workspace).publish()
        try BundleClock(time: now, lifetime: spec.bundleLifetime, fixed: fixedTime != nil)
            .check(newest: try database.read(BundleRecord.latest), logger: logger)
        let signingKey = try KeyStore(directory: workspace.keys, agent: agent).signingKey(spec.producerKey)
        var report = RunReport()
        try ingest(try files ?? readyFiles(noting: &report), into: &report)
        var read = false
        do {
            try database.write { db in
                // In the run's transaction: a blocked run leaves the tables and files as they were.
                let migrations = try followSpec(renormalize: renormalize, in: db)
                let pending = try WorkspaceFile.pendingEntities(in: db)
                guard !pending.isEmpty || !migrations.isEmpty else { return }
                read = true
                // A child is read again from its parent's files.
                let changed = spec.entities.filter { pending.contains($0.filesEntity) }
                try bundle(changed, migrations: migrations, signingKey: signingKey, report: &report, in: db)
            }
        } catch let blocked as Blocked {
            report.findings = blocked.findings
            report.outcome = .blocked(blocked.findings.filter { $0.severity == .block })
            try setAsideBlockedDrop(&report)
        }
        guard read else { return report }
        if let run = try RunRecord(report, finishedAt: now) { try database.write { db in try run.insert(db) } }
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
