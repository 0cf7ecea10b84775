import Foundation
import GRDB
import Testing

@testable import AirlockBase
@testable import AirlockProducer
@testable import AirlockSite
@testable import AirlockSpec

/// Promoting a snapshot makes the baseline hold exactly its rows, and restoring the bundle gives
/// the baseline it replaced back: whether the bundle changes most keys (the snapshot becomes the
/// baseline whole, renamed or copied) or a few (it replaces only those), and with an earlier bundle's undo rows beside.
@Suite struct PromoteLawTests {
    @Test func promoteGivesTheSnapshotAndRestoreGivesTheBaselineBack() throws {
        var renames = 0, copies = 0, replacements = 0
        forRandomSeeds(count: 60) { seed in
            var random = RandomSnapshots(seed: seed)
            let entity = random.entity(named: "items")
            let (a, b) = random.snapshotPair(of: entity)
            // Two bundles that each change a few of the keys, B's rows taking over one key in 8.
            var generator = SplitMix64(seed: seed ^ 0x5EED)
            let keys = entity.key.count
            var order: [String] = []
            for row in a + b where !order.contains(Self.key(row, keys)) { order.append(Self.key(row, keys)) }
            var rows = Dictionary(a.map { (Self.key($0, keys), $0) }, uniquingKeysWith: { first, _ in first })
            var fewChanges: [[[DatabaseValueConvertible?]]] = []
            for _ in 0..<2 {
                for key in order where Int.random(in: 0..<8, using: &generator) == 0 {
                    rows[key] = b.first { Self.key($0, keys) == key }
                }
                fewChanges.append(order.compactMap { rows[$0] })
            }
            // The tables here are small: half the seeds rename them whatever their size.
            let renamedFrom = seed.isMultiple(of: 2) ? 0 : Int.max
            for snapshots in [[b], fewChanges] {
                let replaced = try checkLaw(
                    entity, baseline: a, snapshots: snapshots, renamedFrom: renamedFrom, seed: seed)
                if renamedFrom == 0 { renames += replaced.count { !$0 } } else { copies += replaced.count { !$0 } }
                replacements += replaced.count { $0 }
            }
        }
        // Both ways of promoting were taken.
        #expect(
            renames > 5 && copies > 5 && replacements > 10,
            "\(renames) renames, \(copies) copies, \(replacements) replacements")
    }

    /// A row's key columns, which come first, as text.
    private static func key(_ row: [DatabaseValueConvertible?], _ count: Int) -> String {
        row.prefix(count).map { $0?.databaseValue.description ?? "NULL" }.joined(separator: "|")
    }

    /// Promotes each of `snapshots` in turn over `baseline` (bundles 6, 7, …), checking that the
    /// baseline becomes each, then restores the last and checks it is the one before again.
    /// Returns, per bundle, whether promote replaced only the changed keys (fewer than half).
    private func checkLaw(
        _ entity: EntitySpec, baseline: [[DatabaseValueConvertible?]], snapshots: [[[DatabaseValueConvertible?]]],
        renamedFrom: Int, seed: UInt64
    ) throws -> [Bool] {
        let tables = EntityTables(entity)
        let database = try DatabaseQueue()
        try WorkspaceSchema.migrator.migrate(database)
        return try database.write { db in
            try tables.create(in: db)
            let placeholders = entity.columns.map { _ in "?" }.joined(separator: ", ")
            func fill(_ table: String, _ rows: [[DatabaseValueConvertible?]]) throws {
                try db.execute(sql: "DELETE FROM \(table)")
                let insert = try db.makeStatement(
                    sql: "INSERT INTO \(table) (\(tables.sql.columns)) VALUES (\(placeholders))")
                for row in rows { try insert.execute(arguments: StatementArguments(row)) }
            }
            try fill(tables.baseline, baseline)
            var states = [try dump(tables.baseline, tables, db)], replaced: [Bool] = []
            for (index, snapshot) in snapshots.enumerated() {
                try fill(tables.snapshot, snapshot)
                // Promoting may leave the snapshot empty (`moveSnapshotToBaseline`): it is read first.
                states.append(try dump(tables.snapshot, tables, db))
                let bundle = 6 + index
                try EntityDiff(entity).findChanges(in: db)
                try EntityDiff(entity).promote(bundle: bundle, renamedFrom: renamedFrom, in: db)
                let changed =
                    try Int.fetchOne(
                        db, sql: "SELECT count(*) FROM \(tables.undo) WHERE airlock_bundle = ?", arguments: [bundle])
                    ?? 0
                replaced.append(changed * 2 < snapshot.count)
                #expect(try dump(tables.baseline, tables, db) == states.last, "seed \(seed), bundle \(bundle)")
                // Renamed, the snapshot is the old baseline's table, emptied; otherwise it stays.
                let renamed = !replaced.last! && snapshot.count >= renamedFrom
                #expect(
                    try dump(tables.snapshot, tables, db) == (renamed ? [] : states.last),
                    "seed \(seed), bundle \(bundle)")
            }
            try EntityDiff(entity).restore(bundle: 5 + snapshots.count, in: db)
            #expect(try dump(tables.baseline, tables, db) == states[states.count - 2], "seed \(seed)")
            return replaced
        }
    }

    /// Every row of `table`, each value quoted with its type, in key order.
    private func dump(_ table: String, _ tables: EntityTables, _ db: Database) throws -> [String] {
        let quoted = tables.entity.columns.map { "quote(\(tables.sql.name($0.name)))" }.joined(separator: " || ',' || ")
        return try String.fetchAll(db, sql: "SELECT \(quoted) FROM \(table) ORDER BY \(tables.sql.key)")
    }
}
