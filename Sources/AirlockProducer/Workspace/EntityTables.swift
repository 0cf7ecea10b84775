import AirlockBase
import AirlockSpec
import GRDB

/// The workspace tables of one entity: `snap_NAME`, this run's normalized snapshot (between
/// runs empty or a copy of the baseline, as the last promote left it: every run fills it
/// before reading it), `base_NAME`, the state the last bundle produced, and `undo_NAME`, each
/// bundle's before-images, so a discarded bundle's baseline can be restored. All are keyed WITHOUT
/// ROWID tables, so the diff reads them in key order and finds a row by its key.
struct EntityTables {
    let entity: EntitySpec
    /// The entity's SQL spellings in the workspace's dialect.
    let sql: EntitySQL

    init(_ entity: EntitySpec) {
        self.entity = entity
        sql = EntitySQL(entity, .sqlite)
    }

    var snapshot: String { Self.table(.snapshot, of: entity.name) }
    var baseline: String { Self.table(.baseline, of: entity.name) }
    var undo: String { Self.table(.undo, of: entity.name) }
    /// The keys this run's snapshot changes (`EntityDiff.findChanges`): a temporary table of
    /// the run's connection, `temp."changed_NAME"`.
    var changed: String { "temp." + SQLDialect.sqlite.identifier("changed_" + entity.name) }

    /// The three tables of an entity; their names are made here only, also for an entity the
    /// spec no longer has (`WorkspaceMigration`).
    enum Role: String, CaseIterable {
        case snapshot = "snap_"
        case baseline = "base_"
        case undo = "undo_"
    }

    /// The table of `role` for the entity called `entity`, unquoted: `base_products`.
    static func name(_ role: Role, of entity: String) -> String { role.rawValue + entity }

    /// The same, quoted for SQL.
    static func table(_ role: Role, of entity: String) -> String {
        SQLDialect.sqlite.identifier(name(role, of: entity))
    }

    /// Makes the entity's tables and records its definition. Tables recorded with another
    /// definition stay as they are until the next run migrates them (`WorkspaceMigration`);
    /// a change no migration can make is refused now.
    func create(in db: Database) throws {
        if let recorded = try EntityRecord.definition(of: entity.name, completedFrom: entity, in: db),
            try EntityMigration.between(recorded, entity) != nil
        {
            return
        }
        for table in [snapshot, baseline] {
            try db.execute(
                sql: "CREATE TABLE IF NOT EXISTS \(table) \(sql.tableDefinition(foreignKeys: false)) WITHOUT ROWID")
        }
        let columns = entity.columns.map { "\(sql.name($0.name)) \(sql.dialect.columnType($0.type))" }.joined(
            separator: ", ")
        // airlock_existed = 0: the bundle inserted the key, so restoring removes it; its other
        // columns are NULL.
        try db.execute(
            sql: """
                CREATE TABLE IF NOT EXISTS \(undo) (airlock_bundle INTEGER NOT NULL, airlock_existed INTEGER NOT NULL, \(columns),
                    PRIMARY KEY (airlock_bundle, \(sql.key))) WITHOUT ROWID
                """)
        try EntityRecord.record(entity, in: db)
    }

    /// Makes the snapshot a copy of the baseline: the entity's rows as they stand, before a
    /// rule that is not about this drop's records changes some of them.
    func copyBaselineToSnapshot(in db: Database) throws {
        try copy(.baseline, to: .snapshot, in: db)
    }

    /// Makes the baseline hold the snapshot's rows by trading the two tables' names, and
    /// empties the snapshot, which each run builds anew. Where most rows change, as in a first
    /// bundle, this is what a copy would do, without writing every row a second time (1M rows
    /// in the `sqlite3` shell: the copy 0.55 s and its commit 0.48 s more; the renames 0.04 s).
    /// Both tables keep their definitions, which migrations change alike.
    func moveSnapshotToBaseline(in db: Database) throws {
        let spare = SQLDialect.sqlite.identifier("airlock_spare_" + entity.name)
        try db.execute(
            sql: """
                ALTER TABLE \(baseline) RENAME TO \(spare);
                ALTER TABLE \(snapshot) RENAME TO \(baseline);
                ALTER TABLE \(spare) RENAME TO \(snapshot);
                DELETE FROM \(snapshot)
                """)
    }

    /// Makes the table of role `target` hold exactly the rows of the one of role `source`.
    func copy(_ source: Role, to target: Role, in db: Database) throws {
        let (from, to) = (Self.table(source, of: entity.name), Self.table(target, of: entity.name))
        try db.execute(sql: "DELETE FROM \(to)")
        // Where both tables have the same columns in the same order, `SELECT *` lets SQLite
        // copy each record whole (its transfer optimization: 1M rows in 0.40 s, against 0.73 s
        // through a column list); a column list where they differ.
        let sameColumns =
            try db.columns(in: Self.name(source, of: entity.name)).map(\.name)
            == db.columns(in: Self.name(target, of: entity.name)).map(\.name)
        try db.execute(
            sql: sameColumns
                ? "INSERT INTO \(to) SELECT * FROM \(from)"
                : "INSERT INTO \(to) (\(sql.columns)) SELECT \(sql.columns) FROM \(from)")
    }
}
