import Foundation
import Testing

/// `airlock rollback` says what it undid: after `apply --on-drift skip` left a drifted row
/// alone, the rollback (with the same switch) leaves it too, and its counts are the bundle's
/// less that row's change, by kind.
@Suite(.tags(.sqlite3), .runsExternalPrograms) struct RollbackOutcomeTests {
    @Test func aRollbackAfterASkippedRowCountsWhatItUndid() throws {
        let workspace = try TestWorkspace()
        defer { workspace.remove() }
        func airlock(_ arguments: [String]) throws -> Shell.Result {
            try AirlockProcess.run(arguments + ["--workspace", workspace.root.path])
        }
        try workspace.drop(TestWorkspace.exampleDrop)
        #expect(try airlock(["run", "--once"]).status == 0)
        try workspace.drop(TestWorkspace.secondDrop)
        #expect(try airlock(["run", "--once"]).status == 0)
        let database = workspace.root.appendingPathComponent("shop.db").path
        let target = ["--target", "sqlite:\(database)"]
        let outbox = workspace.root.appendingPathComponent("outbox")
        let second = outbox.appendingPathComponent("bundle-000002.tar.gz").path
        #expect(try airlock(["apply", outbox.appendingPathComponent("bundle-000001.tar.gz").path] + target).status == 0)
        // The site edits P-100, which bundle 2 updates (50.00 → 55.00): it drifted.
        let edit = try Shell.run([
            "sqlite3", database, "UPDATE products SET amount = '51.00' WHERE product_id = 'P-100'"
        ])
        #expect(edit.status == 0, "\(edit.error)")
        let applied = try airlock(["apply", second, "--on-drift", "skip"] + target)
        #expect(applied.status == 0, "\(applied.error)")
        #expect(
            applied.output.contains(
                "  products: wrote 3 of the bundle's 4 changes; 1 drifted row(s) left as the target holds them\n"),
            "\(applied.output)")

        // Without the switch the rollback stops on P-100, edited since bundle 2 was applied.
        let stopped = try airlock(["rollback", second] + target)
        #expect(stopped.status != 0)
        #expect(stopped.error.contains("(edited on the target since bundle 000002 was applied?)"), "\(stopped.error)")
        #expect(
            stopped.error.contains(
                "set those rows back as the bundle left them when it was applied, or run with --on-drift skip to leave them as they are and roll back the rest"
            ), "\(stopped.error)")
        let rolledBack = try airlock(["rollback", second, "--on-drift", "skip"] + target)
        #expect(rolledBack.status == 0, "\(rolledBack.error)")
        #expect(
            rolledBack.output.contains(
                "  products: 1 inserted row(s) removed, 1 updated row(s) restored, 1 deleted row(s) put back; 1 drifted row(s) left as the target holds them\n"
            ), "\(rolledBack.output)")
        #expect(
            rolledBack.output.contains(
                "  payments: 1 inserted row(s) removed, 1 updated row(s) restored, 1 deleted row(s) put back\n"),
            "\(rolledBack.output)")
        #expect(rolledBack.error.contains("airlock: products: skipped drifted row: product_id=P-100"))
        let rows = try Shell.run([
            "sqlite3", database, "SELECT product_id || ' ' || amount FROM products ORDER BY product_id"
        ])
        #expect(rows.output == "P-100 51.00\nP-101 29.00\nP-102 99.50\nP-103 12345678.90\n", "\(rows.output)")
    }
}
