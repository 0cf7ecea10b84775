import AirlockBase
import AirlockSite
import AirlockSpec
import Crypto
import Foundation
import GRDB
import Logging

/// One pass of the pipeline: inbox → ingest → normalize → diff → emit → signed bundle in `outbox/`.
///
/// Crash safety: each file's ingest is one transaction. Normalization, diff, emission and the
/// baseline update run in one more; the bundle is built under `.airlock/staging` inside it and
/// renamed into `outbox/` after it commits (a run that died in between finishes the rename).
package struct Producer {
    package let workspace: Workspace
    let logger: Logger
    /// Seconds since 1970 to stamp bundles with instead of the clock, for reproducible bundles;
    /// `SOURCE_DATE_EPOCH` by default.
    let fixedTime: Int?
    /// Told how reading each file and writing the bundle progress, for a terminal's progress bar.
    package var progress: ProgressHandler?

    package init(workspace: Workspace, logger: Logger = Logger(label: "airlock"),
                fixedTime: Int? = ProcessInfo.processInfo.environment["SOURCE_DATE_EPOCH"].flatMap(Int.init)) {
        self.workspace = workspace
        self.logger = logger
        self.fixedTime = fixedTime
    }

    var database: DatabaseQueue { workspace.database }
    var spec: Spec { workspace.spec }
    private var keys: KeyStore { KeyStore(directory: workspace.keys) }
    private var timer: StageTimer { StageTimer(logger: logger) }

    /// Ingests `files` (by default every inbox file no process is still writing), then
    /// bundles what changed.
    package func runOnce(files: [URL]? = nil) throws -> RunReport {
        try publishStagedBundles()
        let signingKey = try keys.signingKey(spec.producerKey)
        var report = RunReport()
        try ingest(try files ?? readyFiles(noting: &report), into: &report)
        let pending = try database.read { db in
            try String.fetchSet(db, sql: "SELECT DISTINCT entity FROM airlock_files WHERE state = 'pending'")
        }
        guard !pending.isEmpty else { return report }
        let changedEntities = spec.entities.filter { pending.contains($0.name) }

        let staged: URL?
        do {
            staged = try database.write { db in try normalizeAndBundle(changedEntities, signingKey: signingKey, report: &report, in: db) }
        } catch let blocked as Blocked {
            report.findings = blocked.findings
            report.outcome = .blocked(blocked.findings.filter { $0.severity == .block })
            staged = nil
            // The drop's files are set aside like rejected ones: dropped again (after the data or
            // the spec is fixed) they are read afresh, and a corrected export is not mixed with them.
            try database.write { db in
                try db.execute(sql: "UPDATE airlock_files SET state = 'rejected', error = ? WHERE state = 'pending'",
                               arguments: ["validation blocked the bundle; see .airlock/validation.json"])
            }
        }
        try ValidationReport(findings: report.findings).encoded().write(to: workspace.state.appendingPathComponent(BundleLayout.validation))
        if staged != nil { try publishStagedBundles() }
        if case let .bundle(file, manifest, _) = report.outcome {
            logger.info("wrote bundle", metadata: ["file": "\(file.path)", "sequence": "\(manifest.sequence)",
                                                   "changes": "\(manifest.entities.map { $0.counts.changed }.reduce(0, +))"])
        }
        return report
    }

    /// Thrown out of the run's transaction so that a blocked run changes nothing.
    private struct Blocked: Error {
        let findings: [ValidationFinding]
    }

    /// Normalizes, validates and diffs the changed entities and stages their bundle, in the
    /// run's transaction; throws `Blocked`, undoing it all, when a finding blocks.
    /// The bundle holds the entities fed by the drop, those a consistency rule repaired and the
    /// models whose rows changed.
    private func normalizeAndBundle(_ changedEntities: [EntitySpec], signingKey: SigningKey, report: inout RunReport,
                                    in db: Database) throws -> URL? {
        var normalized: [String: Normalizer.Report] = [:]
        for (index, entity) in changedEntities.enumerated() {
            progress?(ProgressUpdate(task: "normalizing \(entity.name)", done: Int64(index), total: Int64(changedEntities.count), unit: .steps))
            let report = try timer.time("normalize", ["entity": "\(entity.name)"]) { try Normalizer(entity).normalize(in: db) }
            if report.overridden > 0 {
                logger.info("overrides corrected rows", metadata: ["entity": "\(entity.name)", "rows": "\(report.overridden)"])
            }
            normalized[entity.name] = report
        }
        progress?(ProgressUpdate(task: "normalizing", done: 1, total: 1, unit: .steps))
        report.findings = try timer.time("record findings") { try recordFindings(in: db) }
        var bundled = Set(changedEntities.map(\.name))
        func current(_ name: String) -> String {
            let tables = EntityTables(spec.entities.first { $0.name == name }!)
            return bundled.contains(name) ? tables.snapshot : tables.baseline
        }
        for entity in spec.entities {
            for rule in entity.consistency where bundled.contains(entity.name) || bundled.contains(rule.authority) {
                report.findings += try ConsistencyCheck(entity: entity, rule: rule).run(current: current, prepareSnapshot: {
                    guard !bundled.contains(entity.name) else { return }
                    let tables = EntityTables(entity)
                    try db.execute(sql: "DELETE FROM \(tables.snapshot)")
                    try db.execute(sql: "INSERT INTO \(tables.snapshot) (\(tables.columnList)) SELECT \(tables.columnList) FROM \(tables.baseline)")
                    bundled.insert(entity.name)
                }, in: db)
            }
        }
        for entity in spec.entities where entity.model != nil {
            let visible = spec.entities.filter { $0.name != entity.name }.map { ($0.name, current($0.name)) }
            try ModelBuilder(entity).build(visible: visible, in: db)
            bundled.insert(entity.name)
        }
        var counts: [String: EntityCounts] = [:]
        var categories: [String: [Manifest.Category]] = [:]
        for entity in spec.entities where bundled.contains(entity.name) {
            var entityCounts = try timer.time("diff", ["entity": "\(entity.name)"]) { try EntityDiff(entity).counts(in: db) }
            if let records = normalized[entity.name] {
                let failed = try Int.fetchOne(db, sql: """
                    SELECT count(*) FROM airlock_unparsed AS u JOIN airlock_files AS f ON f.sha256 = u.file_sha256
                    WHERE f.state = 'pending' AND f.entity = ?
                    """, arguments: [entity.name]) ?? 0
                entityCounts.unchanged -= records.kept
                entityCounts.processed = records.records + failed
                entityCounts.quarantined = records.quarantined
                entityCounts.superseded = records.superseded
                entityCounts.failed = failed
            } else if entityCounts.changed == 0 {
                // A model or a repaired entity with nothing to change stays out of the bundle.
                bundled.remove(entity.name)
                continue
            }
            assert(entityCounts.processed == nil || entityCounts.processed == entityCounts.outcomes, "\(entity.name) counts do not add up: \(entityCounts)")
            counts[entity.name] = entityCounts
            if let category = entity.category {
                categories[entity.name] = try Self.categories(of: entity, column: category, normalized: normalized[entity.name], in: db)
                assert(categories[entity.name]!.allSatisfy { $0.counts.processed == nil || $0.counts.processed == $0.counts.outcomes },
                       "\(entity.name) counts per \(category) do not add up: \(categories[entity.name]!)")
            }
            let rows = try Int.fetchOne(db, sql: "SELECT count(*) FROM \(EntityTables(entity).snapshot)") ?? 0
            report.findings += EntityChecks(entity).thresholds(counts: entityCounts, rows: rows)
        }
        // References are checked for every entity a bundled one refers to or is referred to by.
        for entity in spec.entities where bundled.contains(entity.name) || entity.parents.contains(where: bundled.contains) {
            report.findings += try EntityChecks(entity).references(current: { current($0.name) }, spec: spec.entities, in: db)
        }
        if report.findings.contains(where: { $0.severity == .block }) { throw Blocked(findings: report.findings) }
        guard counts.values.contains(where: { $0.changed > 0 }) else {
            try db.execute(sql: "UPDATE airlock_files SET state = 'unchanged' WHERE state = 'pending'")
            report.outcome = .noChanges
            return nil
        }
        let entities = spec.entities.filter { bundled.contains($0.name) }
        let (file, manifest, digest) = try stageBundle(entities: entities, counts: counts, categories: categories,
                                                       validation: ValidationReport(findings: report.findings),
                                                       signingKey: signingKey, db: db)
        try timer.time("promote baseline") {
            for entity in entities { try EntityDiff(entity).promote(bundle: manifest.sequence, in: db) }
        }
        try db.execute(sql: "UPDATE airlock_files SET state = 'bundled', bundle_sequence = ? WHERE state = 'pending'",
                       arguments: [manifest.sequence])
        try db.execute(sql: "INSERT INTO airlock_bundles (sequence, id, digest, file_name, created_at) VALUES (?, ?, ?, ?, ?)",
                       arguments: [manifest.sequence, manifest.id, digest, file.lastPathComponent, manifest.created])
        report.outcome = .bundle(file: workspace.outbox.appendingPathComponent(file.lastPathComponent), manifest: manifest, digest: digest)
        return file
    }

    // MARK: - Ingest

    private func readyFiles(noting report: inout RunReport) throws -> [URL] {
        try InboxFile.list(in: workspace.inbox).filter { url in
            guard WriterCheck.check(url.path) == .writing else { return true }
            report.stillBeingWritten.append(url.lastPathComponent)
            return false
        }
    }

    private func ingest(_ files: [URL], into report: inout RunReport) throws {
        let ingestor = Ingestor(database: database, spec: spec, progress: progress)
        let disposal = InboxDisposal(inbox: workspace.inbox, keepProcessed: spec.inbox.keepProcessed)
        for url in files where FileManager.default.fileExists(atPath: url.path) {
            let outcomes: [Ingestor.Outcome]
            do {
                outcomes = try timer.time("ingest", ["file": "\(url.lastPathComponent)"]) { try ingestor.ingest(url) }
            } catch let error as IngestError {
                outcomes = [.rejected(error)]
            }
            for outcome in outcomes {
                switch outcome {
                case let .ingested(file):
                    logger.info("ingested", metadata: ["file": "\(file.name)", "entity": "\(file.entity)", "records": "\(file.records)"])
                    if file.unparsed > 0 {
                        logger.warning("records held back", metadata: ["file": "\(file.name)", "unreadable": "\(file.unparsed)",
                                                                       "first": "\(file.firstUnparsed[0].place): \(file.firstUnparsed[0].reason)"])
                    }
                    report.ingested.append(file)
                case let .alreadySeen(name, seenAs):
                    report.alreadySeen.append(name == seenAs ? name : "\(name) (same content as \(seenAs))")
                case let .rejected(error):
                    logger.error("rejected", metadata: ["error": "\(error)"])
                    report.rejected.append(error)
                }
            }
            if let destination = try disposal.dispose(url, outcomes: outcomes) {
                logger.info("moved", metadata: ["file": "\(url.lastPathComponent)",
                                                "to": "\(destination.deletingLastPathComponent().lastPathComponent)/\(destination.lastPathComponent)"])
            }
        }
    }

    /// The record findings of the pending files, quarantined, warned or blocking.
    private func recordFindings(in db: Database) throws -> [ValidationFinding] {
        try Row.fetchAll(db, sql: """
            SELECT q.severity, q.check_name, q.entity, f.name, r.line, r.record_no, q.field, q.value, q.reason
            FROM airlock_quarantine AS q JOIN airlock_raw AS r ON r.id = q.raw_id JOIN airlock_files AS f ON f.sha256 = q.file_sha256
            WHERE f.state = 'pending' ORDER BY f.ingest_order, r.record_no, q.rowid
            """).map { row in
            ValidationFinding(severity: Severity(rawValue: row[0]) ?? .quarantine, check: row[1], entity: row[2], file: row[3],
                              line: row[4], record: row[5], field: row[6], value: row[7], reason: row[8])
        }
    }

    /// The diff's counts per category value joined with the normalizer's, in value order (NULL last).
    private static func categories(of entity: EntitySpec, column: String, normalized: Normalizer.Report?,
                                   in db: Database) throws -> [Manifest.Category] {
        var byValue = try EntityDiff(entity).countsByCategory(column, in: db)
        for (value, read) in normalized?.byCategory ?? [:] {
            byValue[value, default: EntityCounts()].processed = read.processed
            byValue[value, default: EntityCounts()].quarantined = read.quarantined
        }
        for (value, kept) in normalized?.keptByCategory ?? [:] { byValue[value]?.unchanged -= kept }
        for (value, superseded) in normalized?.supersededByCategory ?? [:] { byValue[value, default: EntityCounts()].superseded = superseded }
        return byValue.map { value, counts in
            var counts = counts
            if normalized != nil { counts.processed = counts.processed ?? 0 }
            return Manifest.Category(value: value, counts: counts)
        }
            .sorted { ($0.value == nil ? 1 : 0, $0.value ?? "") < ($1.value == nil ? 1 : 0, $1.value ?? "") }
    }

    // MARK: - Bundle

    private func stageBundle(entities: [EntitySpec], counts: [String: EntityCounts], categories: [String: [Manifest.Category]],
                             validation: ValidationReport, signingKey: SigningKey, db: Database) throws -> (URL, Manifest, String) {
        let last = try Row.fetchOne(db, sql: "SELECT sequence, digest FROM airlock_bundles ORDER BY sequence DESC LIMIT 1")
        let sequence = (last?["sequence"] as Int? ?? 0) + 1
        let parent = last?["digest"] as String? ?? ""
        let sources = try Row.fetchAll(db, sql: """
            SELECT name, sha256, entity, records, pulled_at FROM airlock_files WHERE state = 'pending' ORDER BY ingest_order
            """).map { Manifest.Source(name: $0["name"], sha256: $0["sha256"], entity: $0["entity"], records: $0["records"], pulled: $0["pulled_at"]) }
        var manifestEntities: [Manifest.Entity] = []
        for entity in entities {
            let rows = try Int.fetchOne(db, sql: "SELECT count(*) FROM \(EntityTables(entity).snapshot)") ?? 0
            let checksums = try timer.time("table checksums", ["entity": "\(entity.name)"]) {
                try TableChecksum(entity: entity).expected(table: EntityTables(entity).snapshot, in: db)
            }
            manifestEntities.append(.init(name: entity.name, key: entity.key, rows: rows, counts: counts[entity.name]!,
                                          checksums: Dictionary(uniqueKeysWithValues: checksums.map { ($0.key.rawValue, $0.value) }),
                                          category: entity.category, categories: categories[entity.name]))
        }
        let mtime = fixedTime ?? Int(Date().timeIntervalSince1970)
        let created = Date(timeIntervalSince1970: TimeInterval(mtime)).utcTimestamp
        let expires = spec.bundleLifetime.map { Date(timeIntervalSince1970: TimeInterval(mtime + $0)).utcTimestamp }
        let idSeed = ([parent, String(sequence)] + sources.map(\.sha256)).joined(separator: "\n")
        let id = "airlock-\(BundleIdentity.pad(sequence))-" + String(SHA256.hash(data: Data(idSeed.utf8)).hexString.prefix(12))
        let manifest = Manifest(format: Manifest.currentFormat, id: id, sequence: sequence, parent: parent, created: created,
                                expires: expires, producer: spec.producerKey, sources: sources, entities: manifestEntities)

        let directory = workspace.staging.appendingPathComponent("bundle-\(BundleIdentity.pad(sequence))")
        try? FileManager.default.removeItem(at: directory)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        let manifestData = try manifest.encoded()
        try manifestData.write(to: directory.appendingPathComponent(BundleLayout.manifest))
        let digest = SHA256.hash(data: manifestData).hexString
        let identity = BundleIdentity(id: id, sequence: sequence, digest: digest, parentDigest: parent)
        var members = [BundleLayout.manifest]
        let task = "writing bundle-\(BundleIdentity.pad(sequence)).tar.gz"
        let steps = Int64(SQLDialect.allCases.count + entities.count + ReportPage.allCases.count + 1)
        var step: Int64 = 0
        func stepDone() {
            step += 1
            progress?(ProgressUpdate(task: task, done: step, total: steps, unit: .steps))
        }
        for dialect in SQLDialect.allCases {
            let folder = directory.appendingPathComponent(BundleLayout.scriptFolder(dialect))
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let emitter = ScriptEmitter(dialect: dialect, bundle: identity, schema: spec.entities, entities: entities)
            try timer.time("emit", ["dialect": "\(dialect.rawValue)"]) {
                try emitter.writeAll(to: folder, from: db, checksums: manifest.checksums(for: dialect))
            }
            members += BundleScript.allCases.map { BundleLayout.script($0, for: dialect) }
            stepDone()
        }
        try FileManager.default.createDirectory(at: directory.appendingPathComponent(BundleLayout.changesFolder), withIntermediateDirectories: true)
        for entity in entities {
            let member = BundleLayout.changes(of: entity.name)
            try timer.time("change file", ["entity": "\(entity.name)"]) {
                try ChangeLog(entity).write(to: directory.appendingPathComponent(member), from: db)
            }
            members.append(member)
            stepDone()
        }
        try validation.encoded().write(to: directory.appendingPathComponent(BundleLayout.validation))
        members.append(BundleLayout.validation)
        try timer.time("report pages") {
            let contents = try BundleContents(folder: directory, manifest: manifest, sampleSize: ReportPage.sampleSize)
            for page in ReportPage.allCases {
                try Data(page.render(contents).utf8).write(to: directory.appendingPathComponent(page.memberName))
                members.append(page.memberName)
                stepDone()
            }
        }
        let sums = try timer.time("member checksums") {
            try members.sorted().map { "\(try InboxFile(url: directory.appendingPathComponent($0)).sha256)  \($0)\n" }.joined()
        }
        try Data(sums.utf8).write(to: directory.appendingPathComponent(BundleLayout.checksums))
        let signature = try SSHSignature.sign(Array(sums.utf8), namespace: SSHSignature.bundleNamespace, with: signingKey)
        try Data(signature.armored.utf8).write(to: directory.appendingPathComponent(BundleLayout.signature))
        members += [BundleLayout.checksums, BundleLayout.signature]

        let file = workspace.staging.appendingPathComponent("bundle-\(BundleIdentity.pad(sequence)).tar.gz")
        try timer.time("archive") {
            try BundleArchive.write(members: members.map { ($0, directory.appendingPathComponent($0)) }, to: file, mtime: mtime)
        }
        stepDone()
        return (file, manifest, digest)
    }

    /// Moves bundles whose transaction committed from staging into `outbox/`, atomically.
    private func publishStagedBundles() throws {
        let names = try database.read { db in try String.fetchAll(db, sql: "SELECT file_name FROM airlock_bundles") }
        try FileManager.default.createDirectory(at: workspace.outbox, withIntermediateDirectories: true)
        for name in names {
            let staged = workspace.staging.appendingPathComponent(name)
            guard FileManager.default.fileExists(atPath: staged.path) else { continue }
            guard rename(staged.path, workspace.outbox.appendingPathComponent(name).path) == 0 else {
                throw BundleError.archive("cannot move \(name) into \(workspace.outbox.path): \(String(cString: strerror(errno)))")
            }
        }
    }
}
