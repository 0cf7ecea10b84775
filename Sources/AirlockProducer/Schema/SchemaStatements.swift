import AirlockBase

/// The DDL of an entity's schema changes in one dialect, forward (the upsert and cutover make
/// it before they write rows) and back (their rollbacks, after the rows are restored). The
/// workspace's own tables take the SQLite statements (`WorkspaceMigration`).
///
/// ```swift
/// SchemaStatements(.postgres).forward(.columnAdded(name: "note", type: .text), table: items)
/// // ["ALTER TABLE \"items\" ADD COLUMN \"note\" text;"]
/// ```
struct SchemaStatements {
    let dialect: SQLDialect

    init(_ dialect: SQLDialect) { self.dialect = dialect }

    /// The statements that make `change` to `table` (its name after a rename earlier in the
    /// same migration).
    func forward(_ change: SchemaChange, table: TableName) -> [String] {
        switch change {
        case let .tableRenamed(from, to), let .entityRemoved(from, to): return rename(from, to)
        case let .columnAdded(name, type): return [alter(table, "ADD COLUMN \(q(name)) \(dialect.columnType(type))")]
        case let .columnRemoved(name, _): return [alter(table, "DROP COLUMN \(q(name))")]
        case let .columnRenamed(from, to): return [alter(table, "RENAME COLUMN \(q(from)) TO \(q(to))")]
        case let .columnRetyped(name, from, to): return retype(table, name, from: from, to: to)
        case .referencesChanged: return []
        }
    }

    /// The statements that undo `change` on `table` (its name before the migration's table
    /// rename is undone). A removed or retyped column's values are put back separately
    /// (`SchemaChange.restoredColumn`).
    func back(_ change: SchemaChange, table: TableName) -> [String] {
        switch change {
        case let .tableRenamed(from, to), let .entityRemoved(from, to): return rename(to, from)
        case let .columnAdded(name, type): return forward(.columnRemoved(name: name, type: type), table: table)
        case let .columnRemoved(name, type): return forward(.columnAdded(name: name, type: type), table: table)
        case let .columnRenamed(from, to): return forward(.columnRenamed(from: to, to: from), table: table)
        case let .columnRetyped(name, from, to): return retype(table, name, from: to, to: from)
        case .referencesChanged: return []
        }
    }

    /// SQL that is true when an index of the target uses the column that `change` drops from
    /// `table`, or in SQLite moves to a new type; nil for a change that drops or moves none.
    /// PostgreSQL would drop the index with the column and its rollback could not make it
    /// again; SQLite refuses to drop an indexed column, with an error that names Airlock's own
    /// column. So the script refuses first, saying which column.
    func indexUses(_ change: SchemaChange, table: TableName) -> (column: String, condition: String)? {
        let column: String
        switch change {
        case let .columnRemoved(name, _): column = name
        case let .columnRetyped(name, _, _) where dialect == .sqlite && !forward(change, table: table).isEmpty:
            column = name
        default: return nil
        }
        let name = dialect.literal(column)
        switch dialect {
        case .postgres:
            let relation = dialect.literal(table.qualified(.postgres))
            return (
                column,
                """
                EXISTS (SELECT 1 FROM pg_index AS i JOIN pg_attribute AS a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
                  WHERE i.indrelid = to_regclass(\(relation)) AND a.attname = \(name))
                """
            )
        case .sqlite:
            let relation = dialect.literal(table.name)
            return (
                column,
                "EXISTS (SELECT 1 FROM pragma_index_list(\(relation)) AS l, pragma_index_info(l.name) AS c WHERE c.name = \(name))"
            )
        }
    }

    private func q(_ name: String) -> String { dialect.identifier(name) }

    private func alter(_ table: TableName, _ action: String) -> String {
        "ALTER TABLE \(table.qualified(dialect)) \(action);"
    }

    private func rename(_ from: TableName, _ to: TableName) -> [String] {
        var statements: [String] = []
        var current = from
        if dialect == .postgres, from.schema != to.schema {
            statements.append(alter(current, "SET SCHEMA \(q(to.schema ?? "public"))"))
            current.schema = to.schema
        }
        if current.name != to.name { statements.append(alter(current, "RENAME TO \(q(to.name))")) }
        return statements
    }

    /// PostgreSQL casts in place; SQLite, which cannot change a column's type, moves the
    /// values into a new column of the new type (its affinity converts them where that loses
    /// nothing) and drops the old one. Types the dialect spells alike (text and enum) need nothing.
    private func retype(_ table: TableName, _ name: String, from: ColumnType, to: ColumnType) -> [String] {
        let type = dialect.columnType(to)
        guard dialect.columnType(from) != type else { return [] }
        switch dialect {
        case .postgres:
            return [alter(table, "ALTER COLUMN \(q(name)) TYPE \(type) USING \(q(name))::\(type)")]
        case .sqlite:
            let moved = q("airlock_retype_" + name)
            return [
                alter(table, "RENAME COLUMN \(q(name)) TO \(moved)"), alter(table, "ADD COLUMN \(q(name)) \(type)"),
                "UPDATE \(table.qualified(dialect)) SET \(q(name)) = \(moved);", alter(table, "DROP COLUMN \(moved)")
            ]
        }
    }
}
