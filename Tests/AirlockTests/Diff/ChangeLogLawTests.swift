import Foundation
import GRDB
import Testing

@testable import AirlockProducer
@testable import AirlockSite
@testable import AirlockSpec

/// The change file is the diff a reviewer reads, so it must be the whole diff and nothing
/// more: replaying changes(A→B) on A gives B, each before-image is what A holds, and an update
/// lists exactly the fields that differ.
@Suite struct ChangeLogLawTests {
    @Test func replayingTheChangesOnAGivesB() throws {
        forRandomSeeds(count: 60) { seed in
            try checkLaw(seed: seed)
        }
    }

    private typealias Rows = [[String: FieldValue]: [String: FieldValue]]

    private func checkLaw(seed: UInt64) throws {
        var random = RandomSnapshots(seed: seed)
        let entity = random.entity(named: "items")
        let (a, b) = random.snapshotPair(of: entity)
        let tables = EntityTables(entity)
        let database = try DatabaseQueue()
        let file = FileManager.default.temporaryDirectory.appendingPathComponent(
            "airlock-changes-\(UUID().uuidString).ndjson")
        defer { try? FileManager.default.removeItem(at: file) }
        try WorkspaceSchema.migrator.migrate(database)
        let (rowsA, rowsB, counts) = try database.write { db -> (Rows, Rows, EntityCounts) in
            try tables.fill(baseline: a, snapshot: b, in: db)
            try EntityDiff(entity).findChanges(in: db)
            try ChangeLog(entity).write(to: file, bundle: String(repeating: "ab", count: 32), from: db)
            return (
                try rows(of: tables.baseline, entity, db), try rows(of: tables.snapshot, entity, db),
                try EntityDiff(entity).counts(in: db)
            )
        }
        var lines = try String(contentsOf: file, encoding: .utf8).split(separator: "\n")
        #expect(lines.removeFirst() == #"{"bundle":"\#(String(repeating: "ab", count: 32))"}"#)
        #expect(lines.count == counts.changed, "seed \(seed)")
        var replayed = rowsA
        for line in lines {
            let change = try JSONDecoder().decode(Change.self, from: Data(line.utf8))
            let old = rowsA[change.key]
            switch change.op {
            case .insert:
                #expect(old == nil && change.before == nil, "seed \(seed): \(line)")
                replayed[change.key] = change.after
            case .delete:
                #expect(old == change.before && change.after == nil, "seed \(seed): \(line)")
                replayed[change.key] = nil
            case .update:
                let before = try #require(change.before), after = try #require(change.after)
                #expect(Set(before.keys) == Set(after.keys) && !after.isEmpty, "seed \(seed): \(line)")
                #expect(
                    before.allSatisfy { old?[$0.key] == $0.value && after[$0.key] != $0.value }, "seed \(seed): \(line)"
                )
                // The columns it leaves alone, with those it changes, are the whole row before.
                let unchanged = try #require(try JSONDecoder().decode(UpdateLine.self, from: Data(line.utf8)).unchanged)
                #expect(before.merging(unchanged) { _, _ in .null } == old, "seed \(seed): \(line)")
                #expect(Set(before.keys).isDisjoint(with: unchanged.keys), "seed \(seed): \(line)")
                replayed[change.key]?.merge(after) { $1 }
            }
        }
        #expect(replayed == rowsB, "seed \(seed): \(entity.columns.map { "\($0.name) \($0.type)" })")
    }

    /// The part of an update's line that `Change`, what reviewers read, leaves out.
    private struct UpdateLine: Decodable {
        var unchanged: [String: FieldValue]?
    }

    /// Every row as key → value columns, typed as the change file types them.
    private func rows(of table: String, _ entity: EntitySpec, _ db: Database) throws -> Rows {
        let log = ChangeLog(entity)
        let keyColumns = entity.columns.filter { entity.key.contains($0.name) }
        let decoder = JSONDecoder()
        var rows: Rows = [:]
        for row in try Row.fetchAll(
            db,
            sql:
                "SELECT \(log.object(keyColumns, of: "t")), \(log.object(entity.valueColumns, of: "t")) FROM \(table) AS t"
        ) {
            let key = try decoder.decode([String: FieldValue].self, from: Data((row[0] as String).utf8))
            rows[key] = try decoder.decode([String: FieldValue].self, from: Data((row[1] as String).utf8))
        }
        return rows
    }
}
