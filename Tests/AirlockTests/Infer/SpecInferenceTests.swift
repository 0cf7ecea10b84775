import Foundation
import Testing

@testable import AirlockBase
@testable import AirlockProducer
@testable import AirlockSpec

/// `airlock infer` proposes an entity that, used as is, ingests the file it came from.
@Suite struct SpecInferenceTests {
    static let exampleFiles =
        TestWorkspace.exampleDrop + TestWorkspace.secondDrop
        + ["inbox/contacts.ndjson", "inbox/orders.csv", "Tests/Fixtures/drop2/orders.csv"].map(
            TestWorkspace.repository.appendingPathComponent)

    @Test(arguments: exampleFiles)
    func proposalIngestsItsFileWithoutErrors(_ file: URL) throws {
        let result = try Shell.run([AirlockProcess.executable.path, "infer", file.path])
        #expect(result.status == 0, "\(result.error)")
        let workspace = try TestWorkspace(spec: "producer:\n  key: producer\n" + result.output)
        defer { workspace.remove() }
        try workspace.drop([file])
        let report = try workspace.run()
        #expect(report.rejected.isEmpty, "\(report.rejected)")
        #expect(report.findings.isEmpty, "\(report.findings.map(\.description))")
        #expect(report.ingested.map(\.unparsed) == [0])
        guard case let .bundle(_, manifest, _) = report.outcome else {
            Issue.record("no bundle from \(file.lastPathComponent)")
            return
        }
        // Records supersede each other only where the proposal says no key is unique (the
        // example's contacts send one contact twice).
        let counts = manifest.entities.map { $0.counts.inserted + ($0.counts.superseded ?? 0) }
        #expect(counts == report.ingested.map(\.records))
        let superseded = manifest.entities.compactMap(\.counts.superseded).reduce(0, +)
        #expect(superseded == 0 || result.output.contains("No field, nor two or three together, is unique"))
    }

    @Test func typesAndKeyOfTheExamplePayments() throws {
        let proposal = try SpecInference.infer(TestWorkspace.exampleDrop[1])
        #expect(proposal.entity == "payments")
        #expect(proposal.source.filePattern == "payments*.csv")
        #expect(
            proposal.columns.map { "\($0.name) \($0.from) \($0.type)" } == [
                "payment_id Payment ID integer", "first_name First name text", "last_name Last name text",
                "amount Amount decimal(12,2)", "method Method enum", "paid_at Paid at timestamp"
            ])
        #expect(proposal.keyCandidates.first == "payment_id")
    }

    @Test func envelopeRecordsAndNestedFieldsOfTheExampleProducts() throws {
        let proposal = try SpecInference.infer(TestWorkspace.exampleDrop[0])
        #expect(proposal.source.recordsPath == "data.products")
        #expect(
            proposal.columns.map { "\($0.name) \($0.from) \($0.type)" } == [
                "id id text", "name name text", "type type enum", "price_amount price.amount decimal(14,2)",
                "price_currency price.currency text", "pinned pinned boolean", "updated_at updatedAt timestamp"
            ])
        #expect(proposal.keyCandidates.first == "id")
    }

    @Test func ndjsonAndUnknownFormats() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("airlock-infer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let events = folder.appendingPathComponent("events-2026-11-30.ndjson")
        try
            "{\"id\": 1, \"status\": \"In Transit\", \"at\": \"2026-11-30T10:00:00Z\"}\n{\"id\": 2, \"status\": \"delivered\", \"at\": \"2026-11-30T11:00:00Z\"}\n"
            .write(to: events, atomically: true, encoding: .utf8)
        let proposal = try SpecInference.infer(events)
        #expect(proposal.entity == "events")
        #expect(proposal.source.filePattern == "events*.ndjson")
        #expect(proposal.columns.map { "\($0.name) \($0.type)" } == ["id integer", "status enum", "at timestamp"])
        let other = folder.appendingPathComponent("notes.txt")
        try "hello".write(to: other, atomically: true, encoding: .utf8)
        #expect(throws: InferError.unknownFormat(file: "notes.txt")) { try SpecInference.infer(other) }
    }

    /// Keys with underscores, hyphens and escapes, which json_tree quotes in its paths, are
    /// all kept, in JSON and NDJSON, and read back by the proposal used as is.
    @Test(arguments: ["json", "ndjson"])
    func everyKeySpellingIsKept(_ format: String) throws {
        let records = [
            #"{"item_id": "I-1", "created_at": "2026-11-01T09:30:00Z", "weight-kg": 1.5, "dim\u0073": {"len_cm": 10}}"#,
            #"{"item_id": "I-2", "created_at": "2026-11-02T09:30:00Z", "weight-kg": 2, "dim\u0073": {"len_cm": 12}}"#
        ]
        let text =
            format == "json" ? "[" + records.joined(separator: ",\n") + "]\n" : records.joined(separator: "\n") + "\n"
        let workspace = try TestWorkspace(spec: "producer:\n  key: producer\nentities: {}\n")
        defer { workspace.remove() }
        let file = workspace.root.appendingPathComponent("items.\(format)")
        try text.write(to: file, atomically: true, encoding: .utf8)
        let proposal = try SpecInference.infer(file)
        #expect(
            proposal.columns.map { "\($0.name) \($0.from) \($0.type)" } == [
                "item_id item_id text", "created_at created_at timestamp", "weight_kg weight-kg decimal(12,2)",
                "dims_len_cm dims.len_cm integer"
            ])
        let run = try TestWorkspace(spec: "producer:\n  key: producer\n" + proposal.yaml)
        defer { run.remove() }
        try run.drop([file])
        let report = try run.run()
        #expect(report.findings.isEmpty && report.rejected.isEmpty)
        guard case let .bundle(_, manifest, _) = report.outcome else {
            Issue.record("no bundle")
            return
        }
        #expect(manifest.entities.map(\.counts.inserted) == [2])
    }

    /// Two identical lines: no combination is unique, and the proposal says so rather than
    /// offering a key as if it were one.
    @Test func noUniqueKeyIsSaidNotProposed() throws {
        let workspace = try TestWorkspace(spec: "producer:\n  key: producer\n")
        defer { workspace.remove() }
        let file = workspace.root.appendingPathComponent("visits.csv")
        try "visitor_id,page\nV-1,home\nV-1,home\nV-2,cart\n".write(to: file, atomically: true, encoding: .utf8)
        let proposal = try SpecInference.infer(file)
        #expect(proposal.key == nil && proposal.keyCandidates.isEmpty)
        #expect(proposal.yaml.contains("# No field, nor two or three together, is unique"))
    }

    /// The pattern keeps the file's own spelling up to its date, so later exports match it.
    @Test func filePatternsMatchLaterExportsOfTheFeed() {
        #expect(SpecInference.filePattern(for: "orders-2026-11-01.csv") == "orders*.csv")
        #expect(SpecInference.filePattern(for: "order-lines.csv") == "order-lines*.csv")
        #expect(SpecInference.filePattern(for: "Stock [EU]_2026.json") == "Stock \\[EU\\]*.json")
        #expect(SpecInference.entityName(for: "order-lines.csv") == "order_lines")
    }
}
