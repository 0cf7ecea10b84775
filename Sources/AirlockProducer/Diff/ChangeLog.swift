import AirlockBase
import AirlockSpec
import Foundation
import GRDB

/// The field-level changes of one entity, as a bundle's `changes/ENTITY.ndjson`: one JSON line
/// per changed key, in key order, built by SQLite from the snapshot and baseline.
///
/// `{"op":"insert","key":{…},"after":{…}}` carries every value column of a new row,
/// `{"op":"delete","key":{…},"before":{…}}` every value column of a removed one, and
/// `{"op":"update","key":{…},"before":{…},"after":{…}}` only the fields that changed, and
/// with the spec's `context:` columns, `"context":{…}`: those fields as the row holds them.
/// Values are typed as the spec says: integers and booleans as JSON numbers and booleans,
/// decimals as strings (exact), NULL as null.
struct ChangeLog {
    let entity: EntitySpec
    private let dialect = SQLDialect.sqlite

    init(_ entity: EntitySpec) { self.entity = entity }

    /// Writes every line to `url`, streaming rows out of the workspace.
    func write(to url: URL, from db: Database) throws {
        let out = try ScriptWriter(path: url)
        // The first column is the line; the others are its key, for the order.
        let cursor = try String.fetchCursor(db, sql: lines)
        while let line = try cursor.next() { try out.line(line) }
        try out.close()
    }

    private func value(_ column: ColumnSpec, of alias: String) -> String {
        let reference = "\(alias).\(dialect.identifier(column.name))"
        return column.type == .boolean
            ? "json(CASE WHEN \(reference) THEN 'true' WHEN NOT \(reference) THEN 'false' END)" : reference
    }

    /// A JSON object of `columns` of the row `alias`, typed as the change file types them.
    func object(_ columns: [ColumnSpec], of alias: String) -> String {
        guard !columns.isEmpty else { return "json_object()" }
        return "json_object("
            + columns.map { "\(dialect.literal($0.name)), \(value($0, of: alias))" }.joined(separator: ", ") + ")"
    }

    /// `object` without the fields that did not change: json_remove takes a path per value
    /// column, pointing nowhere for a changed one.
    private func changedFields(of alias: String) -> String {
        let values = entity.valueColumns
        guard !values.isEmpty else { return "json_object()" }
        let paths = values.map { column in
            let name = dialect.identifier(column.name)
            return
                "CASE WHEN s.\(name) IS NOT b.\(name) THEN '$.\"airlock:none\"' ELSE \(dialect.literal("$.\"\(column.name)\"")) END"
        }
        return "json_remove(\(object(values, of: alias)), \(paths.joined(separator: ", ")))"
    }

    /// `, 'context', {…}`: the spec's context columns of the updated row as it stands now;
    /// nothing for an entity without them, so its lines stay as they were.
    private var context: String {
        let columns = entity.context.compactMap { name in entity.valueColumns.first { $0.name == name } }
        return columns.isEmpty ? "" : ", 'context', \(object(columns, of: "s"))"
    }

    private var lines: String {
        let diff = EntityDiff(entity), tables = EntityTables(entity)
        let keyMatch = diff.keyMatch, rowDiffers = diff.rowDiffers
        let keyColumns = entity.keyColumns
        let order = entity.key.indices.map { "k\($0)" }
        func keys(_ alias: String) -> String {
            entity.key.enumerated().map { "\(alias).\(dialect.identifier($0.element)) AS k\($0.offset)" }.joined(
                separator: ", ")
        }
        // ORDER BY on the compound itself lets SQLite merge the three arms, each already in key
        // order, instead of sorting every line in a temporary b-tree.
        return """
            SELECT json_object('op', 'insert', 'key', \(object(keyColumns, of: "s")), 'after', \(object(entity.valueColumns, of: "s"))) AS line, \(keys("s"))
            FROM \(tables.snapshot) AS s WHERE NOT EXISTS (SELECT 1 FROM \(tables.baseline) AS b WHERE \(keyMatch))
            UNION ALL
            SELECT json_object('op', 'update', 'key', \(object(keyColumns, of: "s")), 'before', \(changedFields(of: "b")), 'after', \(changedFields(of: "s"))\(context)), \(keys("s"))
            FROM \(tables.snapshot) AS s JOIN \(tables.baseline) AS b ON \(keyMatch) WHERE \(rowDiffers)
            UNION ALL
            SELECT json_object('op', 'delete', 'key', \(object(keyColumns, of: "b")), 'before', \(object(entity.valueColumns, of: "b"))), \(keys("b"))
            FROM \(tables.baseline) AS b WHERE NOT EXISTS (SELECT 1 FROM \(tables.snapshot) AS s WHERE \(keyMatch))
            ORDER BY \(order.joined(separator: ", "))
            """
    }
}
