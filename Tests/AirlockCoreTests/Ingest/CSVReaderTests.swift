@testable import AirlockCore
import Foundation
import Testing

@Suite struct CSVReaderTests {
    private func records(_ text: String) throws -> [CSVReader.Record] {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("csv-\(UUID().uuidString).csv")
        try text.write(to: url, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: url) }
        var reader = try CSVReader(path: url.path, fileName: "test.csv")
        var all: [CSVReader.Record] = []
        while let record = try reader.next() { all.append(record) }
        return all
    }

    @Test func rfc4180QuotingAndLineNumbers() throws {
        let parsed = try records("\u{FEFF}\"First name\",b\r\n\"a, \"\"quoted\"\"\",\"two\nlines\"\r\nx,\r\nlast,row")
        #expect(parsed.map(\.fields) == [["First name", "b"], ["a, \"quoted\"", "two\nlines"], ["x", ""], ["last", "row"]])
        #expect(parsed.map(\.line) == [1, 2, 4, 5])
    }

    @Test func unbalancedQuoteNamesTheLine() {
        #expect(throws: IngestError.malformed(file: "test.csv", line: 3, field: 2, reason: "a quoted field is never closed (unbalanced quote)")) {
            try records("a,b\n1,2\n3,\"open\n4,5\n")
        }
    }

    @Test func quoteInsideUnquotedFieldIsRefused() {
        #expect(throws: IngestError.self) { try records("a,b\n1,x\"y\n") }
    }
}
