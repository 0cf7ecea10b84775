import Foundation
import Testing

@testable import AirlockBase
@testable import AirlockProducer

/// A PostgreSQL cutover holds every table it renames or drops against autovacuum from its
/// start (`CutoverStatements.postgresHoldAgainstAutovacuum`): an autovacuum that began during
/// the script could otherwise hold a table the swap renames while it waited on this
/// transaction, a deadlock seen in `ScriptLawTests` under load.
@Suite(.tags(.postgres), .runsExternalPrograms) struct CutoverAutovacuumTests {
    @Test func aCutoverAndItsRollbackHoldTheirTablesAgainstAutovacuumToTheEnd() throws {
        var random = RandomSnapshots(seed: 7_849_761_993_491_450_317)
        let entities = [random.entity(named: "alpha"), random.entity(named: "beta")]
        let (a0, b0) = random.snapshotPair(of: entities[0])
        let (a1, b1) = random.snapshotPair(of: entities[1])
        let harness = try ScriptHarness(entities: entities)
        let toA = try harness.bundle(["alpha": a0, "beta": a1])
        let toB = try harness.bundle(["alpha": b0, "beta": b1])
        let target = try ScriptTarget.fresh(.postgres)
        defer { target.remove() }
        #expect(try target.run(toA.upsert(.postgres)).status == 0)
        // The table each script moves aside (the old live one) is held in SHARE UPDATE
        // EXCLUSIVE mode at its end, besides the ACCESS EXCLUSIVE lock its rename takes.
        for (script, movedAside) in [(toB.cutover(.postgres), "backup"), (toB.cutoverRollback(.postgres), "staging")] {
            let probe = script.deletingLastPathComponent().appendingPathComponent("probe-\(movedAside).sql")
            try
                (String(contentsOf: script, encoding: .utf8)
                    + """
                    SELECT 'held: ' || string_agg(c.relname, ', ' ORDER BY c.relname) FROM pg_locks AS l
                      JOIN pg_class AS c ON c.oid = l.relation
                      WHERE l.pid = pg_backend_pid() AND l.mode = 'ShareUpdateExclusiveLock' AND c.relkind = 'r' AND c.relname LIKE '%\\_\\_\(movedAside)\\_%';

                    """).write(to: probe, atomically: true, encoding: .utf8)
            let run = try target.run(probe)
            #expect(run.status == 0, "\(run.error)")
            #expect(
                run.output.contains("held: alpha__\(movedAside)_000002, beta__\(movedAside)_000002"), "\(run.output)")
        }
    }
}
