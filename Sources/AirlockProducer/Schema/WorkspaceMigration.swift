import AirlockBase
import AirlockSpec
import GRDB

/// Moves the workspace's entity tables (`snap_`, `base_`, `undo_`) to the spec as it stands,
/// in the run's transaction, so a blocked run leaves them as they were; `undo` takes them
/// back for a discarded bundle. The baseline keeps its rows: a renamed column its values, an
/// added one NULL (the run's records fill it), a retyped one its values as the new type's
/// affinity holds them (once the run's rows fit, those the targets' cast may not read are
/// cleared: `clearUnfit`). Before anything changes, the values of columns a rollback
/// restores value by value are kept (`RestoreValues`), and each change is recorded
/// (`MigrationRecord`).
enum WorkspaceMigration {
    /// Makes every migration the spec implies and returns them; `sequence` is the bundle
    /// that carries them, which names a removed entity's table set aside on the targets.
    static func migrate(to spec: Spec, bundle sequence: Int, in db: Database) throws -> [EntityMigration] {
        try MigrationRecord.forgetUnbundled(from: sequence, in: db)
        return try plan(to: spec, bundle: sequence, in: db).map { try apply($0, bundle: sequence, in: db) }
    }

    /// The migrations the spec implies, not yet made (`airlock status` lists them).
    static func plan(to spec: Spec, bundle sequence: Int, in db: Database) throws -> [EntityMigration] {
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
        return migrations
    }

    /// Takes the workspace's tables back to where they were before `bundle`, whose rows the
    /// caller has restored already (`EntityDiff.restore`): the changes undone last first, the
    /// kept values put back, the old definitions recorded again.
    static func undo(bundle: Int, in db: Database) throws {
        for entry in try MigrationRecord.entries(bundle: bundle, in: db).reversed() {
            for change in entry.changes.reversed() {
                if case .tableRenamed = change { continue }
                for (table, aside) in tables(of: entry.entity, bundle: bundle) {
                    if case .entityRemoved = change {
                        try db.execute(sql: "ALTER TABLE \(aside) RENAME TO \(SQLDialect.sqlite.identifier(table))")
                        continue
                    }
                    for statement in SchemaStatements(.sqlite).back(change, table: TableName(name: table)) {
                        try db.execute(sql: statement)
                    }
                }
            }
            let restored = EntityMigration(name: entry.entity, old: entry.old, entity: nil, changes: entry.changes)
            for column in restored.restored {
                try RestoreValues.putBack(
                    column: column.name, key: entry.old.key, entity: entry.entity, bundle: bundle, in: db)
            }
            try EntityRecord.record(entry.entity, entry.old, in: db)
        }
        try MigrationRecord.forgetUnbundled(from: bundle, in: db)
    }

    /// Clears in the baseline the values of retyped columns that the targets' cast may not
    /// read (`EntityMigration.cleared`), as the bundle clears them on the targets. Only once
    /// the run's rows fit (`SchemaFit`): a row whose record is held back keeps its baseline
    /// row, old value and all, and that value must block the run, not be lost.
    static func clearUnfit(_ migration: EntityMigration, bundle: Int, in db: Database) throws {
        guard let entity = migration.entity else { return }
        let sqlite = SQLDialect.sqlite
        let key = "json_array(\(entity.key.map(sqlite.identifier).joined(separator: ", ")))"
        for (column, name, type) in migration.cleared {
            let unfit = RestoreValues.unfitKeys(
                column: column.name, from: ColumnType(spelling: column.type) ?? .text, to: type,
                entity: migration.name, bundle: bundle)
            try db.execute(
                sql:
                    "UPDATE \(EntityTables(entity).baseline) SET \(sqlite.identifier(name)) = NULL WHERE \(key) IN (\(unfit))"
            )
        }
    }

    /// Each workspace table of the entity, and its name set aside while the spec lacks the entity.
    private static func tables(of name: String, bundle: Int) -> [(table: String, aside: String)] {
        EntityTables.Role.allCases.map { role in
            let table = EntityTables.name(role, of: name)
            return (table, SQLDialect.sqlite.identifier("airlock_removed_\(bundle)_\(table)"))
        }
    }

    private static func apply(_ migration: EntityMigration, bundle: Int, in db: Database) throws -> EntityMigration {
        var migration = migration
        let sqlite = SQLDialect.sqlite
        let undo = EntityTables.table(.undo, of: migration.name)
        // A bundle that carried the entity made its table on the targets and kept before-images.
        migration.onTargets = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM \(undo))") ?? false
        for column in migration.restored {
            try RestoreValues.keep(
                column: column.name, key: migration.old.key, entity: migration.name, bundle: bundle, in: db)
        }
        try MigrationRecord.record(migration, bundle: bundle, in: db)
        guard let entity = migration.entity else {
            for (table, aside) in tables(of: migration.name, bundle: bundle) {
                try db.execute(sql: "ALTER TABLE \(sqlite.identifier(table)) RENAME TO \(aside)")
            }
            try EntityRecord.remove(migration.name, in: db)
            return migration
        }
        for change in migration.changes {
            if case .tableRenamed = change { continue }
            for (table, _) in tables(of: migration.name, bundle: bundle) {
                for statement in SchemaStatements(.sqlite).forward(change, table: TableName(name: table)) {
                    try db.execute(sql: statement)
                }
            }
        }
        try EntityRecord.record(entity, in: db)
        return migration
    }
}
