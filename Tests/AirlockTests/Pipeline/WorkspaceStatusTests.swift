import Foundation
import Testing

@testable import AirlockProducer

@Suite struct WorkspaceStatusTests {
    @Test func statusCountsWhatWaitsWhatWasHeldBackAndWhatWasRejected() throws {
        let workspace = try TestWorkspace()
        defer { workspace.remove() }
        try workspace.drop(
            TestWorkspace.exampleDrop
                + ["payments-too-few-fields.csv", "products-nul-byte.json"]
                .map { TestWorkspace.fixtures.appendingPathComponent("bad/\($0)") })
        try workspace.write(
            TestWorkspace.paymentsHeader + "2001,A,B,1.005,card,2026-11-05\n", toInbox: "payments-bad-amount.csv")
        _ = try workspace.run()
        try workspace.write(
            TestWorkspace.paymentsHeader + "2002,A,B,1.00,card,2026-11-05\n", toInbox: "payments-later.csv")

        let status = try WorkspaceStatus(workspace: try Workspace(root: workspace.root.path), listingUnparsed: true)
        #expect(status.waiting == ["payments-later.csv"])
        #expect(status.readNotBundled == [])
        #expect(status.lastBundle?.sequence == 1)
        #expect(
            status.heldBack == [
                .init(entity: "payments", unreadable: 1, invalidValues: 1),
                .init(entity: "products", unreadable: 0, invalidValues: 0)
            ])
        #expect(status.rejected == ["products-nul-byte.json"])
        #expect(
            status.unparsed == [
                .init(file: "payments-too-few-fields.csv", place: "line 3", reason: "5 fields where the header has 6")
            ])
    }
}
