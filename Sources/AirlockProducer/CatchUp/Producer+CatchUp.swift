import AirlockBase
import AirlockSite
import Foundation
import GRDB

extension Producer {
    /// A catch-up bundle written to `outbox/`.
    package struct CaughtUp {
        package var file: URL
        package var manifest: Manifest
        package var digest: String
    }

    /// Writes one bundle that moves a target at bundle `from` (a sequence, 0 for an empty
    /// target, or a digest) to the newest bundle: the net changes of the bundles between, with
    /// the target's rows at `from` as before-images, parent `from`'s digest, and a ledger at
    /// the newest bundle's digest afterwards. The workspace is only read: its baselines are
    /// walked back to `from` with the before-images each bundle kept, in a transaction that
    /// is rolled back.
    package func catchUp(from: String) throws -> CaughtUp {
        try WorkspaceHealth(workspace: workspace).check()
        try StagedBundles(workspace: workspace).publish()
        let signingKey = try KeyStore(directory: workspace.keys, agent: agent).signingKey(spec.producerKey)
        let stager = BundleStager(
            spec: spec, specDigest: workspace.specDigest, staging: workspace.staging, logger: logger, time: now,
            progress: progress)
        var staged: BundleStager.Staged?
        try database.writeWithoutTransaction { db in
            try db.inTransaction {
                let chain = try BundleRecord.all(in: db)
                let start = try Self.start(from, in: chain)
                guard let head = chain.last, start.sequence < head.sequence else {
                    throw CatchUpError.nothingToCatchUp(from: start.sequence, head: chain.last?.sequence ?? 0)
                }
                // An empty target gets every table as the spec has it now; one at a bundle
                // before a schema change needs the change's bundle first.
                let changing = chain.filter { $0.changesSchema && $0.sequence > start.sequence }
                if let last = changing.last, start.sequence > 0 {
                    throw CatchUpError.spansSchemaChange(from: start.sequence, changing: last.sequence)
                }
                let drop = try walkBack(
                    to: start.sequence, from: head.sequence, schemaChanging: Set(changing.map(\.sequence)), in: db)
                let position = ChainPosition(
                    sequence: head.sequence, parent: start.digest,
                    sources: try WorkspaceFile.bundledSources(after: start.sequence, through: head.sequence, in: db),
                    catchup: Manifest.CatchUp(from: start.sequence, head: head.digest))
                staged = try stager.stage(drop, at: position, signingKey: signingKey, in: db)
                return .rollback
            }
        }
        guard let staged else { throw CatchUpError.nothingToCatchUp(from: 0, head: 0) }
        try BundleWriter.publish(staged.file, into: workspace.outbox)
        let file = workspace.outbox.appendingPathComponent(staged.file.lastPathComponent)
        logger.info(
            "wrote catch-up bundle",
            metadata: [
                "file": "\(file.path)", "from": "\(staged.manifest.catchup!.from)", "to": "\(staged.manifest.sequence)"
            ])
        return CaughtUp(file: file, manifest: staged.manifest, digest: staged.digest)
    }

    /// The bundle `text` names in `chain` (its sequence or digest), or the empty target (0).
    private static func start(_ text: String, in chain: [BundleRecord]) throws -> (sequence: Int, digest: String) {
        if text == "0" { return (0, "") }
        let found =
            Int(text).flatMap { sequence in chain.first { $0.sequence == sequence } }
            ?? chain.first { $0.digest == text.lowercased() }
        guard let found else { throw CatchUpError.unknownBundle(text) }
        return (found.sequence, found.digest)
    }

    /// Makes each entity's snapshot its rows at bundle `head` and its baseline its rows at
    /// bundle `start`, and returns what a bundle between the two carries: the entities whose
    /// rows differ, parents first, with their counts.
    /// A bundle that changed the schema (`schemaChanging`) may have changed no row.
    private func walkBack(to start: Int, from head: Int, schemaChanging: Set<Int>, in db: Database) throws
        -> DropRun.Result
    {
        for entity in spec.entities { try EntityTables(entity).copyBaselineToSnapshot(in: db) }
        for sequence in stride(from: head, to: start, by: -1) {
            guard
                try schemaChanging.contains(sequence)
                    || spec.entities.contains(where: { try EntityDiff($0).hasBeforeImages(bundle: sequence, in: db) })
            else { throw CatchUpError.noBeforeImages(sequence: sequence) }
            for entity in spec.entities { try EntityDiff(entity).restore(bundle: sequence, in: db) }
        }
        var result = DropRun.Result()
        for entity in spec.entities {
            let counting = DropCounts(entity: entity, normalized: nil)
            try EntityDiff(entity).findChanges(in: db)
            let counts = try counting.counts(in: db)
            guard counts.changed > 0 else { continue }
            result.counts[entity.name] = counts
            if let category = entity.category {
                result.categories[entity.name] = try counting.categories(column: category, in: db)
            }
            result.entities.append(entity)
        }
        return result
    }
}
