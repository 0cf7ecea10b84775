import AirlockBase
import AirlockSite
import AirlockSpec
import GRDB

/// The workspace tables of one entity: `snap_NAME`, this run's normalized snapshot,
/// `base_NAME`, the state the last bundle produced, and `undo_NAME`, each bundle's
/// before-images, so a discarded bundle's baseline can be restored. All are keyed WITHOUT
/// ROWID tables so the diff is a join on the key.
struct EntityTables {
    let entity: EntitySpec
    let dialect = SQLDialect.sqlite

    init(_ entity: EntitySpec) { self.entity = entity }

    var snapshot: String { dialect.identifier("snap_" + entity.name) }
    var baseline: String { dialect.identifier("base_" + entity.name) }
    var undo: String { dialect.identifier("undo_" + entity.name) }

    var columnList: String { entity.columns.map { dialect.identifier($0.name) }.joined(separator: ", ") }
    var keyList: String { entity.key.map { dialect.identifier($0) }.joined(separator: ", ") }

    /// SQL giving a row's key as findings name it: `order_id='O-1', line=2`.
    func keyText(of alias: String) -> String {
        entity.key.map { "\(dialect.literal($0 + "=")) || quote(\(alias).\(dialect.identifier($0)))" }.joined(separator: " || ', ' || ")
    }

    /// What the workspace storage of this entity looks like; a change needs a new workspace.
    var signature: String { entity.columns.map { "\($0.name) \($0.type)" }.joined(separator: ", ") + " KEY " + entity.key.joined(separator: ",") }

    func create(in db: Database) throws {
        let recorded = try String.fetchOne(db, sql: "SELECT columns FROM airlock_entities WHERE name = ?", arguments: [entity.name])
        if let recorded, recorded != signature {
            throw WorkspaceError.entityChanged(entity: entity.name, was: recorded, now: signature)
        }
        for table in [snapshot, baseline] {
            try db.execute(sql: "CREATE TABLE IF NOT EXISTS \(table) \(dialect.tableDefinition(entity, foreignKeys: false)) WITHOUT ROWID")
        }
        let columns = entity.columns.map { "\(dialect.identifier($0.name)) \(dialect.columnType($0.type))" }.joined(separator: ", ")
        // airlock_existed = 0: the bundle inserted the key, so restoring removes it.
        try db.execute(sql: """
            CREATE TABLE IF NOT EXISTS \(undo) (airlock_bundle INTEGER NOT NULL, airlock_existed INTEGER NOT NULL, \(columns),
                PRIMARY KEY (airlock_bundle, \(keyList))) WITHOUT ROWID
            """)
        try db.execute(sql: "INSERT OR IGNORE INTO airlock_entities (name, columns) VALUES (?, ?)", arguments: [entity.name, signature])
    }
}
