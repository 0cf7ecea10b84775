import Foundation
import Testing

/// `airlock run` on a terminal (a real pseudo-terminal through `script(1)`): one human line
/// per event, no log record beside it, and a progress step for each stage of the run; piped,
/// with `AIRLOCK_LOG_LEVEL`, the events are log records again. A bar on screen when a command
/// fails is erased before the error is printed; `--version` names the release and its formats.
@Suite(.runsExternalPrograms) struct TerminalOutputTests {
    @Test func aRunOnATerminalPrintsEachEventOnceAndEveryStage() throws {
        let workspace = try TestWorkspace()
        defer { workspace.remove() }
        try workspace.drop(TestWorkspace.exampleDrop)
        // More than a chunk of payments (1 MiB), so reading them is a step of its own too.
        var payments = TestWorkspace.paymentsHeader
        for key in 1...30_000 { payments += "\(key),Name \(key),Surname,\(key % 1000).25,card,2026-11-05\n" }
        try workspace.write(payments, toInbox: "payments.csv")
        try workspace.write(TestWorkspace.paymentsHeader + "9,a,b,1.00,card\n", toInbox: "payments-short.csv")
        let command = "\(AirlockProcess.executable.path) run --once --workspace \(workspace.root.path)"
        let terminal = try Shell.run(["script", "-qec", command, "/dev/null"])
        let text = terminal.output
        #expect(text.components(separatedBy: "payments-short.csv: line 2: 5 fields").count == 2, "\(text)")
        #expect(!text.contains("+0000 "), "a log record beside the human lines:\n\(text)")
        for stage in [
            "reading payments.csv", "normalizing payments", "comparing payments with the baseline",
            "checksumming payments", "writing bundle-000001.tar.gz", "keeping the new baseline"
        ] {
            #expect(text.contains(stage), "no progress step '\(stage)':\n\(text)")
        }

        try workspace.write(TestWorkspace.paymentsHeader + "8,a,b,1.00,card\n", toInbox: "payments-short-2.csv")
        let logged = try AirlockProcess.run(
            ["run", "--once", "--workspace", workspace.root.path], environment: ["AIRLOCK_LOG_LEVEL": "info"])
        #expect(logged.error.contains(" info airlock.run: error=payments-short-2.csv"), "\(logged.error)")
    }

    @Test func aFailedApplyErasesItsBarBeforeTheError() throws {
        let workspace = try TestWorkspace()
        defer { workspace.remove() }
        try workspace.drop(TestWorkspace.exampleDrop)
        #expect(try AirlockProcess.run(["run", "--once", "--workspace", workspace.root.path]).status == 0)
        let bundle = workspace.root.appendingPathComponent("outbox/bundle-000001.tar.gz").path
        let apply =
            "\(AirlockProcess.executable.path) apply \(bundle) --target sqlite:\(workspace.root.path)/shop.db --workspace \(workspace.root.path)"
        #expect(try Shell.run(["sh", "-c", apply]).status == 0)
        // Applied again: refused while the bar says it is verifying the bundle.
        let terminal = try Shell.run(["script", "-qec", apply, "/dev/null"])
        let text = terminal.output
        #expect(text.contains("verifying bundle-000001.tar.gz"), "no bar was drawn:\n\(text)")
        guard let error = text.range(of: "airlock: ") else {
            Issue.record("no error:\n\(text)")
            return
        }
        // What the terminal shows on the error's line: what follows the last carriage return
        // before it, once the erase (ESC [K) cleared what was there.
        let line = text[..<error.lowerBound].split(separator: "\r", omittingEmptySubsequences: false).last ?? ""
        #expect(line == "\u{1B}[K" || line == "\n", "the bar is still on the error's line: \(line.debugDescription)")
        #expect(text[error.lowerBound...].contains("already applied"), "\(text)")
    }

    @Test func versionNamesTheReleaseAndTheFormatsItWrites() throws {
        let version = try AirlockProcess.run(["--version"])
        #expect(version.status == 0, "\(version.error)")
        let release = #/^airlock \d+\.\d+\.\d+ \(bundles airlock-bundle/1, trust updates airlock-trust/\d+\)\n$/#
        #expect(version.output.wholeMatch(of: release) != nil, "\(version.output.debugDescription)")
    }
}
