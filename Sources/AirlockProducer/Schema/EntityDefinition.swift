import AirlockBase
import AirlockSpec
import Foundation

/// What an entity's tables are, as the workspace recorded them when it made or last migrated
/// them (`airlock_entities.definition`): the target table, the key and the typed columns.
/// Compared with the spec's entity it tells what a spec change does (`EntityMigration`).
struct EntityDefinition: Codable, Equatable {
    struct Column: Codable, Equatable {
        var name: String
        /// As the spec spells it (`decimal(12,2)`), read back with `ColumnType(spelling:)`.
        var type: String
        /// The entity whose key the column refers to, if any.
        var references: String?
    }

    var schema: String?
    var table: String
    var key: [String]
    var columns: [Column]

    init(_ entity: EntitySpec) {
        schema = entity.table.schema
        table = entity.table.name
        key = entity.key
        columns = entity.columns.map { Column(name: $0.name, type: $0.type.description, references: $0.references) }
    }

    /// A workspace written before definitions were recorded kept only the shape of the
    /// entity's tables (`name type, … KEY k1,k2`); its target table and references are taken
    /// to be the spec's `entity`'s. Nil for text that is not such a shape.
    init?(signature: String, entity: EntitySpec) {
        guard let keyStart = signature.range(of: " KEY ", options: .backwards) else { return nil }
        let columns = signature[..<keyStart.lowerBound].components(separatedBy: ", ").map { part in
            let words = part.split(separator: " ", maxSplits: 1).map(String.init)
            let references = entity.columns.first { $0.name == words[0] }?.references
            return Column(name: words[0], type: words.count > 1 ? words[1] : "", references: references)
        }
        guard columns.allSatisfy({ ColumnType(spelling: $0.type) != nil }) else { return nil }
        self.columns = columns
        key = signature[keyStart.upperBound...].split(separator: ",").map(String.init)
        schema = entity.table.schema
        table = entity.table.name
    }

    var tableName: TableName { TableName(schema: schema, name: table) }

    /// The recorded type of the column called `name`; nil when there is none.
    func type(of name: String) -> ColumnType? {
        columns.first { $0.name == name }.flatMap { ColumnType(spelling: $0.type) }
    }

    /// As `airlock_entities` keeps it: JSON with its keys sorted, the same text for the same definition.
    func encoded() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    static func decoded(_ text: String) throws -> EntityDefinition {
        try JSONDecoder().decode(EntityDefinition.self, from: Data(text.utf8))
    }
}
