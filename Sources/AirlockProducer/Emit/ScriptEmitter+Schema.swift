import AirlockBase
import AirlockSpec
import GRDB

/// A bundle that changes the spec changes the target's tables in the same transaction: the
/// upsert and the cutover run the DDL before anything else (so the check of the target sees
/// the tables as the bundle's rows need them), and their rollbacks run the DDL back last,
/// then put back, row by row, the values of columns the change removed or retyped, which
/// the workspace kept (`RestoreValues`). A rolled-back target is the target
/// before the bundle, columns, types and values alike. Before its DDL a script refuses a
/// column an index of the target uses (`SchemaStatements.indexUses`) and clears the values a
/// retype's cast may not read (`EntityMigration.cleared`).
extension ScriptEmitter {
    func writeSchemaChanges(_ out: ScriptWriter, db: Database) throws {
        var ordinal = 0
        for migration in migrations {
            try out.line("-- \(migration.name): the spec's changes to its table, before any row.")
            let changes = migration.statements(dialect)
            for (change, table, _) in changes {
                guard let (column, condition) = SchemaStatements(dialect).indexUses(change, table: table) else {
                    continue
                }
                ordinal += 1
                try out.line(
                    ledger.refuse(
                        when: condition,
                        message:
                            "airlock: bundle \(bundle.paddedSequence) drops or retypes column \(table).\(column), which an index of this target uses: drop the index first, and make it again after if it still serves; nothing was changed",
                        label: "index_\(ordinal)"))
            }
            for (column, _, type) in migration.cleared {
                ordinal += 1
                try out.line("-- \(column.name): the values its cast to \(type) may not read, cleared first.")
                let from = ColumnType(spelling: column.type) ?? .text
                try writeKept(out, column, of: migration, unfit: (from, type), as: "airlock_clear_\(ordinal)", db: db) {
                    _ in
                    "NULL"
                }
            }
            for (_, _, statements) in changes {
                for statement in statements { try out.line(statement) }
            }
        }
    }

    func writeSchemaChangesUndone(_ out: ScriptWriter, db: Database) throws {
        var ordinal = 0
        for migration in migrations.reversed() {
            try out.line("-- \(migration.name): its table as it was before this bundle's spec changes.")
            for statement in migration.back(dialect) { try out.line(statement) }
            for column in migration.restored {
                ordinal += 1
                try writeKept(out, column, of: migration, as: "airlock_restore_\(ordinal)", db: db) { "r.\($0)" }
            }
        }
    }

    /// Loads the column's old values by key (with `unfit`, only those that do not fit that
    /// type) into the temporary table `temporary` and sets the column of each of their rows
    /// in the old table to `value` of the loaded column's name.
    private func writeKept(
        _ out: ScriptWriter, _ column: EntityDefinition.Column, of migration: EntityMigration,
        unfit: (from: ColumnType, to: ColumnType)? = nil, as temporary: String, db: Database, value: (String) -> String
    ) throws {
        // The rows as an entity of the old key and the one column, for `load` to write in its types.
        let keyColumns = migration.old.key.map { name in
            ColumnSpec(name: name, from: name, type: migration.old.type(of: name) ?? .text)
        }
        let values = ColumnSpec(name: column.name, from: column.name, type: ColumnType(spelling: column.type) ?? .text)
        let rows = EntitySpec(
            name: migration.name, source: SourceSpec(filePattern: "", format: .csv), key: migration.old.key,
            columns: keyColumns + [values])
        let sql = EntitySQL(rows, dialect)
        let lifetime = dialect == .postgres ? " ON COMMIT DROP" : ""
        try out.line("CREATE TEMP TABLE \(temporary) \(sql.tableDefinition(foreignKeys: false))\(lifetime);")
        let kept = RestoreValues.baselineRows(
            column: column.name, key: migration.old.key, entity: migration.name, bundle: bundle.sequence,
            unfit: unfit)
        try load(out, rows, into: temporary, rows: kept, db: db)
        let name = sql.name(column.name)
        try out.line(
            "UPDATE \(migration.old.tableName.qualified(dialect)) AS t SET \(name) = \(value(name)) FROM \(temporary) AS r WHERE \(sql.keyMatch("t", "r"));"
        )
        if dialect == .sqlite { try out.line("DROP TABLE temp.\(temporary);") }
    }
}
