import Foundation
import Testing

@testable import AirlockProducer
@testable import AirlockSite

/// `airlock status` says what the last run did and what to do next, in text and in JSON: a
/// bundle written, a blocked run (which check, how often, its files set aside in
/// `inbox/blocked/`), a run whose every record was held back, and a reviewer's rejection of
/// the newest bundle; `--unparsed` still lists what a run without a bundle held back.
@Suite(.tags(.sqlite3), .runsExternalPrograms) struct StatusCaseTests {
    private func status(_ workspace: TestWorkspace, _ flags: [String] = []) throws -> (
        text: String, json: [String: Any]
    ) {
        let text = try AirlockProcess.run(["status", "--workspace", workspace.root.path] + flags)
        let json = try AirlockProcess.run(["status", "--json", "--workspace", workspace.root.path] + flags)
        #expect(text.status == 0 && json.status == 0, "\(text.error) \(json.error)")
        let object = try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any]
        return (text.output, object ?? [:])
    }

    private func run(_ workspace: TestWorkspace) throws -> Shell.Result {
        try AirlockProcess.run(["run", "--once", "--workspace", workspace.root.path])
    }

    @Test func aBundleWrittenSaysWhatToDoWithIt() throws {
        let workspace = try TestWorkspace()
        defer { workspace.remove() }
        try workspace.drop(TestWorkspace.exampleDrop)
        #expect(try run(workspace).status == 0)
        let (text, json) = try status(workspace)
        #expect(
            text.contains("): wrote bundle 1; next: review it (airlock show outbox/bundle-000001.tar.gz), approve it"),
            "\(text)")
        let last = json["lastRun"] as? [String: Any]
        #expect(last?["outcome"] as? String == "bundled" && last?["bundle"] as? Int == 1, "\(json)")
        #expect(last?["records"] as? Int == 7 && last?["heldBack"] as? Int == 0, "\(json)")
    }

    @Test func aBlockedRunNamesTheCheckAndWhereItsFilesWent() throws {
        let workspace = try TestWorkspace()
        defer { workspace.remove() }
        try workspace.drop(TestWorkspace.exampleDrop)
        #expect(try run(workspace).status == 0)
        // An order whose customer is not among the contacts: the reference blocks the drop.
        try workspace.write(
            "Order,Customer,Customer email,Status,Updated\nO-9,C-99,x@example.com,Success,05/11/2026 10:00\n",
            toInbox: "orders-late.csv")
        let blocked = try run(workspace)
        #expect(blocked.status == 4, "\(blocked.error)")
        let (text, json) = try status(workspace)
        #expect(text.contains("): blocked, no bundle was written and the baseline is unchanged:"), "\(text)")
        #expect(
            text.contains(
                "  orders: references, 1 finding(s); the first: order_id='O-9': contact_id C-99 names no row of contacts"
            ), "\(text)")
        #expect(text.contains("its files were set aside: inbox/blocked/orders-late.csv;"), "\(text)")
        #expect(text.contains("then drop them again: mv inbox/blocked/* inbox/"), "\(text)")
        #expect(
            FileManager.default.fileExists(
                atPath: workspace.inbox.appendingPathComponent("blocked/orders-late.csv").path))
        #expect(
            !FileManager.default.fileExists(
                atPath: workspace.inbox.appendingPathComponent("processed/orders-late.csv").path))
        let last = json["lastRun"] as? [String: Any]
        #expect(last?["outcome"] as? String == "blocked")
        #expect(last?["setAside"] as? [String] == ["inbox/blocked/orders-late.csv"])
        let blocking = (last?["blocking"] as? [[String: Any]])?.first
        #expect(
            blocking?["check"] as? String == "references" && blocking?["entity"] as? String == "orders", "\(json)")

        // Dropped again as it was, it is read again (and blocks again): nothing was lost.
        try FileManager.default.moveItem(
            at: workspace.inbox.appendingPathComponent("blocked/orders-late.csv"),
            to: workspace.inbox.appendingPathComponent("orders-late.csv"))
        #expect(try run(workspace).status == 4)
    }

    @Test func aRunWhoseEveryRecordWasHeldBackSaysSoAndUnparsedListsThem() throws {
        let workspace = try TestWorkspace()
        defer { workspace.remove() }
        try workspace.drop(TestWorkspace.exampleDrop)
        #expect(try run(workspace).status == 0)
        try workspace.write(
            TestWorkspace.paymentsHeader + "2001,A,B,lots,card,2026-11-05\n2002,A,B,1.00,card\n",
            toInbox: "payments-bad.csv")
        let bad = try run(workspace)
        #expect(bad.status == 3, "\(bad.status) \(bad.error)")
        let (text, json) = try status(workspace, ["--unparsed"])
        #expect(
            text.contains(
                "): every one of the 2 records read was held back, so no bundle was written; see why with airlock status --unparsed"
            ),
            "\(text)")
        #expect(text.contains("unreadable payments-bad.csv: line 3: "), "\(text)")
        let last = json["lastRun"] as? [String: Any]
        #expect(last?["outcome"] as? String == "unchanged" && last?["heldBack"] as? Int == 2, "\(json)")
        #expect((json["unparsed"] as? [[String: Any]])?.count == 1, "\(json)")
    }

    @Test func aRejectedBundleIsNamedWithWhoAndWhyAndTheDiscard() throws {
        let workspace = try TestWorkspace()
        defer { workspace.remove() }
        try KeyStore(directory: workspace.root.appendingPathComponent("keys")).generate(name: "bob", role: .reviewer)
        try workspace.drop(TestWorkspace.exampleDrop)
        #expect(try run(workspace).status == 0)
        let bundle = workspace.root.appendingPathComponent("outbox/bundle-000001.tar.gz")
        let reject = try AirlockProcess.run([
            "reject", bundle.path, "--key", "bob", "--reason", "amounts look doubled", "--workspace",
            workspace.root.path
        ])
        #expect(reject.status == 0, "\(reject.error)")
        let (text, json) = try status(workspace)
        #expect(
            text.contains(
                "rejected: bundle-000001.tar.gz by bob: amounts look doubled; take it back with airlock discard outbox/bundle-000001.tar.gz"
            ), "\(text)")
        let rejection = json["rejection"] as? [String: Any]
        #expect(rejection?["by"] as? String == "bob" && rejection?["reason"] as? String == "amounts look doubled")
    }
}
