import Foundation
import Testing

@testable import AirlockProducer
@testable import AirlockSite

/// Found by the counts property test while running this work: category values SQLite tells
/// apart by their bytes but Swift holds equal (precomposed `é` and `e` + U+0301) made the
/// producer trap on a duplicate dictionary key, in every run of a drop that held both, so the
/// workspace was wedged. They are one category now, their counts added up.
@Suite struct CategoryValueTests {
    @Test func canonicallyEqualCategoryValuesAreOneCategory() throws {
        let workspace = try TestWorkspace()
        defer { workspace.remove() }
        try workspace.write(
            TestWorkspace.payments([
                "1001,A,B,1.00,Caf\u{E9},2026-11-05", "1002,C,D,2.00,Cafe\u{301},2026-11-05",
                "1003,E,F,3.00,card,2026-11-05"
            ]), toInbox: "payments.csv")
        let run = try workspace.airlock(["run", "--once"])
        #expect(run.status == 0, "\(run.output)\(run.error)")
        guard let bundle = try workspace.bundles().last else { throw ShellError(description: "no bundle") }
        let manifest = try JSONDecoder().decode(
            Manifest.self, from: Data(try Shell.run(["tar", "-xzOf", bundle.path, BundleLayout.manifest]).output.utf8))
        let payments = try #require(manifest.entities.first { $0.name == "payments" })
        let categories = payments.categories ?? []
        #expect(categories.map(\.counts.processed) == [2, 1], "café twice, card once: \(categories)")
        #expect(categories.allSatisfy { $0.counts.processed == $0.counts.outcomes })
    }
}
