import AirlockBase
import AirlockSite
import AirlockSpec
import Foundation
import GRDB

/// The bundles of the outbox read into the workspace being rebuilt, in three passes.
///
/// 1. Newest first, each bundle's manifest is read (not yet verified) and must be its child's
///    parent: one chain.
/// 2. Oldest first, each bundle is verified (its digest must be the one pass 1 read) and each
///    entity's rows are followed through every bundle's change file
///    (`ChangeReplay.replay`) and checked against its manifest (rows and SQLite checksum). They
///    start empty before bundle 1 and at a bundle that removed the entity, or from the first
///    bundle that carries them whole (SQLite `cutover.sql`, `CutoverRows`) when there is no
///    earlier state to follow: the outbox does not reach back to bundle 1, or a bundle changed
///    the entity's columns (its older change files are in the old shape; such a bundle carries
///    a cutover). Where they end is the baseline.
/// 3. Newest first again, the change files give each bundle's before-images and turn the rows
///    back (`ChangeReplay.rewind`), for `discard`; each state is checked again on the way.
///
/// Only the change files stay unpacked between passes: they cost what the changes cost.
struct RecoveryWalk {
    let spec: Spec
    let verifier: BundleVerifier
    /// A folder for one bundle's members at a time, and for the change files of all.
    let work: URL

    struct Read {
        var manifest: Manifest
        var digest: String
    }

    /// The manifests, oldest first; the baselines are left in the `base_` tables.
    func run(_ bundles: [OutboxBundle], in db: Database) throws -> [Read] {
        let reads = try chain(bundles)
        // Per entity, the newest bundle that gave its rows other columns or removed it: they
        // start there, whole from that bundle's cutover or empty.
        var reshaped: [String: Int] = [:]
        for read in reads {
            for line in read.manifest.schemaChanges ?? [] where Self.restarts(line) {
                reshaped[line.entity] = read.manifest.sequence
            }
        }
        try follow(bundles, reads, reshaped: reshaped, in: db)
        for entity in spec.entities { try EntityTables(entity).copy(.snapshot, to: .baseline, in: db) }
        try rewind(bundles, reads, reshaped: reshaped, in: db)
        return reads
    }

    /// Whether a manifest's schema change starts the entity's rows again: its columns changed
    /// (a line this release does not know counts as such), or it was removed.
    private static func restarts(_ line: Manifest.SchemaChange) -> Bool {
        guard let change = SchemaChange(line) else { return true }
        if case .entityRemoved = change { return true }
        return change.reshapesRows
    }

    /// Pass 1: every bundle's manifest, linked to the one before it; the reads oldest first.
    /// Only the manifests are read: pass 2 verifies each bundle whole, once.
    private func chain(_ bundles: [OutboxBundle]) throws -> [Read] {
        var reads: [Read] = []
        for bundle in bundles.reversed() {
            let (manifest, digest) = try bundle.manifest()
            let read = Read(manifest: manifest, digest: digest)
            guard read.manifest.sequence == bundle.sequence else {
                throw RecoverError.notOneChain(
                    bundle: bundle.name, reason: "its manifest says it is bundle \(read.manifest.sequence)")
            }
            if let child = reads.last, child.manifest.parent != read.digest {
                throw RecoverError.notOneChain(
                    bundle: bundle.name,
                    reason:
                        "bundle \(BundleIdentity.pad(child.manifest.sequence)) names parent \(child.manifest.parent.prefix(16)), this one's digest is \(read.digest.prefix(16))"
                )
            }
            reads.append(read)
        }
        return reads.reversed()
    }

    /// Pass 2: each entity's rows followed forwards to the newest bundle, in its snapshot table;
    /// each bundle's change files kept for pass 3.
    private func follow(_ bundles: [OutboxBundle], _ reads: [Read], reshaped: [String: Int], in db: Database) throws {
        // The entities whose rows are known at the bundle being read: all of them, empty, before bundle 1.
        var known = Set(bundles.first!.sequence == 1 ? spec.entities.map(\.name) : [])
        known.subtract(reshaped.keys)
        for (bundle, read) in zip(bundles, reads) {
            let folder = work.appendingPathComponent(bundle.name)
            // What is read here is exactly what was verified, and the bundle pass 1 read.
            let verified = try verifier.verify(bundle.url, policy: .integrityOnly, extractTo: folder)
            defer { try? FileManager.default.removeItem(at: folder) }
            guard verified.digest == read.digest else {
                throw RecoverError.notOneChain(bundle: bundle.name, reason: "it was replaced while recover read it")
            }
            // A removed entity's rows start again empty, should the spec take it back.
            for line in read.manifest.schemaChanges ?? [] where line.change == "entity_removed" {
                guard let entity = spec.entities.first(where: { $0.name == line.entity }) else { continue }
                try db.execute(sql: "DELETE FROM \(EntityTables(entity).snapshot)")
                known.insert(entity.name)
            }
            let cutover = folder.appendingPathComponent(BundleLayout.script(.cutover, for: .sqlite))
            for entity in spec.entities {
                guard let recorded = read.manifest.entities.first(where: { $0.name == entity.name }) else { continue }
                // Before its table last changed, the entity's rows were in another shape.
                if let last = reshaped[entity.name], bundle.sequence < last { continue }
                if known.contains(entity.name) {
                    try ChangeReplay(entity).replay(
                        changes: folder.appendingPathComponent(BundleLayout.changes(of: entity.name)), in: db)
                } else if FileManager.default.fileExists(atPath: cutover.path) {
                    try load(entity, from: cutover, bundle: bundle, table: table(of: entity, at: read, reads), in: db)
                    known.insert(entity.name)
                } else {
                    continue
                }
                try check(entity, against: recorded, bundle: bundle.name, in: db)
            }
            try keepChanges(of: bundle, from: folder)
        }
        for entity in spec.entities where !known.contains(entity.name) {
            if let last = reshaped[entity.name] {
                throw RecoverError.rowsMissing(
                    entity: entity.name,
                    reason:
                        "bundle \(BundleIdentity.pad(last)) changed its columns and carries no sqlite/cutover.sql (airlock.yml's targets: left sqlite out), where its rows would start",
                    remedy:
                        "recover reads rows whole only from SQLite cutover scripts; start a new workspace from the sites' tables, or keep .airlock/ backed up"
                )
            }
            throw RecoverError.rowsMissing(
                entity: entity.name,
                reason:
                    "outbox/ does not reach back to bundle 1, and no bundle in it carries its full rows (sqlite/cutover.sql)",
                remedy: "put the bundles before the oldest one back into outbox/ and run recover again")
        }
    }

    /// Pass 3: newest first, each bundle's before-images recorded and its changes undone, down
    /// to the bundle that last changed the entity's table.
    private func rewind(_ bundles: [OutboxBundle], _ reads: [Read], reshaped: [String: Int], in db: Database) throws {
        for (bundle, read) in zip(bundles, reads).reversed() {
            for entity in spec.entities {
                guard let recorded = read.manifest.entities.first(where: { $0.name == entity.name }) else { continue }
                if let last = reshaped[entity.name], bundle.sequence < last { continue }
                try check(entity, against: recorded, bundle: bundle.name, in: db)
                try ChangeReplay(entity).rewind(
                    bundle: bundle.sequence,
                    changes: kept(bundle).appendingPathComponent(BundleLayout.changes(of: entity.name)), in: db)
            }
        }
        for entity in spec.entities {
            let tables = EntityTables(entity)
            // Back before the first bundle, every entity was empty.
            if bundles.first!.sequence == 1, reshaped[entity.name] == nil,
                try Int.fetchOne(db, sql: "SELECT count(*) FROM \(tables.snapshot)") != 0
            {
                throw RecoverError.rowsDiffer(
                    entity: entity.name, bundle: bundles.first!.name,
                    reason: "do not go back to an empty table before it when its change files are read backwards")
            }
            try db.execute(sql: "DELETE FROM \(tables.snapshot)")
        }
    }

    /// The entity's table as bundle `read` named it: the spec's, taken back through the
    /// table renames of the bundles after it.
    private func table(of entity: EntitySpec, at read: Read, _ reads: [Read]) -> TableName {
        var table = entity.table
        for later in reads.reversed() where later.manifest.sequence > read.manifest.sequence {
            for line in (later.manifest.schemaChanges ?? []).reversed()
            where line.entity == entity.name && line.change == "table_renamed" {
                table = line.from.flatMap(TableName.init(spelling:)) ?? table
            }
        }
        return table
    }

    /// The entity's snapshot replaced by the rows the bundle's SQLite cutover `script` carries,
    /// the entity's table then called `table`.
    private func load(
        _ entity: EntitySpec, from script: URL, bundle: OutboxBundle, table: TableName, in db: Database
    ) throws {
        let tables = EntityTables(entity)
        try db.execute(sql: "DELETE FROM \(tables.snapshot)")
        let columns = try CutoverRows(entity: entity, sequence: bundle.sequence, table: table).load(
            from: script, into: tables.snapshot, in: db)
        guard columns.missing.isEmpty && columns.extra.isEmpty else {
            throw RecoverError.rowsDiffer(
                entity: entity.name, bundle: bundle.name,
                reason:
                    "have columns the spec does not (\(columns.extra.joined(separator: ", "))) and lack ones it has (\(columns.missing.joined(separator: ", ")))"
            )
        }
    }

    /// Where the bundle's change files are kept for pass 3, under `changes/` as in the bundle.
    private func kept(_ bundle: OutboxBundle) -> URL {
        work.appendingPathComponent("kept-\(BundleIdentity.pad(bundle.sequence))")
    }

    /// Moves the bundle's change files out of its unpacked members, which are removed.
    private func keepChanges(of bundle: OutboxBundle, from folder: URL) throws {
        let changes = folder.appendingPathComponent(BundleLayout.changesFolder)
        try FileManager.default.createDirectory(at: kept(bundle), withIntermediateDirectories: true)
        guard FileManager.default.fileExists(atPath: changes.path) else { return }
        try FileManager.default.moveItem(
            at: changes, to: kept(bundle).appendingPathComponent(BundleLayout.changesFolder))
    }

    /// The entity's rows as they stand (its state after `bundle`) against the manifest's count
    /// and SQLite checksum of that state.
    private func check(_ entity: EntitySpec, against recorded: Manifest.Entity, bundle: String, in db: Database) throws
    {
        let snapshot = EntityTables(entity).snapshot
        let rows = try Int.fetchOne(db, sql: "SELECT count(*) FROM \(snapshot)") ?? 0
        let checksum = try TableChecksum(entity: entity).hashes(of: snapshot, in: db).checksums[.sqlite]
        guard rows == recorded.rows, checksum == recorded.checksums?[SQLDialect.sqlite.rawValue] else {
            throw RecoverError.rowsDiffer(
                entity: entity.name, bundle: bundle,
                reason:
                    "do not match its manifest (\(rows) rows, checksum \(checksum ?? "none"); the manifest says \(recorded.rows) rows, \(recorded.checksums?[SQLDialect.sqlite.rawValue] ?? "none"))"
            )
        }
    }
}
