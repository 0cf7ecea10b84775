import Foundation
import GRDB
import Testing

@testable import AirlockBase
@testable import AirlockProducer

/// Inbox files in every shape analysts send: archives, encodings, delimiters, NDJSON, and
/// what the spec's `all_or_nothing` and `inbox.processed` switches change.
@Suite struct DropFormatTests {
    /// `name: records state` for every file the workspace ingested, in ingest order.
    private func ingested(_ workspace: TestWorkspace) throws -> [String] {
        try DatabaseQueue(path: workspace.database.path).read { db in
            try Row.fetchAll(db, sql: "SELECT name, records, state FROM airlock_files ORDER BY ingest_order").map {
                "\($0["name"] as String): \($0["records"] as Int) \($0["state"] as String)"
            }
        }
    }

    private func firstNames(_ workspace: TestWorkspace) throws -> [String] {
        try DatabaseQueue(path: workspace.database.path).read { db in
            try String.fetchAll(db, sql: "SELECT first_name FROM base_payments ORDER BY payment_id")
        }
    }

    @Test(.tags(.python3), .runsExternalPrograms) func archiveMembersAreIngestedWithTheirProvenance() throws {
        let workspace = try TestWorkspace()
        defer { workspace.remove() }
        let zip = workspace.inbox.appendingPathComponent("drop.zip")
        let script =
            "import sys, zipfile\nz = zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED)\n"
            + "z.write(sys.argv[2], 'export/products.json')\nz.writestr('export/', '')\nz.close()\n"
        let made = try Shell.run(["python3", "-c", script, zip.path, TestWorkspace.exampleDrop[0].path])
        #expect(made.status == 0, "\(made.error)")
        try ArchiveCrafter.write(
            [.init(name: "payments.csv", kind: .file(TestWorkspace.exampleDrop[1]))],
            to: workspace.inbox.appendingPathComponent("more.tar.gz"))
        let report = try workspace.run()
        #expect(report.ingested.map(\.name) == ["drop.zip!export/products.json", "more.tar.gz!payments.csv"])
        #expect(
            try ingested(workspace) == [
                "drop.zip!export/products.json: 4 bundled", "more.tar.gz!payments.csv: 3 bundled"
            ])
        #expect(
            try FileManager.default.contentsOfDirectory(
                atPath: workspace.inbox.appendingPathComponent("processed").path
            ).sorted()
                == ["drop.zip", "more.tar.gz"])
        // The same archive again is recognized whole.
        try FileManager.default.copyItem(
            at: workspace.inbox.appendingPathComponent("processed/drop.zip"),
            to: workspace.inbox.appendingPathComponent("drop-again.zip"))
        #expect(try workspace.run().alreadySeen == ["drop-again.zip (same content as drop.zip)"])
    }

    @Test func aGzippedFileIsItsOneMember() throws {
        let workspace = try TestWorkspace()
        defer { workspace.remove() }
        try workspace.drop([TestWorkspace.exampleDrop[1]])
        #expect(try Shell.run(["gzip", "-n", workspace.inbox.appendingPathComponent("payments.csv").path]).status == 0)
        #expect(try workspace.run().ingested.map(\.name) == ["payments.csv.gz!payments.csv"])
    }

    @Test func encodingsAreDetectedOrDeclared() throws {
        let workspace = try TestWorkspace()
        defer { workspace.remove() }
        let row = "1001,Zoë,Müller,1.00,card,2026-11-05\n"
        let text = TestWorkspace.paymentsHeader + row
        try Data(text.data(using: .isoLatin1)!).write(to: workspace.inbox.appendingPathComponent("payments-latin1.csv"))
        try Data(
            [0xFF, 0xFE] + Array(text.replacingOccurrences(of: "1001", with: "1002").data(using: .utf16LittleEndian)!)
        )
        .write(to: workspace.inbox.appendingPathComponent("payments-utf16le-bom.csv"))
        try Data(text.replacingOccurrences(of: "1001", with: "1003").data(using: .utf16BigEndian)!)
            .write(to: workspace.inbox.appendingPathComponent("payments-utf16be.csv"))
        try Data("\u{FEFF}\(text.replacingOccurrences(of: "1001", with: "1004"))".utf8)
            .write(to: workspace.inbox.appendingPathComponent("payments-utf8-bom.csv"))
        let report = try workspace.run()
        #expect(report.rejected.isEmpty, "\(report.rejected)")
        #expect(try firstNames(workspace) == ["Zoë", "Zoë", "Zoë", "Zoë"])
    }

    @Test func aDeclaredEncodingIsUsed() throws {
        let spec = try TestWorkspace.exampleSpecMovingFiles()
            .replacingOccurrences(
                of: "files: \"payments*.csv\"", with: "files: \"payments*.csv\"\n      encoding: windows-1252")
        let workspace = try TestWorkspace(spec: spec)
        defer { workspace.remove() }
        try Data(
            Array(TestWorkspace.paymentsHeader.utf8) + Array("1001,".utf8) + [0x93] + Array("Thandi".utf8) + [0x94]
                + Array(",Nkosi,1.00,card,2026-11-05\n".utf8)
        ).write(to: workspace.inbox.appendingPathComponent("payments.csv"))
        #expect(try workspace.run().rejected.isEmpty)
        #expect(try firstNames(workspace) == ["\u{201C}Thandi\u{201D}"])
    }

    @Test func delimitersAreSniffedOrDeclared() throws {
        let workspace = try TestWorkspace()
        defer { workspace.remove() }
        for (name, delimiter) in [("semicolon", ";"), ("tab", "\t"), ("pipe", "|")] {
            let text = TestWorkspace.paymentsHeader + "\"1001\",\"A; B|C\tD\",X,1.00,card,2026-11-05\n"
            try workspace.write(text.replacingOccurrences(of: ",", with: delimiter), toInbox: "payments-\(name).csv")
        }
        let report = try workspace.run()
        #expect(report.rejected.isEmpty, "\(report.rejected)")
        #expect(report.ingested.map(\.records) == [1, 1, 1])
        #expect(try firstNames(workspace) == ["A; B|C\tD"])
    }

    @Test func ndjsonLinesAreRecordsAndABadLineIsHeldBack() throws {
        let spec = try String(
            contentsOf: TestWorkspace.fixtures.appendingPathComponent("corpus/airlock.yml"), encoding: .utf8)
        let workspace = try TestWorkspace(spec: spec)
        defer { workspace.remove() }
        try workspace.write(
            "{\"id\": 1, \"kind\": \"Opened\"}\r\n\n{\"id\": 2, \"kind\": oops}\n{\"id\": 3, \"kind\": \"closed\", \"extra\": {\"nested\": [1]}}",
            toInbox: "events.ndjson")
        let report = try workspace.run()
        #expect(report.ingested.map(\.records) == [2])
        #expect(
            report.ingested.first?.firstUnparsed.map { "\($0.place): \($0.reason)" } == [
                "line 3: invalid JSON: Invalid value"
            ])
        let kinds = try DatabaseQueue(path: workspace.database.path).read { db in
            try String.fetchAll(db, sql: "SELECT kind FROM base_events ORDER BY id")
        }
        #expect(kinds == ["opened", "closed"])
    }

    @Test func allOrNothingRejectsTheWholeFile() throws {
        let spec = try TestWorkspace.exampleSpecMovingFiles()
            .replacingOccurrences(
                of: "files: \"payments*.csv\"", with: "files: \"payments*.csv\"\n      all_or_nothing: true")
        let workspace = try TestWorkspace(spec: spec)
        defer { workspace.remove() }
        try workspace.drop([TestWorkspace.fixtures.appendingPathComponent("bad/payments-too-few-fields.csv")])
        let report = try workspace.run()
        #expect(
            report.rejected.map(\.description) == [
                "payments-too-few-fields.csv: line 3: 5 fields where the header has 6; the source is all_or_nothing, so the whole file is rejected"
            ])
        #expect(try ingested(workspace) == ["payments-too-few-fields.csv: 0 rejected"])
        let errorFile = workspace.inbox.appendingPathComponent("rejected/payments-too-few-fields.csv.error.txt")
        #expect(try String(contentsOf: errorFile, encoding: .utf8) == "rejected: \(report.rejected[0])\n")
    }

    @Test func processedFilesCanStayInTheInbox() throws {
        // The repository's example spec says `processed: keep`.
        let workspace = try TestWorkspace(
            spec: String(contentsOf: TestWorkspace.repository.appendingPathComponent("airlock.yml"), encoding: .utf8))
        defer { workspace.remove() }
        try workspace.drop(TestWorkspace.exampleDrop)
        guard case .bundle = try workspace.run().outcome else { throw ShellError(description: "no bundle") }
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: workspace.inbox.path).sorted() == [
                "payments.csv", "products.json"
            ])
        let again = try workspace.run()
        #expect(again.outcome == .noNewFiles)
        #expect(again.alreadySeen == ["payments.csv", "products.json"])
    }
}
