import AirlockBase
import AirlockSite
import AirlockSpec
import GRDB

/// The run's transaction: the drop run, and when it changes something and nothing blocks,
/// its bundle staged and the workspace moved on to it.
extension Producer {
    /// Thrown out of the run's transaction so that a blocked run changes nothing.
    struct Blocked: Error {
        let findings: [ValidationFinding]
    }

    /// Runs the drop and, when it changes something and nothing blocks, stages its bundle and
    /// makes the snapshots the new baselines, in the run's transaction.
    func bundle(
        _ changed: [EntitySpec], migrations: [EntityMigration], signingKey: any Signer, report: inout RunReport,
        in db: Database
    ) throws {
        var drop = try DropRun(spec: spec, logger: logger, progress: progress).run(changed, in: db)
        drop.migrations = migrations.filter(\.onTargets)
        drop.findings += try migrations.flatMap { try SchemaFit($0).unfit(in: db) }
        report.findings = drop.findings
        if drop.isBlocked { throw Blocked(findings: drop.findings) }
        let sequence = try BundleRecord.nextSequence(in: db)
        for migration in drop.migrations { try WorkspaceMigration.clearUnfit(migration, bundle: sequence, in: db) }
        // A cleared value is a change of its row: the bundle's changes are found again, over
        // the baselines as the targets will hold them, and counted again.
        for entity in drop.entities
        where drop.migrations.contains(where: { !$0.cleared.isEmpty && $0.name == entity.name }) {
            let diff = EntityDiff(entity)
            let before = try diff.counts(in: db)
            try diff.findChanges(in: db)
            let after = try diff.counts(in: db)
            drop.counts[entity.name]?.inserted += after.inserted - before.inserted
            drop.counts[entity.name]?.updated += after.updated - before.updated
            drop.counts[entity.name]?.deleted += after.deleted - before.deleted
            drop.counts[entity.name]?.unchanged += after.unchanged - before.unchanged
        }
        guard drop.changesSomething else {
            try WorkspaceFile.settlePending(as: .unchanged, in: db)
            report.outcome = .noChanges
            return
        }
        let stager = BundleStager(
            spec: spec, specDigest: workspace.specDigest, staging: workspace.staging, logger: logger, time: now,
            progress: progress)
        let staged = try stager.stage(drop, signingKey: signingKey, in: db)
        progress?(ProgressUpdate(task: "keeping the new baseline", done: 0, total: 1, unit: .steps))
        try timer.time("promote baseline") {
            for entity in drop.entities { try EntityDiff(entity).promote(bundle: sequence, in: db) }
        }
        try WorkspaceFile.settlePending(as: .bundled, bundle: sequence, in: db)
        try BundleRecord(
            sequence: sequence, id: staged.manifest.id, digest: staged.digest, fileName: staged.file.lastPathComponent,
            createdAt: staged.manifest.created, specDigest: workspace.specDigest,
            changesSchema: !drop.migrations.isEmpty
        ).insert(db)
        // With the bundle, never before: a pull whose records were not bundled asks for them again.
        try PullCursor.commit(staged.cursors, in: db)
        try BaselineSums.record(staged.sums, bundle: sequence, specDigest: workspace.specDigest, in: db)
        report.outcome = .bundle(
            file: workspace.outbox.appendingPathComponent(staged.file.lastPathComponent),
            manifest: staged.manifest, digest: staged.digest)
    }
}
