import AirlockBase
import AirlockSpec

extension SQLDialect {
    /// An entity's target table, for a target that does not have it yet, with its key and
    /// foreign keys.
    func createTable(_ entity: EntitySpec) -> String {
        "CREATE TABLE IF NOT EXISTS \(identifier(entity.name)) \(tableDefinition(entity, foreignKeys: true));"
    }

    /// `(columns, PRIMARY KEY (...), FOREIGN KEY ...)` for `entity`.
    func tableDefinition(_ entity: EntitySpec, foreignKeys: Bool) -> String {
        var parts = entity.columns.map { "\(identifier($0.name)) \(columnType($0.type))" }
        parts.append("PRIMARY KEY (\(entity.key.map(identifier).joined(separator: ", ")))")
        for column in entity.columns where foreignKeys {
            guard let parent = column.references else { continue }
            parts.append("FOREIGN KEY (\(identifier(column.name))) REFERENCES \(identifier(parent))")
        }
        return "(" + parts.joined(separator: ", ") + ")"
    }
}
