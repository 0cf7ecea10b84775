import Foundation
import Testing

/// `apply --dry-run` passes or fails exactly where the real run would (the same script, rolled
/// back) and lists the first rows it would change, before → after; the target is untouched.
/// `--on-drift skip` then says how much of the bundle it wrote.
@Suite(.tags(.sqlite3), .runsExternalPrograms) struct DryRunListingTests {
    @Test func aDryRunListsTheRowsTheRealRunChanges() throws {
        let workspace = try TestWorkspace()
        defer { workspace.remove() }
        try workspace.drop(TestWorkspace.exampleDrop)
        _ = try workspace.run()
        try workspace.drop(TestWorkspace.secondDrop)
        _ = try workspace.run()
        let bundles = try workspace.bundles()
        let target = workspace.root.appendingPathComponent("shop.db")
        func airlock(_ arguments: [String]) throws -> Shell.Result {
            try AirlockProcess.run(
                arguments + ["--target", "sqlite:\(target.path)", "--workspace", workspace.root.path])
        }
        #expect(try airlock(["apply", bundles[0].path]).status == 0)
        let before = try Shell.run(["sqlite3", target.path, ".dump"]).output

        let dry = try airlock(["apply", bundles[1].path, "--dry-run", "--changes", "2"])
        #expect(dry.status == 0, "\(dry.error)")
        #expect(dry.output.contains("(dry run: nothing was changed)"), "\(dry.output)")
        #expect(dry.output.contains("products: first 2 of 4 changes"), "\(dry.output)")
        #expect(dry.output.contains("      amount: 50.00 → 55.00"), "\(dry.output)")
        #expect(try Shell.run(["sqlite3", target.path, ".dump"]).output == before)

        // Drifted, the dry run stops where the real run would, with the same words.
        #expect(
            try Shell.run(["sqlite3", target.path, "UPDATE products SET amount = '1.00' WHERE product_id = 'P-100'"])
                .status == 0)
        let stopped = try airlock(["apply", bundles[1].path, "--dry-run"])
        #expect(stopped.status == 8, "\(stopped.error)")
        #expect(stopped.error.contains("product_id=P-100 (amount: expected '50.00', found '1.00')"), "\(stopped.error)")

        // Skipping it, the apply says how many of the bundle's changes it wrote.
        let skipped = try airlock(["apply", bundles[1].path, "--on-drift", "skip"])
        #expect(skipped.status == 0, "\(skipped.error)")
        #expect(
            skipped.output.contains(
                "  products: wrote 3 of the bundle's 4 changes; 1 drifted row(s) left as the target holds them"),
            "\(skipped.output)")
    }
}
