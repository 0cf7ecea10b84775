import GRDB

/// One row of `airlock_entities`: the shape an entity's workspace tables were made with
/// (`EntityTables.signature`), so a spec that changed it is noticed.
enum EntityRecord {
    static let table = "airlock_entities"

    /// The shape recorded for `entity`, if any.
    static func signature(of entity: String, in db: Database) throws -> String? {
        try String.fetchOne(db, sql: "SELECT columns FROM \(table) WHERE name = ?", arguments: [entity])
    }

    static func record(_ entity: String, signature: String, in db: Database) throws {
        try db.execute(
            sql: "INSERT OR IGNORE INTO \(table) (name, columns) VALUES (?, ?)", arguments: [entity, signature])
    }
}
