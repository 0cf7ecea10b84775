import AirlockBase
import AirlockSpec
import Crypto
import Foundation
import GRDB

/// One row of `airlock_entities`: what an entity's workspace tables were made or last
/// migrated as (`EntityDefinition`), so a spec that changed it is migrated (`WorkspaceMigration`).
enum EntityRecord {
    static let table = "airlock_entities"

    /// The definition recorded for the entity called `name`, if any. A workspace written
    /// before definitions were recorded has only the tables' shape, completed from `entity`
    /// (the spec's entity of that name; for one the spec lacks, it is taken as is).
    static func definition(of name: String, completedFrom entity: EntitySpec?, in db: Database) throws
        -> EntityDefinition?
    {
        guard
            let row = try Row.fetchOne(
                db, sql: "SELECT columns, definition FROM \(table) WHERE name = ?", arguments: [name])
        else { return nil }
        if let definition = row["definition"] as String? { return try EntityDefinition.decoded(definition) }
        let shape =
            entity ?? EntitySpec(name: name, source: SourceSpec(filePattern: "", format: .csv), key: [], columns: [])
        return EntityDefinition(signature: row["columns"], entity: shape)
    }

    /// Every entity recorded, by name.
    static func names(in db: Database) throws -> [String] {
        try String.fetchAll(db, sql: "SELECT name FROM \(table) ORDER BY name")
    }

    /// Records `entity` as the spec has it now.
    static func record(_ entity: EntitySpec, in db: Database) throws {
        try record(entity.name, EntityDefinition(entity), in: db)
    }

    /// Records the entity called `name` as `definition` says (a discard puts an older one back).
    static func record(_ name: String, _ definition: EntityDefinition, in db: Database) throws {
        let shape =
            definition.columns.map { "\($0.name) \($0.type)" }.joined(separator: ", ") + " KEY "
            + definition.key.joined(separator: ",")
        try db.execute(
            sql: """
                INSERT INTO \(table) (name, columns, definition) VALUES (?, ?, ?)
                ON CONFLICT (name) DO UPDATE SET columns = excluded.columns, definition = excluded.definition
                """,
            arguments: [name, shape, try definition.encoded()])
    }

    /// Whether the entity's part of the spec (`EntitySpec.written`) changed since a run last
    /// noted it; false for an entity no run noted yet.
    static func isRewritten(_ entity: EntitySpec, in db: Database) throws -> Bool {
        let noted = try String.fetchOne(
            db, sql: "SELECT written_sha256 FROM \(table) WHERE name = ?", arguments: [entity.name])
        return noted.map { $0 != writtenDigest(entity) } ?? false
    }

    /// Notes each entity's part of the spec as this run read it.
    static func noteWritten(_ entities: [EntitySpec], in db: Database) throws {
        for entity in entities {
            try db.execute(
                sql: "UPDATE \(table) SET written_sha256 = ? WHERE name = ?",
                arguments: [writtenDigest(entity), entity.name])
        }
    }

    private static func writtenDigest(_ entity: EntitySpec) -> String {
        SHA256.hash(data: Data(entity.written.utf8)).hexString
    }

    static func remove(_ name: String, in db: Database) throws {
        try db.execute(sql: "DELETE FROM \(table) WHERE name = ?", arguments: [name])
    }
}
