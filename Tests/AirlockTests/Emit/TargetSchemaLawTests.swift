import Foundation
import GRDB
import Testing

@testable import AirlockBase
@testable import AirlockProducer

/// The script laws again, on target tables a site made itself (`RandomTargetSchemas`: wider
/// types, domains, citext, enums holding the values, SQLite declarations of a fitting affinity,
/// columns of the site's own with defaults and values the site set): applying bundle(A→B) to
/// the target at A gives B in the entity's columns and leaves the site's columns of kept rows
/// alone; the upsert's rollback and the cutover's rollback each give the target back exactly
/// (pg_dump, `.dump`: every column, the site's included); verify.sql passes after each apply.
@Suite(.tags(.postgres, .sqlite3), .runsExternalPrograms) struct TargetSchemaLawTests {
    @Test func onTheSitesOwnTablesApplyGivesBAndRollbacksGiveTheTargetBackExactly() throws {
        if let seed = ProcessInfo.processInfo.environment["AIRLOCK_LAW_SEED"].flatMap(UInt64.init) {
            try checkLaws(seed: seed)
            return
        }
        forRandomSeeds(count: 12) { seed in
            try checkLaws(seed: seed)
        }
    }

    private func checkLaws(seed: UInt64) throws {
        var random = RandomSnapshots(seed: seed)
        var schemas = RandomTargetSchemas(seed: seed)
        let entities = [random.entity(named: "alpha"), random.entity(named: "beta")]
        let pairs = [random.snapshotPair(of: entities[0]), random.snapshotPair(of: entities[1])]
        let harness = try ScriptHarness(entities: entities)
        let toA = try harness.bundle(["alpha": pairs[0].0, "beta": pairs[1].0])
        let stateA = try harness.baseline()
        let toB = try harness.bundle(["alpha": pairs[0].1, "beta": pairs[1].1])
        let stateB = try harness.baseline()

        for dialect in SQLDialect.allCases {
            let target = try ScriptTarget.fresh(dialect)
            defer { target.remove() }
            var ddl: [String] = []
            for (entity, pair) in zip(entities, pairs) {
                ddl += dialect == .postgres ? schemas.postgres(entity, rows: pair.0 + pair.1) : schemas.sqlite(entity)
            }
            let context = "seed \(seed), \(dialect): \(ddl.joined(separator: " "))"
            try target.execute(ddl.joined(separator: "\n"))
            func step(_ script: URL, gives state: String?, verify: ScriptHarness.Scripts?) throws {
                let run = try target.run(script)
                #expect(run.status == 0, "\(context): \(script.lastPathComponent): \(run.output) \(run.error)")
                if let state {
                    let rows = try harness.rows(of: target)
                    #expect(rows == state, "\(context): after \(script.lastPathComponent)\n\(rows)\n---\n\(state)")
                }
                if let verify {
                    let check = try target.run(verify.verify(dialect))
                    #expect(
                        check.status == 0, "\(context): verify after \(script.path): \(check.output) \(check.error)")
                }
            }
            try step(toA.upsert(dialect), gives: stateA, verify: toA)
            // The site's own values on its own columns, which every bundle must leave as they are.
            for entity in entities where ddl.joined().contains("site_note") {
                try? target.execute(
                    "UPDATE \(SQLDialect.sqlite.identifier(entity.name)) SET site_note = 'edited on site'")
            }
            let atA = try target.dump(tables: entities.map(\.name))
            try step(toB.upsert(dialect), gives: stateB, verify: toB)
            try step(toB.rollback(dialect), gives: stateA, verify: nil)
            #expect(try target.dump(tables: entities.map(\.name)) == atA, "\(context): rollback")
            try step(toB.cutover(dialect), gives: stateB, verify: toB)
            try step(toB.cutoverRollback(dialect), gives: stateA, verify: nil)
            #expect(try target.dump(tables: entities.map(\.name)) == atA, "\(context): cutover rollback")
            try step(toB.cutover(dialect), gives: stateB, verify: toB)
        }
    }
}
