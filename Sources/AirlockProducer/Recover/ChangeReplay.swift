import AirlockBase
import AirlockSpec
import Foundation
import GRDB

/// One bundle's change file for one entity (`changes/ENTITY.ndjson`), read forwards or
/// backwards over the entity's rows in its snapshot table. Forwards (`replay`) it turns the
/// rows before the bundle into those after it; backwards (`rewind`) it records the bundle's
/// before-images in the undo table, as `EntityDiff.promote` did when the bundle was made, and
/// turns the rows back into those before the bundle. Set work in SQLite over the lines.
struct ChangeReplay {
    let entity: EntitySpec
    private var tables: EntityTables { EntityTables(entity) }
    private let dialect = SQLDialect.sqlite

    private static let lines = "airlock_recover_changes"

    init(_ entity: EntitySpec) { self.entity = entity }

    /// `bundle`'s changes to the entity, from `file`, made to the snapshot: deleted keys
    /// removed, updated fields set, inserted rows added.
    func replay(changes file: URL, in db: Database) throws {
        try load(file, in: db)
        let sql = tables.sql
        // Qualified: a column may be called `op` or `line`, as the lines' table's are.
        let row = tables.snapshot
        let sameKey = keyMatch(row)
        // By key: a correlated EXISTS would read every line for every row.
        let deletedKeys = entity.key.map { field("key", $0) }.joined(separator: ", ")
        try db.execute(
            sql:
                "DELETE FROM \(tables.snapshot) WHERE (\(sql.key)) IN (SELECT \(deletedKeys) FROM \(Self.lines) AS c WHERE c.op = 'delete')"
        )
        let assignments = entity.valueColumns.map {
            "\(sql.name($0.name)) = \(changed("after", $0.name, otherwise: "\(row).\(sql.name($0.name))"))"
        }
        if !assignments.isEmpty {
            try db.execute(
                sql:
                    "UPDATE \(tables.snapshot) SET \(assignments.joined(separator: ", ")) FROM \(Self.lines) AS c WHERE c.op = 'update' AND \(sameKey)"
            )
        }
        let inserted = entity.columns.map { field(entity.key.contains($0.name) ? "key" : "after", $0.name) }
        try db.execute(
            sql:
                "INSERT INTO \(tables.snapshot) (\(sql.columns)) SELECT \(inserted.joined(separator: ", ")) FROM \(Self.lines) AS c WHERE c.op = 'insert'"
        )
    }

    /// `bundle`'s changes to the entity, from `file`: undo rows recorded, the snapshot rewound.
    func rewind(bundle: Int, changes file: URL, in db: Database) throws {
        try load(file, in: db)
        let sql = tables.sql
        let columns = sql.columns
        let sameKey = keyMatch("s")
        let undo = "INSERT INTO \(tables.undo) (airlock_bundle, airlock_existed, \(columns))"
        // A key the bundle inserted: removed by a restore; only the key is kept, as `promote` keeps it.
        try db.execute(
            sql:
                "INSERT INTO \(tables.undo) (airlock_bundle, airlock_existed, \(sql.key)) SELECT ?, 0, \(sql.key(of: "s")) FROM \(tables.snapshot) AS s JOIN \(Self.lines) AS c ON \(sameKey) WHERE c.op = 'insert'",
            arguments: [bundle])
        // A key it updated: its row before, the changed fields from `before`, the rest as they are.
        let before = entity.columns.map { column -> String in
            let name = "s.\(sql.name(column.name))"
            return entity.key.contains(column.name) ? name : changed("before", column.name, otherwise: name)
        }
        try db.execute(
            sql:
                "\(undo) SELECT ?, 1, \(before.joined(separator: ", ")) FROM \(tables.snapshot) AS s JOIN \(Self.lines) AS c ON \(sameKey) WHERE c.op = 'update'",
            arguments: [bundle])
        // A key it deleted: the whole row is in `before`.
        let deleted = entity.columns.map { field(entity.key.contains($0.name) ? "key" : "before", $0.name) }
        try db.execute(
            sql:
                "\(undo) SELECT ?, 1, \(deleted.joined(separator: ", ")) FROM \(Self.lines) AS c WHERE c.op = 'delete'",
            arguments: [bundle])
        try db.execute(
            sql:
                "DELETE FROM \(tables.snapshot) WHERE (\(sql.key)) IN (SELECT \(sql.key) FROM \(tables.undo) WHERE airlock_bundle = ?)",
            arguments: [bundle])
        try db.execute(
            sql:
                "INSERT INTO \(tables.snapshot) (\(columns)) SELECT \(columns) FROM \(tables.undo) WHERE airlock_bundle = ? AND airlock_existed",
            arguments: [bundle])
    }

    /// The change file's change lines into the temporary table, one row each with its `op`.
    private func load(_ file: URL, in db: Database) throws {
        try db.execute(sql: "CREATE TEMP TABLE IF NOT EXISTS \(Self.lines) (op TEXT NOT NULL, line TEXT NOT NULL)")
        try db.execute(sql: "DELETE FROM \(Self.lines)")
        let insert = try db.makeStatement(
            sql: "INSERT INTO \(Self.lines) (op, line) VALUES (json_extract(?1, '$.op'), ?1)")
        try ChangeLog.forEachChange(in: file, name: file.lastPathComponent) { line, _ in
            if !line.isEmpty {
                try insert.execute(arguments: [String(decoding: line, as: UTF8.self)])
            }
            return true
        }
    }

    /// SQL: the row called `row` has the key of change line `c`.
    private func keyMatch(_ row: String) -> String {
        entity.key.map { "\(row).\(tables.sql.name($0)) = \(field("key", $0))" }.joined(separator: " AND ")
    }

    /// The value `part` of a change line holds for `column` when it names the column (an
    /// update names only the fields that changed), else `current`.
    private func changed(_ part: String, _ column: String, otherwise current: String) -> String {
        "CASE WHEN json_type(c.line, \(path(part, column))) IS NOT NULL THEN \(field(part, column)) ELSE \(current) END"
    }

    private func path(_ part: String, _ column: String) -> String {
        dialect.literal("$.\(part).\"\(column)\"")
    }

    /// The value a change line holds: JSON numbers and booleans come out as integers (booleans
    /// 1 and 0), strings as text, null as NULL, as the workspace stores canonical values.
    private func field(_ part: String, _ column: String) -> String {
        "json_extract(c.line, \(path(part, column)))"
    }
}
