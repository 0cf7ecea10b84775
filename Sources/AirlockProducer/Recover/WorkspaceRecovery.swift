import AirlockBase
import AirlockSite
import AirlockSpec
import Foundation
import GRDB
import Logging

/// `airlock recover`: rebuilds a workspace's state from the bundles in its `outbox/` when its
/// database was lost, damaged or replaced. The chain position (sequence and digest of the
/// newest bundle) comes from the manifests; each entity's baseline rows from the newest bundle
/// that changed it, whose cutover data carries its full snapshot; the before-images that
/// `discard` needs by reading every bundle's change files backwards. Every bundle is verified
/// (hashes and producer signature) and every rebuilt table is checked against the checksums
/// its manifests recorded, so a recovery either rebuilds exactly what the bundles describe or
/// refuses with a reason (`RecoverError`) and changes nothing.
///
/// The new database is built beside the old one; the old one (and `.airlock/staging`) is moved
/// to `.airlock/before-recover-TIME/`, never deleted.
package struct WorkspaceRecovery {
    package let root: URL
    package let verifier: BundleVerifier
    let logger: Logger

    package init(root: URL, verifier: BundleVerifier, logger: Logger) {
        self.root = root
        self.verifier = verifier
        self.logger = logger
    }

    package struct Recovered: Equatable {
        /// The newest bundle: the next one continues from it.
        package var sequence: Int
        package var digest: String
        /// The bundles read, oldest first.
        package var bundles: [String]
        /// Baseline rows per entity, in spec order.
        package var rows: [(entity: String, rows: Int)]
        /// Where the previous database went, when there was one.
        package var movedAside: URL?

        package static func == (a: Recovered, b: Recovered) -> Bool {
            a.sequence == b.sequence && a.digest == b.digest && a.bundles == b.bundles
                && a.rows.map { "\($0.entity)=\($0.rows)" } == b.rows.map { "\($0.entity)=\($0.rows)" }
                && a.movedAside == b.movedAside
        }
    }

    private var state: URL { root.appendingPathComponent(".airlock") }
    private var database: URL { state.appendingPathComponent(Workspace.databaseFileName) }

    package func recover(now: Date = Date()) throws -> Recovered {
        let spec = try Spec.load(path: root.appendingPathComponent(Workspace.specFileName).path)
        try refuseWhenSound()
        let bundles = OutboxBundle.list(in: root.appendingPathComponent("outbox"))
        guard let newest = bundles.last, let oldest = bundles.first else { throw RecoverError.noBundles }
        let missing = (oldest.sequence...newest.sequence).filter { sequence in
            !bundles.contains { $0.sequence == sequence }
        }
        guard missing.isEmpty else {
            throw RecoverError.gap(missing: missing.map { "bundle-\(BundleIdentity.pad($0)).tar.gz" })
        }
        // The workspace records the spec's entities as the bundles' tables: they must be the same.
        let digest = try FileDigest.sha256(of: root.appendingPathComponent(Workspace.specFileName))
        // Its manifest only: the walk verifies every bundle.
        if let made = try newest.manifest().manifest.specDigest, made != digest {
            throw RecoverError.specChanged(bundle: newest.name, made: made, now: digest)
        }
        let work = state.appendingPathComponent("recovering")
        try? FileManager.default.removeItem(at: work)
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let rebuilt = work.appendingPathComponent(Workspace.databaseFileName)
        let queue = try DatabaseQueue(path: rebuilt.path)
        try WorkspaceSchema.migrator.migrate(queue)
        let manifests = try queue.write { db in
            for entity in spec.entities { try EntityTables(entity).create(in: db) }
            return try RecoveryWalk(spec: spec, verifier: verifier, work: work).run(bundles, in: db)
        }
        try queue.write { db in try record(manifests, bundles: bundles, spec: spec, in: db) }
        let rows = try queue.read { db in
            try spec.entities.map {
                ($0.name, try Int.fetchOne(db, sql: "SELECT count(*) FROM \(EntityTables($0).baseline)") ?? 0)
            }
        }
        try queue.close()
        let movedAside = try swapIn(rebuilt, now: now)
        let last = manifests.last!
        logger.info("recovered", metadata: ["sequence": "\(last.manifest.sequence)", "bundles": "\(bundles.count)"])
        return Recovered(
            sequence: last.manifest.sequence, digest: last.digest, bundles: bundles.map(\.name), rows: rows,
            movedAside: movedAside)
    }

    /// A database that opens, passes `integrity_check` and knows the outbox needs no recovery;
    /// and one a later release migrated, which is not this release's to rebuild.
    private func refuseWhenSound() throws {
        guard FileManager.default.fileExists(atPath: database.path) else { return }
        let sound: Bool
        do {
            let workspace = try Workspace(root: root.path)
            try WorkspaceHealth(workspace: workspace).check(always: true)
            sound = true
        } catch WorkspaceError.newerWorkspace(let changes) {
            throw WorkspaceError.newerWorkspace(changes: changes)
        } catch {
            logger.info("recovering", metadata: ["found": "\(error)"])
            sound = false
        }
        if sound { throw RecoverError.nothingToRecover }
    }

    /// The chain (every bundle of the outbox), the files each read, the pull cursors each
    /// committed and, for a kept inbox, the names they lie under; a placeholder for the bundle before the oldest, so the next
    /// sequence never restarts at 1 even if every recovered bundle is discarded.
    private func record(_ manifests: [RecoveryWalk.Read], bundles: [OutboxBundle], spec: Spec, in db: Database) throws {
        if let first = manifests.first, first.manifest.sequence > 1 {
            try BundleRecord(
                sequence: first.manifest.sequence - 1, id: "", digest: first.manifest.parent,
                fileName: "bundle-\(BundleIdentity.pad(first.manifest.sequence - 1)).tar.gz", createdAt: ""
            ).insert(db)
        }
        var order = 0
        for read in manifests {
            let manifest = read.manifest
            try PullCursor.commit(PullCursor.marks(committedBy: manifest, spec: spec), in: db)
            try BundleRecord(
                sequence: manifest.sequence, id: manifest.id, digest: read.digest,
                fileName: "bundle-\(BundleIdentity.pad(manifest.sequence)).tar.gz", createdAt: manifest.created,
                specDigest: manifest.specDigest, changesSchema: manifest.schemaChanges != nil
            ).insert(db)
            for source in manifest.sources {
                order += 1
                try WorkspaceFile(
                    sha256: source.sha256, name: source.name, size: 0, entity: source.entity, state: .bundled,
                    records: source.records, ingestedAt: manifest.created, ingestOrder: order,
                    // A bundle's files settled together; new runs are numbered after them.
                    bundleSequence: manifest.sequence, pulledAt: source.pulled, cursorParam: source.cursor?.param,
                    cursorSince: source.cursor?.since, settledOrder: manifest.sequence
                ).insert(db, onConflict: .replace)
                if spec.inbox.keepProcessed && !source.name.contains("!") {
                    try KeptFile.record(name: source.name, sha256: source.sha256, in: db)
                }
            }
        }
    }

    /// Puts the rebuilt database in place; the old one and the staging folder go aside.
    private func swapIn(_ rebuilt: URL, now: Date) throws -> URL? {
        let stamp = now.utcTimestamp.replacingOccurrences(of: ":", with: "")
        let aside = state.appendingPathComponent("before-recover-\(stamp)")
        var moved = false
        for name in [
            Workspace.databaseFileName, Workspace.databaseFileName + "-wal",
            Workspace.databaseFileName + "-shm", "staging", "checked"
        ] {
            let file = state.appendingPathComponent(name)
            guard FileManager.default.fileExists(atPath: file.path) else { continue }
            try FileManager.default.createDirectory(at: aside, withIntermediateDirectories: true)
            try FileManager.default.moveItem(at: file, to: aside.appendingPathComponent(name))
            moved = true
        }
        try FileManager.default.moveItem(at: rebuilt, to: database)
        return moved ? aside : nil
    }
}
