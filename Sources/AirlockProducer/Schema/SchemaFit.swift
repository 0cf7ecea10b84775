import AirlockBase
import GRDB

/// Whether every row fits a retyped column's new type, once the run has read the records
/// again: a row whose record was held back keeps its old value, which may not fit (a
/// decimal with more places than the new scale, text that is no integer). Such a value
/// would be cut or refused by the targets' cast, so each is a blocking finding that names
/// its row, and nothing changes.
struct SchemaFit {
    let migration: EntityMigration

    init(_ migration: EntityMigration) { self.migration = migration }

    func unfit(in db: Database) throws -> [ValidationFinding] {
        guard let entity = migration.entity else { return [] }
        let tables = EntityTables(entity)
        var findings: [ValidationFinding] = []
        for case let .columnRetyped(name, from, to) in migration.changes {
            let column = tables.sql.name(name)
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT \(tables.sql.keyText(of: "s")) AS key, CAST(s.\(column) AS TEXT) AS value FROM \(tables.snapshot) AS s
                    WHERE s.\(column) IS NOT NULL AND \(WorkspaceFunctions.parsed("CAST(s.\(column) AS TEXT)", as: to)) IS NOT s.\(column)
                    ORDER BY \(tables.sql.key) LIMIT 100
                    """)
            findings += rows.map { row in
                let (key, value): (String, String) = (row["key"], row["value"])
                // The row and its value in the reason too: the terminal line and `status` show
                // a finding by its place and reason, and this finding's place is the column.
                return ValidationFinding(
                    severity: .block, check: "schema_change", entity: entity.name, field: name, value: value,
                    reason:
                        "row \(key): '\(value)' does not fit \(to), the column's new type (it was \(from)); the targets' cast would change or refuse it: fix the row's record, or keep the old type",
                    key: key)
            }
        }
        return findings
    }
}
