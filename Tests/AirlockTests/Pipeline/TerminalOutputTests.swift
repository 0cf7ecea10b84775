import Foundation
import Testing

/// `airlock run` on a terminal (a real pseudo-terminal through `script(1)`): one human line
/// per event, no log record beside it, and a progress step for each stage of the run; piped,
/// with `AIRLOCK_LOG_LEVEL`, the events are log records again.
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
}
