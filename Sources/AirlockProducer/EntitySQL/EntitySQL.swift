import AirlockBase
import AirlockSpec

/// The SQL spellings of one entity in one dialect: its quoted columns and key, key joins,
/// row comparisons, keys as text and its table definition. Workspace statements and script
/// builders both spell an entity through here, so each fragment is written once.
///
/// ```swift
/// let sql = EntitySQL(orderLines, .postgres)
/// sql.columns                 // "order_id", "line", "amount"
/// sql.keyMatch("t", "o")      // t."order_id" = o."order_id" AND t."line" = o."line"
/// sql.valuesDiffer("s", "b")  // s."amount" IS DISTINCT FROM b."amount"
/// ```
struct EntitySQL {
    let entity: EntitySpec
    let dialect: SQLDialect

    init(_ entity: EntitySpec, _ dialect: SQLDialect = .sqlite) {
        self.entity = entity
        self.dialect = dialect
    }

    /// A column's quoted name.
    func name(_ column: String) -> String { dialect.identifier(column) }

    /// Every column, quoted, in spec order: `"a", "b"`.
    var columns: String { columns(of: nil) }

    /// Every column of the row `alias`: `s."a", s."b"`.
    func columns(of alias: String?) -> String { list(entity.columns.map(\.name), of: alias) }

    /// The key columns, quoted: `"k1", "k2"`.
    var key: String { key(of: nil) }

    /// The key columns of the row `alias`.
    func key(of alias: String?) -> String { list(entity.key, of: alias) }

    /// Rows `left` and `right` share a key.
    func keyMatch(_ left: String, _ right: String) -> String {
        entity.key.map { "\(left).\(name($0)) = \(right).\(name($0))" }.joined(separator: " AND ")
    }

    /// One NULL-safe test per value column, true where rows `left` and `right` differ in it.
    func valueDifferences(_ left: String, _ right: String) -> [String] {
        let differs = dialect == .postgres ? "IS DISTINCT FROM" : "IS NOT"
        return entity.valueColumns.map { "\(left).\(name($0.name)) \(differs) \(right).\(name($0.name))" }
    }

    /// True where rows `left` and `right` differ in a value column; false (`0`) for an
    /// entity that has none.
    func valuesDiffer(_ left: String, _ right: String) -> String {
        let differences = valueDifferences(left, right)
        return differences.isEmpty ? "0" : differences.joined(separator: " OR ")
    }

    /// How messages name the key of row `alias`: `order_id=O-1, line=2`, or with `quoted`
    /// values as SQL literals, `order_id='O-1', line=2` (findings do, so text and numbers differ).
    func keyText(of alias: String, quoted: Bool = false) -> String {
        entity.key.map { key in
            let value = quoted ? "quote(\(alias).\(name(key)))" : "CAST(\(alias).\(name(key)) AS TEXT)"
            return "\(dialect.literal(key + "=")) || \(value)"
        }.joined(separator: " || ', ' || ")
    }

    /// `(columns, PRIMARY KEY (...), FOREIGN KEY ...)`, each column in its spec type.
    func tableDefinition(foreignKeys: Bool) -> String {
        var parts = entity.columns.map { "\(name($0.name)) \(dialect.columnType($0.type))" }
        parts.append("PRIMARY KEY (\(key))")
        for column in entity.columns where foreignKeys {
            guard let parent = column.references else { continue }
            let table = column.referencedTable ?? TableName(name: parent)
            parts.append("FOREIGN KEY (\(name(column.name))) REFERENCES \(table.qualified(dialect))")
        }
        if foreignKeys, let nesting = entity.nesting {
            // A child's key starts with its parent's, in the order of the parent's primary key.
            parts.append(
                "FOREIGN KEY (\(list(nesting.parentKey, of: nil))) REFERENCES \(nesting.parentTable.qualified(dialect))"
            )
        }
        return "(" + parts.joined(separator: ", ") + ")"
    }

    /// The entity's table in a target (`table:` in the spec), quoted and, in PostgreSQL, with its schema.
    var targetTable: String { entity.table.qualified(dialect) }

    /// The target's table, for a target that does not have it yet, with its key and foreign keys.
    var createTargetTable: String {
        "CREATE TABLE IF NOT EXISTS \(targetTable) \(tableDefinition(foreignKeys: true));"
    }

    private func list(_ names: [String], of alias: String?) -> String {
        names.map { column in (alias.map { "\($0)." } ?? "") + name(column) }.joined(separator: ", ")
    }
}
