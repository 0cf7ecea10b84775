import AirlockBase
import AirlockSite
import Foundation
import GRDB

/// `airlock_migrations`: the schema changes each bundle made, entity by entity, with the
/// definitions before them, so `discard` can take the workspace's tables back. Every
/// statement on the table is here.
enum MigrationRecord {
    static let table = "airlock_migrations"

    /// One entity's migration as recorded: its definition before and its changes in order.
    struct Entry {
        var entity: String
        var old: EntityDefinition
        var changes: [SchemaChange]
    }

    /// Forgets what runs recorded for `bundle` and later without making that bundle (a run
    /// that only migrated entities no target holds yet), before this run records its own.
    static func forgetUnbundled(from bundle: Int, in db: Database) throws {
        try db.execute(sql: "DELETE FROM \(table) WHERE bundle >= ?", arguments: [bundle])
        try db.execute(sql: "DELETE FROM \(RestoreValues.table) WHERE bundle >= ?", arguments: [bundle])
    }

    static func record(_ migration: EntityMigration, bundle: Int, in db: Database) throws {
        var position =
            try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table) WHERE bundle = ?", arguments: [bundle]) ?? 0
        for change in migration.changes {
            let line = String(
                decoding: try CanonicalJSON.encode(change.manifestLine(entity: migration.name, statements: [:])),
                as: UTF8.self)
            try db.execute(
                sql: "INSERT INTO \(table) (bundle, position, entity, change, old_definition) VALUES (?, ?, ?, ?, ?)",
                arguments: [bundle, position, migration.name, line, try migration.old.encoded()])
            position += 1
        }
    }

    /// What `bundle` migrated, per entity in the order it did.
    static func entries(bundle: Int, in db: Database) throws -> [Entry] {
        var entries: [Entry] = []
        for row in try Row.fetchAll(
            db, sql: "SELECT entity, change, old_definition FROM \(table) WHERE bundle = ? ORDER BY position",
            arguments: [bundle])
        {
            let line = try JSONDecoder().decode(Manifest.SchemaChange.self, from: Data((row["change"] as String).utf8))
            guard let change = SchemaChange(line) else { continue }
            if entries.last?.entity == row["entity"] {
                entries[entries.count - 1].changes.append(change)
            } else {
                entries.append(
                    Entry(
                        entity: row["entity"], old: try EntityDefinition.decoded(row["old_definition"]),
                        changes: [change]))
            }
        }
        return entries
    }
}
