import Foundation
import Testing

@testable import AirlockBase
@testable import AirlockProducer
@testable import AirlockSite

/// Values and file names come from sources, which anyone may write: what the commands print
/// and the logs they write carry them with every control character visible, and report.md
/// carries them as text, never as markup.
@Suite struct UntrustedTextTests {
    /// A payment whose name holds a terminal escape (clear the screen, then red), a bidi
    /// override and a line separator, in a file whose name holds an escape too.
    private static let hostileName = "Ann\u{1B}[2J\u{1B}[31m\u{202E}evil\u{2028}x"

    private func workspaceWithHostileDrop() throws -> TestWorkspace {
        let workspace = try TestWorkspace()
        try workspace.write(
            TestWorkspace.paymentsHeader + "1,\(Self.hostileName),Botha,10.00,card,2026-11-01T09:00:00Z\n",
            toInbox: "payments\u{1B}]0;owned\u{07}.csv")
        return workspace
    }

    @Test func runOutputAndLogsShowControlCharactersAsEscapes() throws {
        let workspace = try workspaceWithHostileDrop()
        defer { workspace.remove() }
        let run = try Shell.run([
            "AIRLOCK_LOG_LEVEL=info", AirlockProcess.executable.path, "run", "--once", "--workspace",
            workspace.root.path
        ])
        #expect(run.status == 0, "\(run.error)")
        for text in [run.output, run.error] {
            #expect(!text.unicodeScalars.contains { $0 == "\u{1B}" || $0 == "\u{07}" || $0 == "\u{202E}" })
        }
        #expect(run.output.contains("ingested payments\\u{1B}]0;owned\\u{7}.csv: 1 records"), "\(run.output)")
        #expect(run.error.contains(#"file=payments\u{1B}]0;owned\u{7}.csv"#), "\(run.error)")
    }

    @Test func showPrintsValuesWithTheirEscapes() throws {
        let workspace = try workspaceWithHostileDrop()
        defer { workspace.remove() }
        guard case let .bundle(file, _, _) = try workspace.run().outcome else {
            Issue.record("no bundle")
            return
        }
        let show = try Shell.run([AirlockProcess.executable.path, "show", file.path, "--workspace", workspace.root.path]
        )
        #expect(show.status == 0, "\(show.error)")
        #expect(!show.output.unicodeScalars.contains { $0 == "\u{1B}" || $0 == "\u{202E}" || $0 == "\u{2028}" })
        #expect(show.output.contains("Ann\\u{1B}[2J\\u{1B}[31m\\u{202E}evil\\u{2028}x"), "\(show.output)")
    }

    @Test func reportMarkdownCarriesValuesAsText() {
        let cell = MarkdownReport.cell("<script>x</script> *b* _i_ [l](http://e) `c` a|b ~s~ &amp; \\ product_id")
        #expect(cell == #"\<script\>x\</script\> \*b\* \_i\_ \[l\](http://e) \`c\` a\|b \~s\~ \&amp; \\\\ product_id"#)
    }

    /// The same through a real run: a name written as markup reaches the bundle's report.md
    /// escaped wherever it stands, and never as the markup it spells.
    @Test func aRunsReportMarkdownCarriesAHostileValueAsText() throws {
        let workspace = try TestWorkspace()
        defer { workspace.remove() }
        let name = "<img src=x onerror=alert(1)> *b* [l](http://e) a|b"
        try workspace.write(
            TestWorkspace.paymentsHeader + "1,\"\(name)\",Botha,10.00,card,2026-11-01T09:00:00Z\n",
            toInbox: "payments.csv")
        guard case let .bundle(file, _, _) = try workspace.run().outcome else {
            Issue.record("no bundle")
            return
        }
        let folder = try Shell.extract(file)
        defer { try? FileManager.default.removeItem(at: folder) }
        let report = try String(
            contentsOf: folder.appendingPathComponent(BundleLayout.markdownReport), encoding: .utf8)
        let escaped = MarkdownReport.cell(name)
        #expect(report.contains(escaped), "\(report)")
        let rest = report.replacingOccurrences(of: escaped, with: "")
        #expect(!rest.contains("<img") && !rest.contains("](http://e)") && !rest.contains("a|b"), "\(report)")
    }

    @Test func anUnusableSourceDateEpochIsRefusedBeforeAnythingRuns() throws {
        for value in ["9223372036854775807", "-1", "soon"] {
            let run = try Shell.run([
                "SOURCE_DATE_EPOCH=\(value)", AirlockProcess.executable.path, "run", "--once", "--workspace",
                "/nonexistent"
            ])
            #expect(run.status == 64)
            #expect(run.error.contains("SOURCE_DATE_EPOCH='\(value)': expected a whole number of seconds since 1970"))
        }
    }

    @Test func visibleTextLeavesPrintableTextAlone() {
        #expect(VisibleText.escaped("Zoë, 東京, שלום, e\u{301}") == "Zoë, 東京, שלום, e\u{301}")
        #expect(VisibleText.escaped("a\tb\\c\u{0}\u{85}") == #"a\tb\\c\u{0}\u{85}"#)
        #expect(VisibleText.message("line 1\nC:\\path \u{1B}") == "line 1\nC:\\path \\u{1B}")
    }
}
