import Foundation
import GRDB
import Testing

@testable import AirlockProducer

/// JSON documents through `airlock run` into a real workspace: records stored as written, and
/// a document that breaks keeps the records before the break.
@Suite struct JSONIngestTests {
    private func workspace() throws -> TestWorkspace {
        try TestWorkspace(
            spec: String(
                contentsOf: TestWorkspace.fixtures.appendingPathComponent("corpus/airlock.yml"), encoding: .utf8))
    }

    private func fetch(_ sql: String, in workspace: TestWorkspace) throws -> [String] {
        try DatabaseQueue(path: workspace.database.path).read { db in try String.fetchAll(db, sql: sql) }
    }

    @Test func aDocumentCutShortKeepsTheRecordsBeforeTheBreak() throws {
        let workspace = try workspace()
        defer { workspace.remove() }
        try workspace.write(
            "{\"data\": {\"products\": [\n  {\"id\": \"P-1\", \"name\": \"a\"},\n  {\"id\": \"P-2\", \"name\": \"b\"},\n"
                + "  {\"id\": \"P-3\", \"na", toInbox: "products.json")
        let report = try workspace.run()
        #expect(report.rejected.isEmpty, "\(report.rejected)")
        #expect(report.ingested.map(\.records) == [2])
        #expect(
            report.ingested.first?.firstUnparsed.map { "\($0.place): \($0.reason): \($0.text)" } == [
                "line 4: invalid JSON: the text ends before the JSON is complete (cut off?); the rest of the file from this line is held back: {\"id\":\"P-3\",\"na"
            ])
        #expect(try fetch("SELECT line || ' ' || record_no FROM airlock_unparsed", in: workspace) == ["4 3"])
        #expect(try fetch("SELECT product_id FROM base_products ORDER BY 1", in: workspace) == ["P-1", "P-2"])
    }

    @Test func aBreakBeforeAnyRecordRejectsTheFile() throws {
        let workspace = try workspace()
        defer { workspace.remove() }
        try workspace.write(
            "{\"data\": {\"products\": [\n  {\"id\": \"P-1\" \"name\": \"a\"}]}}", toInbox: "products.json")
        #expect(
            try workspace.run().rejected.map(\.description) == ["products.json: line 2: invalid JSON: Invalid value"])
    }

    /// Numbers and strings as written (never through a double, escapes kept), without the
    /// whitespace between tokens; only keys are respelled (`JSONKeys`). A byte-order mark and
    /// whitespace around the document are fine.
    @Test func recordsAreStoredAsWritten() throws {
        let workspace = try workspace()
        defer { workspace.remove() }
        let first = #"{"id": "P-1", "price": {"amount": 12.10, "currency": "ZAR"}, "big": 1e400, "tags": [1, [], {}]}"#
        let second = #"{"id": "P-2", "n\u0061me": "Zo\u00eb \"😀\"", "nested": {"a": [{"b": null}]}}"#
        try workspace.write(
            "\u{FEFF} \n{\"data\": {\"products\": [\(first),\r\n\t\(second)]}}\n\n", toInbox: "products.json")
        let report = try workspace.run()
        #expect(report.ingested.map(\.records) == [2], "\(report.rejected)")
        #expect(
            try fetch("SELECT record FROM airlock_raw ORDER BY record_no", in: workspace) == [
                #"{"id":"P-1","price":{"amount":12.10,"currency":"ZAR"},"big":1e400,"tags":[1,[],{}]}"#,
                #"{"id":"P-2","name":"Zo\u00eb \"😀\"","nested":{"a":[{"b":null}]}}"#
            ])
        #expect(try fetch("SELECT amount FROM base_products WHERE product_id = 'P-1'", in: workspace) == ["12.10"])
        #expect(try fetch("SELECT name FROM base_products WHERE product_id = 'P-2'", in: workspace) == ["Zoë \"😀\""])
    }
}
