import Foundation
import Testing

/// `airlock run`'s summary adds up to the records read: a record lost to its key's dedupe
/// winner is counted as superseded there, not left out.
@Suite(.runsExternalPrograms) struct RunSummaryTests {
    @Test func supersededRecordsAreCountedInTheSummary() throws {
        let workspace = try TestWorkspace()
        defer { workspace.remove() }
        try workspace.write(
            TestWorkspace.paymentsHeader
                + "2001,A,B,1.00,card,2026-11-05\n2001,A,B,2.00,card,2026-11-06\n2002,C,D,3.00,card,2026-11-05\n",
            toInbox: "payments.csv")
        let run = try AirlockProcess.run(["run", "--once", "--workspace", workspace.root.path])
        #expect(run.status == 0, "\(run.error)")
        #expect(
            run.output.contains(
                "  payments: 2 inserted, 0 updated, 0 deleted, 0 unchanged, 0 quarantined, 1 superseded\n"),
            "\(run.output)")
    }
}
