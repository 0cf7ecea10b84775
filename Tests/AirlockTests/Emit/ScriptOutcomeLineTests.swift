import Foundation
import GRDB
import Testing

@testable import AirlockBase
@testable import AirlockProducer
@testable import AirlockSite
@testable import AirlockSpec

/// A script run by hand says, as its last line, what it did and where the target's ledger now
/// stands: a site that ran `sqlite3 -bail TARGET < sqlite/upsert.sql` sees more than silence.
@Suite(.tags(.postgres, .sqlite3), .runsExternalPrograms) struct ScriptOutcomeLineTests {
    private static let entity = EntitySpec(
        name: "notes", source: SourceSpec(filePattern: "notes*.json", format: .json), key: ["id"],
        columns: [
            ColumnSpec(name: "id", from: "id", type: .integer), ColumnSpec(name: "body", from: "it's", type: .text)
        ])

    @Test(arguments: SQLDialect.allCases)
    func eachScriptEndsSayingWhereTheLedgerStands(dialect: SQLDialect) throws {
        let harness = try ScriptHarness(entities: [Self.entity])
        let first = try harness.bundle(["notes": [[Int64(1), "a"], [Int64(2), "b"]]])
        let second = try harness.bundle(["notes": [[Int64(1), "a2"], [Int64(3), "c"]]])
        let target = try ScriptTarget.fresh(dialect)
        defer { target.remove() }
        // Each script in turn, with the last line it prints.
        let steps: [(URL, String)] = [
            (first.upsert(dialect), "bundle 000001 (test-1) applied (upsert.sql); this target is now at bundle 000001"),
            (
                second.cutover(dialect),
                "bundle 000002 (test-2) applied (cutover.sql); this target is now at bundle 000002"
            ),
            (
                second.cutoverRollback(dialect),
                "bundle 000002 (test-2) rolled back (cutover-rollback.sql); this target is now at bundle 000001"
            ),
            (
                second.upsert(dialect),
                "bundle 000002 (test-2) applied (upsert.sql); this target is now at bundle 000002"
            ),
            (
                second.rollback(dialect),
                "bundle 000002 (test-2) rolled back (rollback.sql); this target is now at bundle 000001"
            ),
            (
                first.rollback(dialect),
                "bundle 000001 (test-1) rolled back (rollback.sql); this target now has no bundle applied"
            )
        ]
        for (script, said) in steps {
            let result = try target.run(script)
            #expect(result.status == 0, "\(script.lastPathComponent): \(result.error)")
            #expect(result.output.split(separator: "\n").last.map(String.init) == "airlock: " + said)
        }
    }

    /// `airlock apply` reads the ledger head after what the script printed, also when the head
    /// is empty: a rollback of the first bundle leaves a target with none.
    @Test(arguments: SQLDialect.allCases)
    func applyReadsTheHeadPastThePrintedLines(dialect: SQLDialect) throws {
        let harness = try ScriptHarness(entities: [Self.entity])
        let first = try harness.bundle(["notes": [[Int64(1), "a"]]])
        let target = try ScriptTarget.fresh(dialect)
        defer { target.remove() }
        #expect(try target.target.run(first.upsert(dialect), dryRun: false).head == "digest-1")
        let rollback = try target.target.run(first.rollback(dialect), dryRun: false)
        #expect(rollback.head == "")
        #expect(
            rollback.printed == [
                "airlock: bundle 000001 (test-1) rolled back (rollback.sql); this target now has no bundle applied"
            ])
    }

    /// What a script prints comes back as it was written, whatever it holds.
    @Test(arguments: SQLDialect.allCases)
    func printedTextComesBackWhole(dialect: SQLDialect) throws {
        let text = #"airlock: it's a \n "test" \\ with é, 'quotes' and \'"# + "\non a second line"
        let script = FileManager.default.temporaryDirectory.appendingPathComponent(
            "airlock-print-\(UUID().uuidString).sql")
        defer { try? FileManager.default.removeItem(at: script) }
        try (dialect.printing(text) + "\n").write(to: script, atomically: true, encoding: .utf8)
        let target = try ScriptTarget.fresh(dialect)
        defer { target.remove() }
        let result = try target.run(script)
        #expect(result.status == 0, "\(result.error)")
        #expect(result.output == text + "\n")
    }
}
