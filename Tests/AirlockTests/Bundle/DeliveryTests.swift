import Foundation
import Testing

@testable import AirlockProducer
@testable import AirlockSite

/// A bundle carries the scripts the spec asks for (`targets:`, `delivery:`), so that an
/// upsert-only bundle costs what the change costs: its size grows with the change and not with
/// the table. Real `airlock` and `sqlite3` processes.
@Suite(.tags(.sqlite3), .runsExternalPrograms) struct DeliveryTests {
    /// The spec of `items`, with `targets` at the top and `settings` in the entity.
    private static func spec(targets: String = "", settings: String = "") -> String {
        """
        producer: {key: producer}
        \(targets)
        entities:
          items:
            source: {files: "items*.csv"}
            key: id
            \(settings)
            columns: {id: integer, name: text, price: "decimal(10,2)", qty: integer}

        """
    }

    /// `rows` items; every `every`-th one (none for 0) has one more in `qty`.
    private static func items(_ rows: Int, changingEvery every: Int = 0) -> String {
        var text = "id,name,price,qty\n"
        text.reserveCapacity(rows * 32)
        for id in 0..<rows {
            let qty = id % 37 + (every > 0 && id % every == 0 ? 1 : 0)
            text += "\(id),item \(id),\(id % 1000).\(String(format: "%02d", id % 100)),\(qty)\n"
        }
        return text
    }

    private static func members(_ bundle: URL) throws -> [String] {
        try Shell.run(["tar", "tzf", bundle.path]).output.split(separator: "\n").map(String.init).sorted()
    }

    @Test func aBundleCarriesTheTargetsAndDeliveryTheSpecAsksFor() throws {
        // The table is not called as the entity: a cutover's staging table is named after the table.
        let spec = Self.spec(targets: "targets: [sqlite]", settings: "table: store_items")
        let workspace = try TestWorkspace(spec: spec)
        defer { workspace.remove() }
        try workspace.write(Self.items(5), toInbox: "items-1.csv")
        #expect(try workspace.airlock(["run", "--once"]).status == 0)
        let first = try #require(try workspace.bundles().last)
        #expect(
            try Self.members(first) == [
                "SHA256SUMS", "SHA256SUMS.sig", "changes/items.ndjson", "manifest.json", "report.html", "report.md",
                "sqlite/rollback.sql", "sqlite/upsert.sql", "sqlite/verify.sql", "validation.json"
            ])
        let shown = try workspace.airlock(["show", first.path])
        #expect(shown.output.contains("scripts for sqlite, by upsert"), "\(shown.output)")

        let target = workspace.root.appendingPathComponent("site.db")
        let arguments = ["--target", "sqlite:\(target.path)", "--allowed-signers", workspace.allowedSigners.path]
        let cutover = try workspace.airlock(["apply", first.path, "--mode", "cutover"] + arguments)
        #expect(cutover.status == 64, "\(cutover.error)")
        #expect(
            cutover.error.contains(
                "bundle 1 carries sqlite scripts for upsert only, no sqlite/cutover.sql: the producer's airlock.yml delivers the entities it changes by upsert (delivery:); apply it with --mode upsert"
            ), "\(cutover.error)")
        let postgres = try workspace.airlock(
            ["check-target", first.path, "--target", "postgres:host=/nonexistent dbname=x"])
        #expect(postgres.status == 64, "\(postgres.error)")
        #expect(
            postgres.error.contains(
                "bundle 1 carries sqlite scripts only, no postgres/upsert.sql: the producer's airlock.yml names those targets (targets:)"
            ), "\(postgres.error)")
        #expect(try workspace.airlock(["apply", first.path] + arguments).status == 0)

        // A full bundle carries both ways, for a new site or one taken back to the bundles' state.
        let full = try workspace.airlock(["run", "--full"])
        #expect(full.status == 0, "\(full.error)")
        let catchup = workspace.root.appendingPathComponent("outbox/catchup-000000-000001.tar.gz")
        #expect(try Self.members(catchup).contains("sqlite/cutover.sql"))
        let fresh = workspace.root.appendingPathComponent("fresh.db")
        let swapped = try workspace.airlock(
            [
                "apply", catchup.path, "--mode", "cutover", "--target", "sqlite:\(fresh.path)", "--allowed-signers",
                workspace.allowedSigners.path
            ])
        #expect(swapped.status == 0, "\(swapped.error)")
        #expect(try Shell.run(["sqlite3", fresh.path, "SELECT count(*) FROM store_items"]).output == "5\n")

        // A bundle that changes the table's columns carries a cutover, and recover can start there.
        let renamed = spec.replacingOccurrences(
            of: "name: text", with: "label: {type: text, from: name, renamed_from: name}")
        try renamed.write(to: workspace.root.appendingPathComponent("airlock.yml"), atomically: true, encoding: .utf8)
        #expect(try workspace.airlock(["run", "--once"]).status == 0)
        let reshaped = try #require(try workspace.bundles().last)
        #expect(reshaped.lastPathComponent == "bundle-000002.tar.gz")
        #expect(try Self.members(reshaped).contains("sqlite/cutover.sql"))
        try workspace.write(Self.items(6), toInbox: "items-2.csv")
        #expect(try workspace.airlock(["run", "--once"]).status == 0)
        // Bundle 1 carried away: recover starts the rows at bundle 2's cutover and follows bundle 3.
        try FileManager.default.removeItem(at: first)
        try FileManager.default.removeItem(at: workspace.root.appendingPathComponent(".airlock"))
        let recovered = try workspace.airlock(["recover"])
        #expect(recovered.status == 0, "\(recovered.error)")
        // A recovered workspace holds rows, not the exports' records: a spec change that would
        // read them again is refused rather than bundled as if the export were empty.
        try renamed.replacingOccurrences(
            of: "qty: integer", with: "quantity: {type: integer, from: qty, renamed_from: qty}"
        )
        .write(to: workspace.root.appendingPathComponent("airlock.yml"), atomically: true, encoding: .utf8)
        let refused = try workspace.airlock(["run", "--once"])
        #expect(refused.status == 64, "\(refused.output)")
        #expect(refused.error.contains("does not hold the records of items-2.csv"), "\(refused.error)")
        #expect(try workspace.bundles().map(\.lastPathComponent) == ["bundle-000002.tar.gz", "bundle-000003.tar.gz"])
        // With the next export, the change is made.
        try workspace.write(Self.items(7), toInbox: "items-3.csv")
        let next = try workspace.airlock(["run", "--once"])
        #expect(next.status == 0, "\(next.error)")
        #expect(next.output.contains("1 inserted, 0 updated, 0 deleted, 6 unchanged"), "\(next.output)")
    }

    /// An entity delivered both ways brings cutover.sql into the bundles that change its rows,
    /// not into those that only read it again.
    @Test func aCutoverEntityReadAgainUnchangedAddsNoCutover() throws {
        let colors = """
              colors:
                source: {files: "colors*.csv"}
                key: color
                delivery: both
                columns: {color: text, hex: text}

            """
        let workspace = try TestWorkspace(spec: Self.spec() + colors)
        defer { workspace.remove() }
        try workspace.write("color,hex\nred,f00\n", toInbox: "colors-1.csv")
        try workspace.write(Self.items(3), toInbox: "items-1.csv")
        #expect(try workspace.airlock(["run", "--once"]).status == 0)
        #expect(try Self.members(try #require(try workspace.bundles().last)).contains("sqlite/cutover.sql"))
        // The same colors again (another file), and one item more.
        try workspace.write("color,hex\nred,f00\n\n", toInbox: "colors-2.csv")
        try workspace.write(Self.items(4), toInbox: "items-2.csv")
        #expect(try workspace.airlock(["run", "--once"]).status == 0)
        let second = try #require(try workspace.bundles().last)
        #expect(second.lastPathComponent == "bundle-000002.tar.gz")
        #expect(!(try Self.members(second)).contains("sqlite/cutover.sql"))

        // Colors removed from the spec: a bundle whose one change is that, which every target
        // takes and verifies (its verify.sql compares no table).
        try Self.spec().write(
            to: workspace.root.appendingPathComponent("airlock.yml"), atomically: true, encoding: .utf8)
        #expect(try workspace.airlock(["run", "--once"]).status == 0)
        let target = workspace.root.appendingPathComponent("site.db")
        for bundle in try workspace.bundles() {
            let applied = try workspace.airlock([
                "apply", bundle.path, "--target", "sqlite:\(target.path)", "--allowed-signers",
                workspace.allowedSigners.path
            ])
            #expect(
                applied.status == 0 && !applied.error.contains("differ"),
                "\(bundle.lastPathComponent): \(applied.error)")
        }
        #expect(try workspace.bundles().count == 3)
    }

    /// An upsert-only bundle grows with the change (2 % vs 20 % of 100,000 rows) and not with the
    /// table (the same 2,000 changes to 10,000 rows and to 100,000). Growth is counted past what
    /// a bundle of one change costs (its scripts, pages and verify.sql's 256 group sums per
    /// dialect: 34,559 bytes on 2026-12-07), which does not grow with either.
    @Test func anUpsertBundleCostsWhatTheChangeCosts() throws {
        func secondBundle(rows: Int, changingEvery every: Int, discardAndAgain again: Int? = nil) throws -> [Int] {
            let workspace = try TestWorkspace(spec: Self.spec())
            defer { workspace.remove() }
            try workspace.write(Self.items(rows), toInbox: "items-1.csv")
            _ = try workspace.run()
            var sizes: [Int] = []
            for (index, every) in ([every] + (again.map { [$0] } ?? [])).enumerated() {
                try workspace.write(Self.items(rows, changingEvery: every), toInbox: "items-\(index + 2).csv")
                guard case let .bundle(file, _, _) = try workspace.run().outcome else {
                    Issue.record("no second bundle")
                    return sizes
                }
                sizes.append(try FileManager.default.attributesOfItem(atPath: file.path)[.size] as! Int)
                if again != nil && index == 0 {
                    #expect(try workspace.airlock(["discard", file.path]).status == 0)
                }
            }
            return sizes
        }
        let large = try secondBundle(rows: 100_000, changingEvery: 50, discardAndAgain: 5)
        let small = try secondBundle(rows: 10_000, changingEvery: 5, discardAndAgain: 10_000)
        let (twoPercent, twentyPercent, sameChangeSmallTable, oneChange) = (large[0], large[1], small[0], small[1])
        #expect(
            Double(twentyPercent - oneChange) > 6 * Double(twoPercent - oneChange),
            "20 % of the rows: \(twentyPercent) bytes; 2 %: \(twoPercent) bytes; one change: \(oneChange) bytes")
        #expect(
            Double(twoPercent) < 1.25 * Double(sameChangeSmallTable),
            "2,000 changes to 100,000 rows: \(twoPercent) bytes; to 10,000 rows: \(sameChangeSmallTable) bytes")
    }
}
