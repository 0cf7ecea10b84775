import AirlockBase
import AirlockSpec
import GRDB

/// Moves the workspace's entity tables (`snap_`, `base_`, `undo_`) to the spec as it stands,
/// in the run's transaction, so a blocked run leaves them as they were. The baseline keeps
/// its rows: a renamed column its values, an added one NULL (the run's records fill it), a
/// retyped one its values as the new type's affinity holds them. Before anything changes, the
/// old values of the columns a rollback restores value by value are kept in temporary tables
/// (`restoreTable`), from which the bundle's rollback scripts are written.
enum WorkspaceMigration {
    /// Makes every migration the spec implies and returns them; `sequence` is the bundle
    /// that carries them, which names a removed entity's table set aside on the targets.
    static func migrate(to spec: Spec, bundle sequence: Int, in db: Database) throws -> [EntityMigration] {
        var migrations: [EntityMigration] = []
        for entity in spec.entities {
            if let old = try EntityRecord.definition(of: entity.name, completedFrom: entity, in: db),
                let migration = try EntityMigration.between(old, entity)
            {
                migrations.append(migration)
            }
        }
        let names = Set(spec.entities.map(\.name))
        for name in try EntityRecord.names(in: db) where !names.contains(name) {
            guard let old = try EntityRecord.definition(of: name, completedFrom: nil, in: db) else { continue }
            migrations.append(EntityMigration.removal(of: name, old, bundle: sequence))
        }
        return try migrations.map { try apply($0, in: db) }
    }

    /// The temporary table holding the old values of `column` of entity `name`, with its
    /// old key columns.
    static func restoreTable(entity name: String, column: String) -> String {
        "temp." + SQLDialect.sqlite.identifier("airlock_restore_\(name)_\(column)")
    }

    private static func tables(of name: String) -> [String] { ["snap_", "base_", "undo_"].map { $0 + name } }

    private static func apply(_ migration: EntityMigration, in db: Database) throws -> EntityMigration {
        var migration = migration
        let sqlite = SQLDialect.sqlite
        let undo = sqlite.identifier("undo_" + migration.name)
        // A bundle that carried the entity made its table on the targets and kept before-images.
        migration.onTargets = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM \(undo))") ?? false
        let key = migration.old.key.map(sqlite.identifier).joined(separator: ", ")
        for column in migration.restored {
            let table = restoreTable(entity: migration.name, column: column.name)
            try db.execute(sql: "DROP TABLE IF EXISTS \(table)")
            try db.execute(
                sql: """
                    CREATE TABLE \(table) AS SELECT \(key), \(sqlite.identifier(column.name))
                    FROM \(sqlite.identifier("base_" + migration.name))
                    """)
        }
        guard let entity = migration.entity else {
            for table in tables(of: migration.name) { try db.execute(sql: "DROP TABLE \(sqlite.identifier(table))") }
            try EntityRecord.remove(migration.name, in: db)
            return migration
        }
        for change in migration.changes {
            if case .tableRenamed = change { continue }
            for table in tables(of: migration.name) {
                for statement in SchemaStatements(.sqlite).forward(change, table: TableName(name: table)) {
                    try db.execute(sql: statement)
                }
            }
        }
        try EntityRecord.record(entity, in: db)
        return migration
    }
}
