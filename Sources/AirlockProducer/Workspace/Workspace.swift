import AirlockSpec
import Foundation
import GRDB

/// The producer's working directory: `airlock.yml`, `inbox/`, `outbox/`, `keys/` and the
/// SQLite workspace under `.airlock/` that holds raw records, snapshots and baselines.
package final class Workspace {
    package let root: URL
    package let spec: Spec
    let database: DatabaseQueue

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
        spec = try Spec.load(path: rootURL.appendingPathComponent(Self.specFileName).path)
        try FileManager.default.createDirectory(at: stateURL, withIntermediateDirectories: true)
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL")
            WorkspaceFunctions.register(in: db)
        }
        database = try DatabaseQueue(
            path: stateURL.appendingPathComponent("workspace.sqlite").path,
            configuration: configuration)
        try WorkspaceSchema.migrator.migrate(database)
        try database.write { db in
            for entity in spec.entities { try EntityTables(entity).create(in: db) }
            try PullCursor.check(spec.entities, in: db)
        }
    }
}
