import Foundation
import Testing

@testable import AirlockBase
@testable import AirlockProducer

/// The laws the scripts must keep, on random entities and random snapshots, with the tools a
/// site has (`sqlite3 -bail`, `psql -1`) against real databases:
/// applying bundle(A→B) to a target holding A gives exactly B, and its rollback gives A back;
/// the same for the cutover, which also applies again after its rollback (a retry); and the
/// bundle's verify.sql finds the target's tables as the bundle left them.
@Suite(.tags(.postgres, .sqlite3), .runsExternalPrograms) struct ScriptLawTests {
    @Test func applyOrCutoverGivesBAndRollbackGivesABack() throws {
        forRandomSeeds(count: 30) { seed in
            try checkLaws(seed: seed)
        }
    }

    private func checkLaws(seed: UInt64) throws {
        var random = RandomSnapshots(seed: seed)
        let entities = [random.entity(named: "alpha"), random.entity(named: "beta")]
        let (a0, b0) = random.snapshotPair(of: entities[0])
        let (a1, b1) = random.snapshotPair(of: entities[1])
        let harness = try ScriptHarness(entities: entities)
        let toA = try harness.bundle(["alpha": a0, "beta": a1])
        let stateA = try harness.baseline()
        let toB = try harness.bundle(["alpha": b0, "beta": b1])
        let stateB = try harness.baseline()
        let context =
            "seed \(seed), \(entities.map { "\($0.name)(\($0.columns.map { "\($0.name) \($0.type)" }.joined(separator: ", ")); \($0.upsertMethod))" })"

        for dialect in SQLDialect.allCases {
            let target = try ScriptTarget.fresh(dialect)
            defer { target.remove() }
            let steps = [
                (toA.upsert(dialect), toA), (toB.upsert(dialect), toB), (toB.rollback(dialect), toA),
                (toB.cutover(dialect), toB), (toB.cutoverRollback(dialect), toA), (toB.cutover(dialect), toB)
            ]
            for (script, state) in steps {
                let run = try target.run(script)
                #expect(run.status == 0, "\(context): \(script.lastPathComponent): \(run.error)")
                #expect(
                    try harness.rows(of: target) == (state.folder == toA.folder ? stateA : stateB),
                    "\(context): \(dialect) after \(script.path)")
                let verify = try target.run(state.verify(dialect))
                #expect(
                    verify.status == 0, "\(context): verify.sql after \(script.path): \(verify.output) \(verify.error)")
            }
        }
    }
}
