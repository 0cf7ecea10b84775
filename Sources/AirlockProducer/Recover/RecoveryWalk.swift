import AirlockBase
import AirlockSite
import AirlockSpec
import Foundation
import GRDB

/// The bundles of the outbox read newest first into the workspace being rebuilt. An entity's
/// rows come from the first (newest) bundle that holds it: its cutover data is the entity's
/// full snapshot then and now, since no later bundle changed it. Then each bundle's change
/// files, read backwards (`ChangeReplay`), give its before-images and turn the rows back to
/// what they were before it, where the older bundle's manifest checks them again.
struct RecoveryWalk {
    let spec: Spec
    let verifier: BundleVerifier
    /// A folder for one bundle's members at a time.
    let work: URL

    struct Read {
        var manifest: Manifest
        var digest: String
    }

    /// The manifests, oldest first; the baselines are left in the `base_` tables.
    func run(_ bundles: [OutboxBundle], in db: Database) throws -> [Read] {
        var reads: [Read] = []
        var loaded: Set<String> = []
        // Entities whose tables a newer bundle changed: older bundles hold them in another
        // shape, so their rows stop at that bundle (and it cannot be discarded).
        var reshaped: Set<String> = []
        var child: Read?
        for bundle in bundles.reversed() {
            let folder = work.appendingPathComponent(bundle.name)
            defer { try? FileManager.default.removeItem(at: folder) }
            let verified = try verifier.verify(bundle.url, policy: .integrityOnly, extractTo: folder)
            let read = Read(manifest: verified.manifest, digest: verified.digest)
            guard read.manifest.sequence == bundle.sequence else {
                throw RecoverError.notOneChain(
                    bundle: bundle.name, reason: "its manifest says it is bundle \(read.manifest.sequence)")
            }
            if let child, child.manifest.parent != read.digest {
                throw RecoverError.notOneChain(
                    bundle: bundle.name,
                    reason:
                        "bundle \(BundleIdentity.pad(child.manifest.sequence)) names parent \(child.manifest.parent.prefix(16)), this one's digest is \(read.digest.prefix(16))"
                )
            }
            for entity in spec.entities where !reshaped.contains(entity.name) {
                guard let recorded = read.manifest.entities.first(where: { $0.name == entity.name }) else { continue }
                let tables = EntityTables(entity)
                if loaded.insert(entity.name).inserted {
                    let script = folder.appendingPathComponent(BundleLayout.script(.cutover, for: .sqlite))
                    let columns = try CutoverRows(entity: entity, sequence: bundle.sequence).load(
                        from: script, into: tables.baseline, in: db)
                    guard columns.missing.isEmpty && columns.extra.isEmpty else {
                        throw RecoverError.rowsDiffer(
                            entity: entity.name, bundle: bundle.name,
                            reason:
                                "have columns the spec does not (\(columns.extra.joined(separator: ", "))) and lack ones it has (\(columns.missing.joined(separator: ", ")))"
                        )
                    }
                    try tables.copyBaselineToSnapshot(in: db)
                }
                try check(entity, against: recorded, bundle: bundle.name, in: db)
                try ChangeReplay(entity).rewind(
                    bundle: bundle.sequence,
                    changes: folder.appendingPathComponent(BundleLayout.changes(of: entity.name)),
                    in: db)
            }
            reshaped.formUnion((read.manifest.schemaChanges ?? []).map(\.entity))
            reads.append(read)
            child = read
        }
        for entity in spec.entities {
            let tables = EntityTables(entity)
            if !loaded.contains(entity.name) && bundles.first!.sequence > 1 {
                throw RecoverError.rowsMissing(entity: entity.name, oldest: bundles.first!.name)
            }
            // Back before the first bundle, every entity was empty.
            if bundles.first!.sequence == 1, !reshaped.contains(entity.name),
                try Int.fetchOne(db, sql: "SELECT count(*) FROM \(tables.snapshot)") != 0
            {
                throw RecoverError.rowsDiffer(
                    entity: entity.name, bundle: bundles.first!.name,
                    reason: "do not go back to an empty table before it when its change files are read backwards")
            }
            try db.execute(sql: "DELETE FROM \(tables.snapshot)")
        }
        return reads.reversed()
    }

    /// The entity's rows as they stand (its state after `bundle`) against the manifest's count
    /// and SQLite checksum of that state.
    private func check(_ entity: EntitySpec, against recorded: Manifest.Entity, bundle: String, in db: Database) throws
    {
        let snapshot = EntityTables(entity).snapshot
        let rows = try Int.fetchOne(db, sql: "SELECT count(*) FROM \(snapshot)") ?? 0
        let checksum = try TableChecksum(entity: entity).expected(table: snapshot, in: db)[.sqlite]
        guard rows == recorded.rows, checksum == recorded.checksums?[SQLDialect.sqlite.rawValue] else {
            throw RecoverError.rowsDiffer(
                entity: entity.name, bundle: bundle,
                reason:
                    "do not match its manifest (\(rows) rows, checksum \(checksum ?? "none"); the manifest says \(recorded.rows) rows, \(recorded.checksums?[SQLDialect.sqlite.rawValue] ?? "none"))"
            )
        }
    }
}
