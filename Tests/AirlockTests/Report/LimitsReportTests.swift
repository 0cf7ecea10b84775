import Foundation
import Testing

@testable import AirlockProducer
@testable import AirlockSite

/// The review pages and `show` list each limit a drop was held to beside what the bundle did
/// against it: the spec's thresholds, and the default guard a snapshot source gets once its
/// baseline holds 100 rows; the manifest carries them.
@Suite(.runsExternalPrograms) struct LimitsReportTests {
    @Test func limitsAreShownAgainstWhatTheBundleDid() throws {
        let workspace = try TestWorkspace()
        defer { workspace.remove() }
        try workspace.drop(TestWorkspace.exampleDrop)
        guard case let .bundle(first, manifest, _) = try workspace.run().outcome else {
            Issue.record("no bundle")
            return
        }
        // The example's products: thresholds: {min_rows: 2, max_delete_share: 0.5}.
        #expect(manifest.entities.first { $0.name == "products" }?.limits == .init(minRows: 2, maxDeleteShare: 0.5))
        #expect(manifest.entities.first { $0.name == "payments" }?.limits == nil)
        let folder = try Shell.extract(first)
        let markdown = try String(contentsOf: folder.appendingPathComponent("report.md"), encoding: .utf8)
        #expect(markdown.contains("## Limits"), "\(markdown)")
        #expect(markdown.contains("| products | at least 2 rows (min_rows) | 4 rows |"), "\(markdown)")
        #expect(
            markdown.contains(
                "| products | deletes at most 50.0% of the baseline (max_delete_share) | 0 (a first load: no baseline to compare) |"
            ), "\(markdown)")
        let html = try String(contentsOf: folder.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(html.contains("<h2>Limits</h2>") && html.contains("id=\"limits\""))

        // 150 payments, then the same with one gone: the default guard applies, and shows.
        func payments(_ keys: ClosedRange<Int>) -> String {
            TestWorkspace.paymentsHeader + keys.map { "\($0),A,B,1.00,card,2026-11-05\n" }.joined()
        }
        try workspace.write(payments(1...150), toInbox: "payments-2.csv")
        _ = try workspace.run()
        try workspace.write(payments(2...150), toInbox: "payments-3.csv")
        guard case let .bundle(third, guarded, _) = try workspace.run().outcome else {
            Issue.record("no third bundle")
            return
        }
        #expect(guarded.entities.first { $0.name == "payments" }?.limits == .init(maxDeleteShare: 0.5))
        let show = try AirlockProcess.run(["show", third.path, "--workspace", workspace.root.path])
        #expect(
            show.output.contains(
                "  payments: deletes at most 50.0% of the baseline (max_delete_share): 1 of 150 rows (0.7%)"),
            "\(show.output)")
    }
}
