import Testing

@testable import AirlockBase
@testable import AirlockProducer

@Suite struct CSVReaderTests {
    /// `chunkSizes` cut the text into chunks, cycling; by default it comes in one piece.
    private func items(_ text: String, delimiter: Character = ",", chunkSizes: [Int] = []) throws -> [CSVReader.Item] {
        var reader = CSVReader(
            source: .pieces(of: Array(text.utf8), sizes: chunkSizes), delimiter: delimiter.asciiValue!)
        var all: [CSVReader.Item] = []
        while let item = try reader.next() { all.append(item) }
        return all
    }

    private func records(_ text: String) throws -> [CSVReader.Record] {
        try items(text).compactMap { if case let .record(record) = $0 { record } else { nil } }
    }

    private func failures(_ text: String) throws -> [RecordFailure] {
        try items(text).compactMap { if case let .failure(failure) = $0 { failure } else { nil } }
    }

    @Test func rfc4180QuotingAndLineNumbers() throws {
        let parsed = try records("\"First name\",b\r\n\"a, \"\"quoted\"\"\",\"two\nlines\"\r\nx,\r\nlast,row")
        #expect(
            parsed.map(\.fields) == [["First name", "b"], ["a, \"quoted\"", "two\nlines"], ["x", ""], ["last", "row"]])
        #expect(parsed.map(\.line) == [1, 2, 4, 5])
    }

    @Test func unbalancedQuoteHoldsBackTheTailOnly() throws {
        let all = try items("a,b\n1,2\n3,\"open\n4,5\n")
        #expect(all.count == 3)
        #expect(try records("a,b\n1,2\n3,\"open\n4,5\n").map(\.fields) == [["a", "b"], ["1", "2"]])
        #expect(
            try failures("a,b\n1,2\n3,\"open\n4,5\n").map { "\($0.place): \($0.reason)" } == [
                "line 3, field 2: a quoted field is never closed (unbalanced quote); the rest of the file from this line is held back"
            ])
    }

    @Test func badRecordsAreReportedAndReadingGoesOn() throws {
        let text = "a,b\n1,x\"y\n\"q\"z,2\nok,\u{FEFF}joined\n3,4\n"
        #expect(
            try failures(text).map { "\($0.place): \($0.reason)" } == [
                "line 2, field 2: a quote inside an unquoted field; quote the field and double the quote (\"\")",
                "line 3, field 1: text after the closing quote of a quoted field",
                "line 4, field 2: a byte-order mark (U+FEFF) inside the file; were two files joined?"
            ])
        #expect(try records(text).map(\.fields) == [["a", "b"], ["3", "4"]])
    }

    /// Fields written the RFC 4180 way come back as they were, with their lines, wherever the
    /// chunks of the input happen to end.
    @Test func recordsDoNotDependOnWhereChunksEnd() {
        let pieces = ["a", "Zé", ",", "\"", "\n", "\r\n", " ", "😀", "\t", "", "P-100", ";"]
        forRandomSeeds(count: 200) { seed in
            var random = SplitMix64(seed: seed)
            let rows = (0..<Int.random(in: 1...6, using: &random)).map { _ in
                (0..<3).map { _ in
                    (0..<Int.random(in: 0...4, using: &random)).map { _ in pieces.randomElement(using: &random)! }
                        .joined()
                }
            }
            var text = ""
            var lines: [Int] = []
            var line = 1
            for row in rows {
                lines.append(line)
                text += row.map { field in
                    field.unicodeScalars.contains(where: { ",\"\r\n".unicodeScalars.contains($0) }) || field.isEmpty
                        ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
                }.joined(separator: ",")
                text += Bool.random(using: &random) ? "\r\n" : "\n"
                line += 1 + row.joined().utf8.filter { $0 == UInt8(ascii: "\n") }.count
            }
            let sizes = (0..<3).map { _ in Int.random(in: 1...5, using: &random) }
            let parsed = try self.items(text, chunkSizes: sizes).map { item -> [String] in
                guard case let .record(record) = item else { return ["failure"] }
                return record.fields
            }
            #expect(parsed == rows, "chunks of \(sizes): \(text.debugDescription)")
            #expect(try self.records(text).map(\.line) == lines)
        }
    }

    @Test func otherDelimiters() throws {
        #expect(try items("a;b\n\"1;2\";3\n", delimiter: ";").count == 2)
        #expect(CSVDelimiter.sniff(Array("Name;Amount;Note\nx;1,5;\"a, b\"\ny;2,0;c\n".utf8)) == UInt8(ascii: ";"))
        #expect(CSVDelimiter.sniff(Array("a\tb\tc\n1\t2\t3\n".utf8)) == UInt8(ascii: "\t"))
        #expect(CSVDelimiter.sniff(Array("a|b\n1|2\n".utf8)) == UInt8(ascii: "|"))
        #expect(CSVDelimiter.sniff(Array("a,b,c\n1,\"x;y\",3\n".utf8)) == UInt8(ascii: ","))
        #expect(CSVDelimiter.sniff(Array("single\n1\n".utf8)) == UInt8(ascii: ","))
    }
}
