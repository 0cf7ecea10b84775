import Foundation
import Testing

@testable import AirlockProducer
@testable import AirlockSpec

/// `context: [first_name, last_name]`: each update in the change file carries those columns as
/// the row holds them, and the pages and `show` name whose row changed beside its key.
@Suite(.runsExternalPrograms) struct ContextColumnTests {
    private static let spec: String = {
        (try? TestWorkspace.exampleSpecMovingFiles())!.replacingOccurrences(
            of: "    key: payment_id\n", with: "    key: payment_id\n    context: [first_name, last_name]\n")
    }()

    @Test func updatesCarryTheirContext() throws {
        let workspace = try TestWorkspace(spec: Self.spec)
        defer { workspace.remove() }
        try workspace.drop(TestWorkspace.exampleDrop)
        _ = try workspace.run()
        try workspace.drop(TestWorkspace.secondDrop)
        guard case let .bundle(file, _, _) = try workspace.run().outcome else {
            Issue.record("no bundle")
            return
        }
        let folder = try Shell.extract(file)
        let changes = try String(contentsOf: folder.appendingPathComponent("changes/payments.ndjson"), encoding: .utf8)
        #expect(
            changes.split(separator: "\n").dropFirst().first?.hasPrefix(
                #"{"op":"update","key":{"payment_id":1001},"before":{"method":"bill_payment"},"after":{"method":"card"},"context":{"first_name":"Thandi","last_name":"Nkosi"},"unchanged":{"#
            ) == true, "\(changes)")
        // Inserts and deletes carry every column already.
        #expect(changes.split(separator: "\n").filter { $0.contains("\"context\"") }.count == 1)
        let markdown = try String(contentsOf: folder.appendingPathComponent("report.md"), encoding: .utf8)
        #expect(
            markdown.contains("| update | payment_id=1001 (first_name: Thandi, last_name: Nkosi) | method |"),
            "\(markdown)")
        let show = try AirlockProcess.run(["show", file.path, "--workspace", workspace.root.path])
        #expect(show.output.contains("update payment_id=1001 (first_name: Thandi, last_name: Nkosi)"), "\(show.output)")
    }

    @Test func contextNamesValueColumnsOnly() throws {
        for (columns, says) in [
            ("[payment_id]", "'payment_id' is not one of this entity's value columns"),
            ("[nickname]", "'nickname' is not one of this entity's value columns"), ("first_name", "expected a list")
        ] {
            let text = Self.spec.replacingOccurrences(of: "[first_name, last_name]", with: columns)
            #expect {
                try Spec.parse(yaml: text)
            } throws: { "\($0)".contains(says) }
        }
    }
}
