import AirlockBase
import GRDB

/// `airlock_restore_values`: the values a bundle's schema change took from a column it removed
/// or retyped, per key (a JSON array of the key's values), from the baseline (`undo_bundle`
/// NULL) and from each earlier bundle's before-images. The bundle's rollback scripts put the
/// baseline's back on the targets; `discard` puts all of them back in the workspace. Every
/// statement on the table is here.
enum RestoreValues {
    static let table = "airlock_restore_values"

    /// Keeps `column`'s values of the entity's baseline and before-images, keyed by `key` (the
    /// old key columns), as they stand before `bundle` changes the column.
    static func keep(column: String, key: [String], entity: String, bundle: Int, in db: Database) throws {
        let sqlite = SQLDialect.sqlite
        let keyArray = "json_array(\(key.map(sqlite.identifier).joined(separator: ", ")))"
        let name = sqlite.identifier(column)
        try db.execute(
            sql: """
                INSERT INTO \(table) (bundle, entity, column_name, undo_bundle, key, value)
                SELECT ?1, ?2, ?3, NULL, \(keyArray), \(name) FROM \(EntityTables.table(.baseline, of: entity))
                UNION ALL
                SELECT ?1, ?2, ?3, airlock_bundle, \(keyArray), \(name) FROM \(EntityTables.table(.undo, of: entity))
                """, arguments: [bundle, entity, column])
    }

    /// SQL: the baseline's kept values of `column` as rows of the key columns and the value,
    /// for a rollback script to load.
    /// With `unfit`, only those that may not fit that type (`unfit(_:as:)`).
    static func baselineRows(
        column: String, key: [String], entity: String, bundle: Int,
        unfit type: (from: ColumnType, to: ColumnType)? = nil
    ) -> String {
        let sqlite = SQLDialect.sqlite
        let keys = key.indices.map { "json_extract(key, '$[\($0)]') AS \(sqlite.identifier(key[$0]))" }
        return """
            SELECT \(keys.joined(separator: ", ")), value AS \(sqlite.identifier(column)) FROM \(table)
            WHERE bundle = \(bundle) AND entity = \(sqlite.literal(entity)) AND column_name = \(sqlite.literal(column))
            AND undo_bundle IS NULL\(type.map { " AND " + unfit("value", from: $0.from, to: $0.to) } ?? "") ORDER BY key
            """
    }

    /// SQL: the keys (JSON arrays, as kept) of the baseline's rows whose kept value of `column`
    /// may not fit `to` (`unfit(_:from:to:)`).
    static func unfitKeys(column: String, from: ColumnType, to: ColumnType, entity: String, bundle: Int) -> String {
        let sqlite = SQLDialect.sqlite
        return """
            SELECT key FROM \(table) WHERE bundle = \(bundle) AND entity = \(sqlite.literal(entity))
            AND column_name = \(sqlite.literal(column)) AND undo_bundle IS NULL AND \(unfit("value", from: from, to: to))
            """
    }

    /// SQL: whether `value` (SQL), of type `from`, may not fit `to` on the targets
    /// (`EntityMigration.cleared`): text that is not already the spelling the workspace gives
    /// a value of `to` (the only text every target's cast reads as that same value), or a
    /// number that `to` cannot hold.
    static func unfit(_ value: String, from: ColumnType, to: ColumnType) -> String {
        let text = "CAST(\(value) AS TEXT)"
        let parsed = WorkspaceFunctions.parsed(text, as: to)
        let fits =
            from == .text || from == .enumeration ? "CAST(\(parsed) AS TEXT) IS \(text)" : "\(parsed) IS NOT NULL"
        return "\(value) IS NOT NULL AND NOT (\(fits))"
    }

    /// Writes the kept values of `column` back into the entity's baseline and before-images,
    /// for a discarded bundle.
    static func putBack(column: String, key: [String], entity: String, bundle: Int, in db: Database) throws {
        let sqlite = SQLDialect.sqlite
        let keyArray = "json_array(\(key.map { "t." + sqlite.identifier($0) }.joined(separator: ", ")))"
        let name = sqlite.identifier(column)
        let kept = "\(table) AS r WHERE r.bundle = ?1 AND r.entity = ?2 AND r.column_name = ?3 AND r.key = \(keyArray)"
        try db.execute(
            sql: """
                UPDATE \(EntityTables.table(.baseline, of: entity)) AS t SET \(name) = (SELECT r.value FROM \(kept) AND r.undo_bundle IS NULL)
                """, arguments: [bundle, entity, column])
        try db.execute(
            sql: """
                UPDATE \(EntityTables.table(.undo, of: entity)) AS t SET \(name) = (SELECT r.value FROM \(kept) AND r.undo_bundle = t.airlock_bundle)
                """, arguments: [bundle, entity, column])
    }
}
