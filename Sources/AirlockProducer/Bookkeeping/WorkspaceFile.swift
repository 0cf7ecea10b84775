import AirlockBase
import AirlockSite
import Foundation
import GRDB

/// One row of `airlock_files`: a file content ever seen, identified by its SHA-256, so the same
/// content dropped twice is recorded once. Every statement on the table is here.
struct WorkspaceFile: SnakeCaseColumns {
    static let databaseTableName = "airlock_files"

    var sha256: String
    /// The inbox name; `drop.zip!member.csv` for a member of an archive.
    var name: String
    var size: Int64
    /// The entity whose pattern matched it; nil when none did.
    var entity: String?
    var state: FileState
    var error: String?
    var records = 0
    var ingestedAt: String
    /// The order files were read in: bundles list sources and number records by it.
    var ingestOrder: Int
    var bundleSequence: Int?
    /// When `airlock pull` fetched the content; nil for dropped files.
    var pulledAt: String?
    /// An incremental pull's parameter, and the value it sent (nil for its first pull, which
    /// asked for everything); both nil for other pulls and dropped files.
    var cursorParam: String?
    var cursorSince: String?
    /// The run that settled it (bundled, unchanged, set aside), numbered in increasing order;
    /// the files of an entity's newest settled run are its current state. Nil while pending.
    var settledOrder: Int?

    private static var table: String { databaseTableName }

    /// Records a file read now (or rejected now), after every file read before it.
    static func record(
        name: String, sha256: String, size: Int64, entity: String?, state: FileState, error: String?,
        in db: Database
    ) throws {
        let order = (try Int.fetchOne(db, sql: "SELECT max(ingest_order) FROM \(table)") ?? 0) + 1
        let file = WorkspaceFile(
            sha256: sha256, name: name, size: size, entity: entity, state: state, error: error,
            ingestedAt: Date().utcMilliseconds, ingestOrder: order)
        // An upsert, not INSERT OR REPLACE: replacing would delete the row, and SQLite would
        // then check every table whose foreign key names it.
        try file.upsert(db)
    }

    /// The name under which this content was read, when it is part of its entity's current
    /// state: waiting for the next bundle, or among the files of the entity's newest settled
    /// run. Content read before but superseded since (drop A, then B, then A again) is read
    /// again, so the source's return to an earlier state reaches the targets.
    static func currentName(sha256: String, in db: Database) throws -> String? {
        try String.fetchOne(
            db,
            sql: """
                SELECT name FROM \(table) AS f WHERE sha256 = ?1 AND (state = ?2 OR (state IN (?3, ?4) AND settled_order =
                    (SELECT max(settled_order) FROM \(table) WHERE entity = f.entity AND state IN (?3, ?4))))
                """, arguments: [sha256, FileState.pending, FileState.bundled, FileState.unchanged])
    }

    static func setRecords(_ count: Int, sha256: String, in db: Database) throws {
        try db.execute(sql: "UPDATE \(table) SET records = ? WHERE sha256 = ?", arguments: [count, sha256])
    }

    static func setPulled(at time: String, cursor: Manifest.Cursor?, sha256: String, in db: Database) throws {
        try db.execute(
            sql: "UPDATE \(table) SET pulled_at = ?, cursor_param = ?, cursor_since = ? WHERE sha256 = ?",
            arguments: [time, cursor?.param, cursor?.since, sha256])
    }

    // MARK: - The pending files: read since the last bundle

    /// SQL for `IN (…)`: the SHA-256 of each pending file of `entity`.
    static func pendingHashes(of entity: String) -> String {
        "SELECT sha256 FROM \(table) WHERE state = \(FileState.pending.sqlLiteral) AND entity = \(SQLDialect.sqlite.literal(entity))"
    }

    /// SQL for a `FROM` item: the pending files, with `sha256`, `name`, `entity` and `ingest_order`.
    static var pendingFiles: String { files(where: "state = \(FileState.pending.sqlLiteral)") }

    /// SQL for a `FROM` item: the pending files, those of the newest bundle and those the last
    /// run settled without a bundle (unchanged, or set aside by a block), which `airlock
    /// status` reports on; the columns of `pendingFiles`.
    static var recentFiles: String {
        files(
            where:
                "state = \(FileState.pending.sqlLiteral) OR bundle_sequence = (\(BundleRecord.latestSequence)) OR settled_order = (SELECT max(settled_order) FROM \(table))"
        )
    }

    private static func files(where condition: String) -> String {
        "(SELECT sha256, name, entity, ingest_order FROM \(table) WHERE \(condition))"
    }

    /// The entities some pending file feeds.
    static func pendingEntities(in db: Database) throws -> Set<String> {
        try String.fetchSet(
            db, sql: "SELECT DISTINCT entity FROM \(table) WHERE state = ?", arguments: [FileState.pending])
    }

    /// The pending files' names, in the order they were read.
    static func pendingNames(in db: Database) throws -> [String] {
        try String.fetchAll(
            db, sql: "SELECT name FROM \(table) WHERE state = ? ORDER BY ingest_order", arguments: [FileState.pending])
    }

    /// The pending files as a bundle's manifest lists its sources.
    static func pendingSources(in db: Database) throws -> [Manifest.Source] {
        try fetchAll(
            db, sql: "SELECT * FROM \(table) WHERE state = ? ORDER BY ingest_order", arguments: [FileState.pending]
        ).map(\.source)
    }

    /// The files of bundles `after` + 1 through `through`, as a catch-up bundle lists its sources.
    static func bundledSources(after: Int, through: Int, in db: Database) throws -> [Manifest.Source] {
        try fetchAll(
            db,
            sql:
                "SELECT * FROM \(table) WHERE state = ? AND bundle_sequence > ? AND bundle_sequence <= ? ORDER BY ingest_order",
            arguments: [FileState.bundled, after, through]
        ).map(\.source)
    }

    private var source: Manifest.Source {
        Manifest.Source(
            name: name, sha256: sha256, entity: entity ?? "", records: records, pulled: pulledAt,
            cursor: cursorParam.map { Manifest.Cursor(param: $0, since: cursorSince) })
    }

    /// Moves every pending file to `state`; `bundle` is the sequence of the bundle they went
    /// into. They settle together, after every run before.
    static func settlePending(as state: FileState, bundle: Int? = nil, error: String? = nil, in db: Database) throws {
        let order =
            try Int.fetchOne(
                db, sql: "SELECT max(coalesce(max(settled_order), 0), coalesce(max(ingest_order), 0)) + 1 FROM \(table)"
            )
            ?? 1
        try db.execute(
            sql: """
                UPDATE \(table) SET state = ?, bundle_sequence = coalesce(?, bundle_sequence), error = coalesce(?, error),
                    settled_order = ? WHERE state = ?
                """, arguments: [state, bundle, error, order, FileState.pending])
    }

    /// Makes the files that hold `entity`'s current rows pending again, so the run reads their
    /// stored records under the spec as it stands (`airlock run --renormalize`, a spec that
    /// changed): a snapshot source's newest settled run, every settled file of a delta source
    /// (each may name keys no later one does; read in their order, the newest record of a key
    /// wins as it did). Returns how many files it reopened.
    @discardableResult
    static func reopenCurrent(of entity: String, delta: Bool, in db: Database) throws -> Int {
        try db.execute(
            sql: "UPDATE \(table) SET state = \(FileState.pending.sqlLiteral) WHERE \(current(delta: delta))",
            arguments: [entity])
        return db.changesCount
    }

    /// The names of the files `reopenCurrent` would reopen whose records the workspace does not
    /// hold: one rebuilt by `airlock recover` knows its files from the bundles, which carry
    /// rows, not records.
    static func currentWithoutRecords(of entity: String, delta: Bool, in db: Database) throws -> [String] {
        try String.fetchAll(
            db,
            sql: """
                SELECT name FROM \(table) AS f WHERE \(current(delta: delta)) AND records > 0
                AND NOT EXISTS (SELECT 1 FROM \(RawRecords.records(inFiles: "f.sha256"))) ORDER BY ingest_order
                """, arguments: [entity])
    }

    /// SQL: the entity `?1`'s files behind its current rows: a delta source's every settled
    /// file, a snapshot source's of its newest settled run.
    private static func current(delta: Bool) -> String {
        let settled = "state IN (\(FileState.bundled.sqlLiteral), \(FileState.unchanged.sqlLiteral)) AND entity = ?1"
        let newest = delta ? "" : " AND settled_order = (SELECT max(settled_order) FROM \(table) WHERE \(settled))"
        return settled + newest
    }

    /// The names of the files that went into bundle `sequence`, in the order they were read.
    static func bundledNames(sequence: Int, in db: Database) throws -> [String] {
        try String.fetchAll(
            db, sql: "SELECT name FROM \(table) WHERE bundle_sequence = ? AND state = ? ORDER BY ingest_order",
            arguments: [sequence, FileState.bundled])
    }

    /// Takes back bundle `sequence`: its files named in `requeue` wait for the next bundle,
    /// the others are discarded with it.
    static func discard(sequence: Int, requeuing requeue: [String], in db: Database) throws {
        let requeued = "name IN (SELECT value FROM json_each(?))"
        let names = String(decoding: try JSONEncoder().encode(requeue), as: UTF8.self)
        try db.execute(
            sql: """
                UPDATE \(table)
                SET state = CASE WHEN \(requeued) THEN ? ELSE ? END,
                    bundle_sequence = CASE WHEN \(requeued) THEN NULL ELSE bundle_sequence END
                WHERE bundle_sequence = ? AND state = ?
                """, arguments: [names, FileState.pending, FileState.discarded, names, sequence, FileState.bundled])
    }

}
