import AirlockBase
import AirlockSpec
import GRDB

/// Builds a model entity's snapshot from its SELECT over other entities. Each entity is
/// visible to the query by its own name, as the rows it holds after this run, and the
/// query's columns are taken by name and canonicalized to the model's column types.
struct ModelBuilder {
    let entity: EntitySpec
    private let dialect = SQLDialect.sqlite

    init(_ entity: EntitySpec) { self.entity = entity }

    func build(visible entities: [(name: String, table: String)], in db: Database) throws {
        guard let model = entity.model else { return }
        for (name, table) in entities {
            try db.execute(sql: "DROP VIEW IF EXISTS temp.\(dialect.identifier(name))")
            try db.execute(sql: "CREATE TEMP VIEW \(dialect.identifier(name)) AS SELECT * FROM \(table)")
        }
        defer {
            for (name, _) in entities { try? db.execute(sql: "DROP VIEW IF EXISTS temp.\(dialect.identifier(name))") }
        }
        let tables = EntityTables(entity)
        let values = entity.columns.map { column in
            let value = "m.\(dialect.identifier(column.name))"
            return WorkspaceFunctions.parsed(value, as: column.type)
        }
        try db.execute(sql: "DELETE FROM \(tables.snapshot)")
        do {
            try db.execute(
                sql:
                    "INSERT INTO \(tables.snapshot) (\(tables.sql.columns)) SELECT \(values.joined(separator: ", ")) FROM (\(model)) AS m"
            )
        } catch let error as DatabaseError {
            throw ModelError(entity: entity.name, reason: error.message ?? "\(error)")
        }
    }
}

/// A model query that does not run or does not give one row per key.
package struct ModelError: AirlockError, Equatable {
    package var entity: String
    package var reason: String

    package var exitStatus: ExitStatus { .usageOrConfig }
    package var description: String {
        "entities.\(entity).model: the query failed: \(reason); it may name entities by name and must give each of the model's columns, one row per key"
    }
}
