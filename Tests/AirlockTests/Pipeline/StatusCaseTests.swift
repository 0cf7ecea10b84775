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

    @Test func aSpecThatChangesTheTablesIsListedForTheNextRun() throws {
        let workspace = try TestWorkspace()
        defer { workspace.remove() }
        try workspace.drop(TestWorkspace.exampleDrop)
        #expect(try run(workspace).status == 0)
        let spec = workspace.root.appendingPathComponent("airlock.yml")
        let text = try String(contentsOf: spec, encoding: .utf8)
        try text.replacingOccurrences(
            of: "      last_name: {from: \"Last name\", type: text, trim: true}\n",
            with:
                "      surname: {from: \"Last name\", type: text, trim: true, renamed_from: last_name}\n      note: {from: \"Method\", type: text}\n"
        ).write(to: spec, atomically: true, encoding: .utf8)
        let (shown, json) = try status(workspace)
        let changes = ["payments: column_renamed surname last_name → surname", "payments: column_added note (text)"]
        #expect(
            shown.contains(
                "airlock.yml changes the tables; the next run bundles the change (see README: Changing the spec):\n"
                    + changes.map { "  \($0)\n" }.joined()), "\(shown)")
        #expect(json["specChanges"] as? [String] == changes)
        // The run that bundles them says so under its counts.
        let bundled = try run(workspace)
        #expect(bundled.status == 0)
        #expect(bundled.output.contains(changes.map { "  schema change \($0)\n" }.joined()), "\(bundled.output)")
        #expect(try status(workspace).json["specChanges"] as? [String] == [])
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

    @Test func aRunWhoseEveryRecordACheckHeldBackListsThemWithTheirKeys() throws {
        let workspace = try TestWorkspace()
        defer { workspace.remove() }
        try workspace.drop(TestWorkspace.exampleDrop)
        #expect(try run(workspace).status == 0)
        // Every payment of the export again, each with an amount under the range's minimum 0.
        try workspace.write(
            TestWorkspace.paymentsHeader
                + (1001...1003).map { "\($0),A,B,-\($0 - 1000).00,card,2026-11-05\n" }.joined(),
            toInbox: "payments-negative.csv")
        let negative = try run(workspace)
        #expect(negative.status == 3, "\(negative.status) \(negative.error)")
        let (text, json) = try status(workspace, ["--unparsed"])
        #expect(
            text.contains("): every one of the 3 records read was held back, so no bundle was written; see why with"),
            "\(text)")
        #expect(
            text.contains("held back in payments: 0 unreadable records, 3 records with invalid values\n"), "\(text)")
        #expect(!text.contains("held back in products"), "an entity with nothing held back: \(text)")
        #expect(
            text.contains(
                "held back payments: payments-negative.csv: line 2: field 'Amount' (payment_id=1001): '-1.00' is outside the range 0.00 to …\n"
            ), "\(text)")
        #expect(text.components(separatedBy: "held back payments: payments-negative.csv: line ").count == 4, "\(text)")
        let last = json["lastRun"] as? [String: Any]
        #expect(last?["outcome"] as? String == "unchanged" && last?["heldBack"] as? Int == 3, "\(json)")
        let quarantined = json["quarantined"] as? [[String: Any]]
        #expect(
            quarantined?.map { "\($0["key"] ?? "") \($0["check"] ?? "") \($0["line"] ?? "")" } == [
                "payment_id=1001 range 2", "payment_id=1002 range 3", "payment_id=1003 range 4"
            ], "\(json)")
        #expect((json["unparsed"] as? [[String: Any]])?.isEmpty == true, "\(json)")
    }

    @Test func aRunAThresholdBlockedNamesTheLimitAndTheCounts() throws {
        let workspace = try TestWorkspace()
        defer { workspace.remove() }
        try workspace.drop(TestWorkspace.exampleDrop)
        #expect(try run(workspace).status == 0)
        // One product of the four: under min_rows 2, and 3 of 4 deleted is over max_delete_share 0.5.
        try workspace.write(
            #"{"data": {"products": [{"id": "P-100", "name": "City Power prepaid", "type": "airtime", "price": {"amount": 50, "currency": "ZAR"}, "pinned": false, "updatedAt": "2026-11-01T08:00:00Z"}]}}"#,
            toInbox: "products-short.json")
        let blocked = try run(workspace)
        #expect(blocked.status == 4, "\(blocked.status) \(blocked.error)")
        let (text, json) = try status(workspace)
        #expect(
            text.contains(
                """
                ): blocked, no bundle was written and the baseline is unchanged:
                  products: min_rows, 1 finding(s); the first: the snapshot holds 1 rows, fewer than thresholds.min_rows 2
                  products: max_delete_share, 1 finding(s); the first: 3 of 4 rows would be deleted (75.0%), more than thresholds.max_delete_share 0.5
                  its files were set aside: inbox/blocked/products-short.json;
                """), "\(text)")
        let last = json["lastRun"] as? [String: Any]
        #expect(last?["outcome"] as? String == "blocked" && last?["records"] as? Int == 1, "\(json)")
        #expect(last?["setAside"] as? [String] == ["inbox/blocked/products-short.json"], "\(json)")
        let blocking = last?["blocking"] as? [[String: Any]]
        #expect(
            blocking?.map { "\($0["entity"] ?? "") \($0["check"] ?? "") \($0["count"] ?? "")" } == [
                "products min_rows 1", "products max_delete_share 1"
            ], "\(json)")
        #expect(
            (blocking?.last?["first"] as? String)
                == "3 of 4 rows would be deleted (75.0%), more than thresholds.max_delete_share 0.5", "\(json)")
    }
}
