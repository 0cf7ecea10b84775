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
        try publishStagedBundles()
        try BundleClock(
            time: fixedTime ?? Int(Date().timeIntervalSince1970), lifetime: spec.bundleLifetime, fixed: fixedTime != nil
        )
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
            // The drop's files are set aside like rejected ones: dropped again (after the data or
            // the spec is fixed) they are read afresh, and a corrected export is not mixed with them.
            try database.write { db in
                try WorkspaceFile.settlePending(
                    as: .rejected, error: "validation blocked the bundle; see .airlock/validation.json", in: db)
            }
            let disposal = InboxDisposal(inbox: workspace.inbox, keepProcessed: spec.inbox.keepProcessed)
            report.setAside = try report.processed.map { try disposal.setAside($0) }
        }
        try record(report)
        try ValidationReport(findings: report.findings).encoded().write(
            to: workspace.state.appendingPathComponent(BundleLayout.validation))
        if case let .bundle(file, manifest, _) = report.outcome {
            try publishStagedBundles()
            logger.info(
                "wrote bundle",
                metadata: [
                    "file": "\(file.path)", "sequence": "\(manifest.sequence)",
                    "changes": "\(manifest.entities.map { $0.counts.changed }.reduce(0, +))"
                ])
        }
        return report
    }

    /// Keeps what the run ended in for `airlock status`.
    private func record(_ report: RunReport) throws {
        let outcome: RunOutcome
        var sequence: Int?
        var blocking: [RunRecord.Blocking] = []
        switch report.outcome {
        case .noNewFiles: return
        case .noChanges: outcome = .unchanged
        case let .bundle(_, manifest, _):
            outcome = .bundled
            sequence = manifest.sequence
        case let .blocked(findings):
            outcome = .blocked
            for finding in findings {
                if let index = blocking.firstIndex(where: { $0.check == finding.check && $0.entity == finding.entity })
                {
                    blocking[index].count += 1
                } else {
                    blocking.append(
                        .init(check: finding.check, entity: finding.entity, count: 1, first: finding.reason))
                }
            }
        }
        let counts = report.recordCounts
        var run = RunRecord(
            finishedAt: Date(timeIntervalSince1970: TimeInterval(fixedTime ?? Int(Date().timeIntervalSince1970)))
                .utcTimestamp,
            outcome: outcome, bundleSequence: sequence, records: counts.read, heldBack: counts.heldBack,
            blocking: String(decoding: try JSONEncoder().encode(blocking), as: UTF8.self),
            setAside: String(
                decoding: try JSONEncoder().encode(
                    report.setAside.map { "inbox/blocked/\($0.lastPathComponent)" }),
                as: UTF8.self))
        try database.write { db in try run.insert(db) }
    }

    /// Thrown out of the run's transaction so that a blocked run changes nothing.
    private struct Blocked: Error {
        let findings: [ValidationFinding]
    }

    /// Runs the drop and, when it changes something and nothing blocks, stages its bundle and
    /// makes the snapshots the new baselines, in the run's transaction.
    private func bundle(_ changed: [EntitySpec], signingKey: any Signer, report: inout RunReport, in db: Database)
        throws
    {
        let drop = try DropRun(spec: spec, logger: logger, progress: progress).run(changed, in: db)
        report.findings = drop.findings
        if drop.isBlocked { throw Blocked(findings: drop.findings) }
        guard drop.changesSomething else {
            try WorkspaceFile.settlePending(as: .unchanged, in: db)
            report.outcome = .noChanges
            return
        }
        let stager = BundleStager(
            spec: spec, staging: workspace.staging, logger: logger,
            time: fixedTime ?? Int(Date().timeIntervalSince1970), progress: progress)
        let staged = try stager.stage(drop, signingKey: signingKey, in: db)
        let sequence = staged.manifest.sequence
        progress?(ProgressUpdate(task: "keeping the new baseline", done: 0, total: 1, unit: .steps))
        try timer.time("promote baseline") {
            for entity in drop.entities { try EntityDiff(entity).promote(bundle: sequence, in: db) }
        }
        try WorkspaceFile.settlePending(as: .bundled, bundle: sequence, in: db)
        try BundleRecord(
            sequence: sequence, id: staged.manifest.id, digest: staged.digest, fileName: staged.file.lastPathComponent,
            createdAt: staged.manifest.created
        ).insert(db)
        // With the bundle, never before: a pull whose records were not bundled asks for them again.
        try PullCursor.commit(staged.cursors, in: db)
        report.outcome = .bundle(
            file: workspace.outbox.appendingPathComponent(staged.file.lastPathComponent),
            manifest: staged.manifest, digest: staged.digest)
    }

    /// Moves bundles whose transaction committed from staging into `outbox/`, never over a
    /// file there. One already there with the same digest was published by a run that died
    /// before removing its staged copy; one with another digest is not this workspace's.
    func publishStagedBundles() throws {
        for bundle in try database.read(BundleRecord.all) {
            let staged = workspace.staging.appendingPathComponent(bundle.fileName)
            guard FileManager.default.fileExists(atPath: staged.path) else { continue }
            do {
                try BundleWriter.publish(staged, into: workspace.outbox)
            } catch BundleError.alreadyInOutbox {
                let published = OutboxBundle(
                    url: workspace.outbox.appendingPathComponent(bundle.fileName), sequence: bundle.sequence)
                let digest = try? published.digest()
                guard digest == bundle.digest else {
                    throw WorkspaceError.outboxMismatch(
                        found: "outbox/\(bundle.fileName) is not the bundle \(BundleIdentity.pad(bundle.sequence)) "
                            + "this workspace made and staged (digest \(digest.map { String($0.prefix(16)) } ?? "unreadable"), "
                            + "expected \(bundle.digest.prefix(16))); it was not overwritten")
                }
                try FileManager.default.removeItem(at: staged)
            }
        }
    }
}
