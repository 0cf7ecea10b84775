import Foundation
import GRDB
import Testing

@testable import AirlockBase
@testable import AirlockProducer
@testable import AirlockSite
@testable import AirlockSpec

/// Promoting a snapshot makes the baseline hold exactly its rows, and restoring the bundle gives
/// the baseline it replaced back: whether the bundle changes most keys (`promote` copies the
/// snapshot) or a few (it replaces only those).
@Suite struct PromoteLawTests {
    @Test func promoteGivesTheSnapshotAndRestoreGivesTheBaselineBack() throws {
        forRandomSeeds(count: 60) { seed in
            var random = RandomSnapshots(seed: seed)
            let entity = random.entity(named: "items")
            let (a, b) = random.snapshotPair(of: entity)
            try checkLaw(entity, baseline: a, snapshot: b, seed: seed)
            // Most of A with a few of B's keys: a bundle that changes a few rows.
            var generator = SplitMix64(seed: seed ^ 0x5EED)
            let keys = entity.key.count
            var rows = Dictionary(a.map { (Self.key($0, keys), $0) }, uniquingKeysWith: { first, _ in first })
            let changes = Set((a + b).map { Self.key($0, keys) }).filter { _ in
                Int.random(in: 0..<8, using: &generator) == 0
            }
            for key in changes { rows[key] = b.first { Self.key($0, keys) == key } }
            try checkLaw(entity, baseline: a, snapshot: Array(rows.values), seed: seed)
        }
    }

    /// A row's key columns, which come first, as text.
    private static func key(_ row: [DatabaseValueConvertible?], _ count: Int) -> String {
        row.prefix(count).map { $0?.databaseValue.description ?? "NULL" }.joined(separator: "|")
    }

    private func checkLaw(
        _ entity: EntitySpec, baseline: [[DatabaseValueConvertible?]], snapshot: [[DatabaseValueConvertible?]],
        seed: UInt64
    ) throws {
        let tables = EntityTables(entity)
        let database = try DatabaseQueue()
        try WorkspaceSchema.migrator.migrate(database)
        try database.write { db in
            try tables.create(in: db)
            let placeholders = entity.columns.map { _ in "?" }.joined(separator: ", ")
            for (table, rows) in [(tables.baseline, baseline), (tables.snapshot, snapshot)] {
                let insert = try db.makeStatement(
                    sql: "INSERT INTO \(table) (\(tables.sql.columns)) VALUES (\(placeholders))")
                for row in rows { try insert.execute(arguments: StatementArguments(row)) }
            }
            let before = try dump(tables.baseline, tables, db), after = try dump(tables.snapshot, tables, db)
            try EntityDiff(entity).promote(bundle: 7, in: db)
            #expect(try dump(tables.baseline, tables, db) == after, "seed \(seed)")
            try EntityDiff(entity).restore(bundle: 7, in: db)
            #expect(try dump(tables.baseline, tables, db) == before, "seed \(seed)")
        }
    }

    /// Every row of `table`, each value quoted with its type, in key order.
    private func dump(_ table: String, _ tables: EntityTables, _ db: Database) throws -> [String] {
        let quoted = tables.entity.columns.map { "quote(\(tables.sql.name($0.name)))" }.joined(separator: " || ',' || ")
        return try String.fetchAll(db, sql: "SELECT \(quoted) FROM \(table) ORDER BY \(tables.sql.key)")
    }
}
