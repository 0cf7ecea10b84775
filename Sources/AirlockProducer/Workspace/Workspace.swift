import AirlockBase
import AirlockSpec
import Foundation
import GRDB

/// The producer's working directory: `airlock.yml`, `inbox/`, `outbox/`, `keys/` and the
/// SQLite workspace under `.airlock/` that holds raw records, snapshots and baselines.
package final class Workspace {
    package let root: URL
    package let spec: Spec
    /// SHA-256 of `airlock.yml` as read: each bundle's manifest names the spec that made it.
    let specDigest: String
    let database: DatabaseQueue
    /// True when there was no database file and this open made an empty one.
    let databaseWasCreated: Bool
    /// False when the last process using the database died with it open (its write-ahead log
    /// was still there): a crash, `kill -9` or a power loss, after which it is checked whole.
    let closedCleanly: Bool
    /// When this process last found the database sound (`WorkspaceHealth`).
    var checkedAt: Date?

    package var inbox: URL { root.appendingPathComponent("inbox") }
    package var outbox: URL { root.appendingPathComponent("outbox") }
    package var keys: URL { root.appendingPathComponent("keys") }
    var state: URL { root.appendingPathComponent(".airlock") }
    /// Bundles are built here and renamed into `outbox/` only when complete.
    var staging: URL { state.appendingPathComponent("staging") }

    package static let specFileName = "airlock.yml"

    /// Opens the workspace in `root`, reading its spec and creating `.airlock/` on first use.
    package init(root: String) throws {
        let rootURL = URL(fileURLWithPath: root).standardizedFileURL
        let stateURL = rootURL.appendingPathComponent(".airlock")
        self.root = rootURL
        let specFile = rootURL.appendingPathComponent(Self.specFileName)
        spec = try Spec.load(path: specFile.path)
        specDigest = try FileDigest.sha256(of: specFile)
        try FileManager.default.createDirectory(at: stateURL, withIntermediateDirectories: true)
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL")
            // Debian builds SQLite to overwrite every freed page with zeros (SECURE_DELETE),
            // so a dropped or emptied table was written twice more: once to the journal, once
            // as zeros. FAST still clears deleted rows within the pages that stay in use; freed
            // pages keep their bytes until reused. A v2 drop of 1M rows wrote 2.0 GB to disk,
            // now 1.5 GB. The temp schema (the normalizer's tables) would open later with the
            // built-in default, so it is opened and set here; a later `temp_store` change would
            // reopen it with that default.
            try db.execute(sql: "PRAGMA secure_delete = FAST; PRAGMA temp.secure_delete = FAST")
            WorkspaceFunctions.register(in: db)
        }
        let path = stateURL.appendingPathComponent(Self.databaseFileName).path
        databaseWasCreated = !FileManager.default.fileExists(atPath: path)
        // SQLite removes the write-ahead log when the last connection closes cleanly.
        closedCleanly = !FileManager.default.fileExists(atPath: path + "-wal")
        do {
            database = try DatabaseQueue(path: path, configuration: configuration)
            let migrator = WorkspaceSchema.migrator
            // Migrations this binary does not know are a later release's, whose tables it would
            // misread. (Releases before this check do not make it: one before v14 reads a CSV
            // row kept as fields as an empty record.)
            let unknown = try database.read { db in
                try migrator.appliedIdentifiers(db).subtracting(migrator.migrations)
            }
            guard unknown.isEmpty else { throw WorkspaceError.newerWorkspace(changes: unknown.sorted()) }
            try migrator.migrate(database)
        } catch let error as DatabaseError where [.SQLITE_NOTADB, .SQLITE_CORRUPT].contains(error.resultCode) {
            throw WorkspaceError.databaseUnreadable(reason: error.message ?? "\(error.resultCode)")
        }
        try database.write { db in
            for entity in spec.entities { try EntityTables(entity).create(in: db) }
            try PullCursor.check(spec.entities, in: db)
        }
    }

    package static let databaseFileName = "workspace.sqlite"
}
