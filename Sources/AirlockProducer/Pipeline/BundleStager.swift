import AirlockBase
import AirlockSite
import AirlockSpec
import Crypto
import Foundation
import GRDB
import Logging

/// Writes the next bundle of the chain from a drop's `DropRun.Result`, under `staging`:
/// manifest, scripts for each target dialect and delivery method, change files (which the
/// scripts load their rows from), validation findings and review pages, signed and archived
/// by a `BundleWriter`. The file is published after the run commits.
struct BundleStager {
    let spec: Spec
    /// SHA-256 of the spec file, which the manifest records.
    let specDigest: String
    let staging: URL
    let logger: Logger
    /// Seconds since 1970 that stamp the bundle (its created time and member mtimes).
    let time: Int
    var progress: ProgressHandler?

    /// A bundle written under `staging`, not yet in the outbox.
    struct Staged {
        var file: URL
        var manifest: Manifest
        /// SHA-256 of the manifest: the bundle's identity in chains and ledgers.
        var digest: String
        /// The pull cursors the bundle moves, as its manifest shows them; the producer commits
        /// them with the bundle.
        var cursors: [PullCursor]
        /// What each entity's snapshot hashes add up to; the producer keeps them with the
        /// baselines it makes of the snapshots (`BaselineSums`).
        var sums: [String: RowSums]
    }

    private var timer: StageTimer { StageTimer(logger: logger) }

    /// Writes the bundle at `position` in the chain: by default the next regular one.
    func stage(_ drop: DropRun.Result, at position: ChainPosition? = nil, signingKey: any Signer, in db: Database)
        throws -> Staged
    {
        let position = try position ?? ChainPosition.next(in: db)
        let (manifest, cursors, hashes) = try makeManifest(for: drop, at: position, in: db)
        let name = position.fileStem
        var writer = try BundleWriter(folder: staging.appendingPathComponent(name))
        defer { writer.discard() }
        let manifestData = try manifest.encoded()
        try writer.add(BundleLayout.manifest, data: manifestData)
        let digest = SHA256.hash(data: manifestData).hexString
        // A catch-up bundle's parent is the bundle its target is at; a regular one's, the one before.
        let identity = BundleIdentity(
            id: manifest.id, sequence: manifest.sequence, digest: digest, parentDigest: manifest.parent,
            parentSequence: manifest.parent.isEmpty ? nil : (position.catchup?.from ?? manifest.sequence - 1),
            appliedDigest: manifest.appliedDigest(own: digest))

        let task = "writing \(name).tar.gz"
        let steps = Int64(manifest.carriedTargets.count + drop.entities.count + ReportPage.allCases.count + 1)
        var step: Int64 = 0
        func stepDone() {
            step += 1
            progress?(ProgressUpdate(task: task, done: step, total: steps, unit: .steps))
        }
        let facts = try timer.time("row facts") {
            try ScriptEmitter.rowFacts(
                of: drop.entities, cutover: manifest.carriedDelivery.contains(.cutover), in: db)
        }
        for dialect in manifest.carriedTargets {
            let emitter = ScriptEmitter(
                dialect: dialect, bundle: identity, schema: spec.entities, entities: drop.entities,
                migrations: drop.migrations)
            try timer.time("emit", ["dialect": "\(dialect.rawValue)"]) {
                try emitter.write(
                    BundleScript.allCases.filter { manifest.carries($0, for: dialect) }, into: &writer, from: db,
                    hashes: hashes, facts: facts)
            }
            stepDone()
        }
        for entity in drop.entities {
            try timer.time("change file", ["entity": "\(entity.name)"]) {
                // The change file is a bundle's largest member, and SQLite writes it on one
                // core: the other compresses it meanwhile.
                try writer.addCompressing(BundleLayout.changes(of: entity.name)) { url, compressor in
                    try ChangeLog(entity).write(to: url, bundle: digest, from: db, copyingTo: compressor.write)
                }
            }
            stepDone()
        }
        try writer.add(BundleLayout.validation, data: try ValidationReport(findings: drop.findings).encoded())
        try timer.time("report pages") {
            let contents = try BundleContents(
                folder: writer.folder, manifest: manifest, sampleSize: ReportPage.sampleSize)
            for page in ReportPage.allCases {
                try writer.add(page.memberName) { try page.write(contents, to: $0) }
                stepDone()
            }
        }
        try timer.time("member checksums") { try writer.sign(with: signingKey) }
        let file = staging.appendingPathComponent("\(name).tar.gz")
        try timer.time("archive") { try writer.archive(to: file, mtime: time) }
        stepDone()
        return Staged(
            file: file, manifest: manifest, digest: digest, cursors: cursors, sums: hashes.mapValues(\.sums))
    }

    /// The manifest of the bundle at `position`: sequence, parent, sources (a pulled file of a
    /// regular bundle with the cursor mark the bundle commits), and per entity its rows, counts
    /// and the checksums `verify.sql` expects; with the pull cursors it moves and each entity's
    /// snapshot hashes, by name, for the scripts.
    private func makeManifest(for drop: DropRun.Result, at position: ChainPosition, in db: Database) throws
        -> (Manifest, [PullCursor], [String: SnapshotHashes])
    {
        let (sequence, parent) = (position.sequence, position.parent)
        var sources = position.sources
        // A catch-up bundle commits no cursor: its files' marks were committed by their bundles.
        let cursors =
            position.catchup != nil
            ? []
            : try PullCursor.marks(
                of: drop.entities, pulled: Set(sources.filter { $0.cursor != nil }.map(\.entity)), bundle: sequence,
                in: db)
        for index in sources.indices where position.catchup == nil {
            let entity = sources[index].entity
            sources[index].cursor?.committed = cursors.first { $0.entity == entity }?.mark
        }
        var entities: [Manifest.Entity] = []
        var hashes: [String: SnapshotHashes] = [:]
        for (index, entity) in drop.entities.enumerated() {
            progress?(
                ProgressUpdate(
                    task: "checksumming \(entity.name)", done: Int64(index), total: Int64(drop.entities.count),
                    unit: .steps))
            let snapshot = EntityTables(entity).snapshot
            let rows = try Int.fetchOne(db, sql: "SELECT count(*) FROM \(snapshot)") ?? 0
            // A catch-up bundle's baseline is an older state than the one the sums were kept of.
            let baseline =
                position.catchup != nil
                ? nil
                : try BaselineSums.baseline(
                    of: entity.name, parent: sequence - 1, specDigest: specDigest, in: db)
            let snapshotHashes = try timer.time("table checksums", ["entity": "\(entity.name)"]) {
                try TableChecksum(entity: entity).snapshotHashes(from: baseline, in: db)
            }
            hashes[entity.name] = snapshotHashes
            let checksums = snapshotHashes.checksums
            entities.append(
                .init(
                    name: entity.name, key: entity.key, rows: rows, counts: drop.counts[entity.name]!,
                    checksums: Dictionary(uniqueKeysWithValues: checksums.map { ($0.key.rawValue, $0.value) }),
                    category: entity.category, categories: drop.categories[entity.name],
                    overrides: Self.overrides(of: entity, changed: drop.overridden[entity.name])))
            entities[entities.count - 1].limits = EntityChecks(entity).limits(counts: drop.counts[entity.name]!)
        }
        let created = Date(timeIntervalSince1970: TimeInterval(time)).utcTimestamp
        let expires = spec.bundleLifetime.map { Date(timeIntervalSince1970: TimeInterval(time + $0)).utcTimestamp }
        // The id is derived from the chain position and the inputs, so a re-run makes the same bundle.
        let catchupHead = position.catchup.map { [$0.head] } ?? []
        let idSeed = ([parent, String(sequence)] + catchupHead + sources.map(\.sha256)).joined(separator: "\n")
        let id =
            "airlock-\(position.idStem)-" + String(SHA256.hash(data: Data(idSeed.utf8)).hexString.prefix(12))
        var manifest = Manifest(
            format: Manifest.currentFormat, id: id, sequence: sequence, parent: parent, created: created,
            expires: expires, producer: spec.producerKey, approvals: spec.approvals, sources: sources,
            entities: entities)
        manifest.catchup = position.catchup
        manifest.specDigest = specDigest
        if !drop.migrations.isEmpty {
            manifest.parentSpecDigest = try BundleRecord.latest(in: db)?.specDigest
            manifest.schemaChanges = drop.migrations.flatMap { migration in
                zip(migration.statements(.postgres), migration.statements(.sqlite)).map { postgres, sqlite in
                    postgres.change.manifestLine(
                        entity: migration.name,
                        statements: [.postgres: postgres.statements, .sqlite: sqlite.statements])
                }
            }
        }
        manifest.signatures = spec.producerSignatures > 1 ? spec.producerSignatures : nil
        manifest.targets = spec.targets
        manifest.delivery = Self.delivery(of: drop, at: position)
        return (manifest, cursors, hashes)
    }

    /// The methods the bundle's scripts deliver by: each that an entity whose rows or table it
    /// changes is delivered by (`delivery:`). Both when it changes a table's columns, so that a site can
    /// take the new tables whole and `recover` can start the entity's rows there, and when it
    /// fills an empty target (`catchup --from 0`, `run --full`).
    private static func delivery(of drop: DropRun.Result, at position: ChainPosition) -> [DeliveryMethod] {
        // Schema changes alone, their entity's records set aside (`discard`): no table to cut over.
        guard !drop.entities.isEmpty else { return [.upsert] }
        if drop.migrations.contains(where: \.reshapesRows) || position.catchup?.from == 0 {
            return DeliveryMethod.allCases
        }
        let altered = Set(drop.migrations.filter(\.altersTables).map(\.name))
        let changing = drop.entities.filter { (drop.counts[$0.name]?.changed ?? 0) > 0 || altered.contains($0.name) }
        let asked = DeliveryMethod.allCases.filter { method in changing.contains { $0.delivery.contains(method) } }
        return asked.isEmpty ? [.upsert] : asked
    }

    /// The entity's overrides as its manifest lists them (values as text; booleans `true` and
    /// `false`), with the rows each changed (none
    /// for an entity that joined the bundle without records of this drop).
    private static func overrides(of entity: EntitySpec, changed: [Int]?) -> [Manifest.Override]? {
        guard !entity.overrides.isEmpty else { return nil }
        return entity.overrides.enumerated().map { index, override in
            let set = Dictionary(
                uniqueKeysWithValues: override.set.map { column, value -> (String, String) in
                    switch value {
                    case let .integer(number) where entity.columns[entity.index(ofColumn: column)].type == .boolean:
                        return (column, number == 0 ? "false" : "true")
                    case let .integer(number): return (column, String(number))
                    case let .text(text): return (column, text)
                    }
                })
            return Manifest.Override(when: override.when, set: set, note: override.note, rows: changed?[index] ?? 0)
        }
    }
}
