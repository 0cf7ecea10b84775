import Foundation
import GRDB
import Testing

@testable import AirlockProducer

/// A CSV file's records keep their fields in columns of their own, the header once per file
/// (`RawRecords`, `RawFields`); a file too wide for columns keeps JSON objects. Either way,
/// and with files of one entity that order their columns differently, each column reads its
/// own field.
@Suite struct RawFieldsTests {
    static let spec = """
        producer:
          key: producer
        entities:
          items:
            source: {files: "items*.csv", unknown_fields: ignore}
            key: id
            columns:
              id: {from: "Item ID", type: integer}
              name: {from: "Name", type: text}
              price: {from: "Unit Price", type: "decimal(10,2)"}

        """

    @Test func aCSVFileKeepsItsFieldsInColumnsAndItsHeaderOnce() throws {
        let workspace = try TestWorkspace(spec: Self.spec)
        defer { workspace.remove() }
        try workspace.write("Item ID,Name,Unit Price\n1,\"Tea, green\",2.50\n2,,3\n", toInbox: "items-1.csv")
        _ = try workspace.run()
        try DatabaseQueue(path: workspace.database.path).read { db in
            let rows = try Row.fetchAll(db, sql: "SELECT record, field1, field2, field3 FROM airlock_raw ORDER BY id")
            #expect(rows.map { $0[0] as String? } == [nil, nil])
            #expect(rows.map { [$0[1], $0[2], $0[3]] as [String] } == [["1", "Tea, green", "2.50"], ["2", "", "3"]])
            let header = try String.fetchOne(db, sql: "SELECT header FROM airlock_raw_ranges")
            #expect(
                header.map { try? JSONDecoder().decode([String].self, from: Data($0.utf8)) } == [
                    "Item ID", "Name", "Unit Price"
                ])
        }
        #expect(try Self.items(workspace) == ["1|Tea, green|2.50", "2||3.00"])
    }

    @Test func filesOfOtherColumnOrdersAndAFileTooWideForColumnsReadEachColumnsOwnField() throws {
        let workspace = try TestWorkspace(spec: Self.spec)
        defer { workspace.remove() }
        try workspace.write("Item ID,Name,Unit Price\n1,Tea,2.50\n", toInbox: "items-1.csv")
        try workspace.write("Unit Price,Extra,Item ID,Name\n4.00,x,2,Coffee\n", toInbox: "items-2.csv")
        // A column past `maxFields` makes the file's records JSON objects.
        let extras = (1...RawRecords.maxFields).map { "Extra \($0)" }
        try workspace.write(
            (["Name", "Item ID"] + extras + ["Unit Price"]).joined(separator: ",") + "\n"
                + (["Cocoa", "3"] + extras.map { _ in "" } + ["1.25"]).joined(separator: ",") + "\n",
            toInbox: "items-3.csv")
        let report = try workspace.run()
        #expect(report.ingested.map(\.records) == [1, 1, 1])
        #expect(try Self.items(workspace) == ["1|Tea|2.50", "2|Coffee|4.00", "3|Cocoa|1.25"])
        let objects = try DatabaseQueue(path: workspace.database.path).read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM airlock_raw WHERE record IS NOT NULL")
        }
        #expect(objects == 1)
    }

    @Test func theColumnsOfARejectedFileAreAddedAgainForTheNext() throws {
        let workspace = try TestWorkspace(
            spec: Self.spec.replacingOccurrences(
                of: "unknown_fields: ignore", with: "unknown_fields: ignore, all_or_nothing: true"))
        defer { workspace.remove() }
        let header = "Item ID,Name,Unit Price,Colour,Size\n"
        try workspace.write(header + "1,Tea,2.50,green,S\n2,short\n", toInbox: "items-1.csv")
        try workspace.write(header + "3,Coffee,4.00,black,M\n", toInbox: "items-2.csv")
        let report = try workspace.run()
        #expect(report.rejected.map(\.description).allSatisfy { $0.hasPrefix("items-1.csv: line 3") })
        #expect(report.rejected.count == 1)
        #expect(report.ingested.map(\.name) == ["items-2.csv"])
        #expect(try Self.items(workspace) == ["3|Coffee|4.00"])
    }

    /// A header of `maxFields` names is one `json_object` call of SQLite's most arguments less
    /// one; one name more is a JSON object per record. Both are checked for fields no column
    /// reads, and `infer` reads both.
    @Test func theWidestFieldRowsAreCheckedAndInferredAsJSONObjectsAre() throws {
        for width in [RawRecords.maxFields, RawRecords.maxFields + 1] {
            let workspace = try TestWorkspace(
                spec: Self.spec.replacingOccurrences(of: "unknown_fields: ignore", with: "unknown_fields: warn"))
            defer { workspace.remove() }
            let extras = (4...width).map { "Extra \($0)" }
            let csv =
                (["Item ID", "Name", "Unit Price"] + extras).joined(separator: ",") + "\n"
                + (["1", "Tea", "2.50"] + extras.map { _ in "x" }).joined(separator: ",") + "\n"
            try workspace.write(csv, toInbox: "items-1.csv")
            let report = try workspace.run()
            #expect(report.findings.filter { $0.check == "unknown_fields" }.count == width - 3, "\(width) columns")
            #expect(try Self.items(workspace) == ["1|Tea|2.50"], "\(width) columns")
            let export = workspace.root.appendingPathComponent("items-\(width).csv")
            try csv.write(to: export, atomically: true, encoding: .utf8)
            #expect(try SpecInference.infer(export).columns.count == width, "\(width) columns")
        }
    }

    /// The header check takes `é` spelled as `e` and a combining accent for the spec's `é`; so
    /// do the column reading the field and the check for fields no column reads, in a file of
    /// fields and in one too wide for them.
    @Test func aNameSpelledWithCombiningMarksIsTheSpecsField() throws {
        for extras in [0, RawRecords.maxFields] {
            let workspace = try TestWorkspace(
                spec: Self.spec.replacingOccurrences(of: "unknown_fields: ignore", with: "unknown_fields: warn")
                    .replacingOccurrences(of: "\"Name\"", with: "\"Prénom\"")
                    .replacingOccurrences(
                        of: "      price:", with: "      extra: {from: \"Extra\", type: text}\n      price:"))
            defer { workspace.remove() }
            let names = ["Item ID", "Pre\u{301}nom", "Unit Price", "Extra"] + (0..<extras).map { "Extra \($0)" }
            let values = ["1", "Zoë", "2.50", "x"] + (0..<extras).map { _ in "" }
            try workspace.write(
                names.joined(separator: ",") + "\n" + values.joined(separator: ",") + "\n", toInbox: "items-1.csv")
            let report = try workspace.run()
            #expect(report.findings.filter { $0.check == "unknown_fields" }.count == extras, "\(names.count) columns")
            #expect(try Self.items(workspace) == ["1|Zoë|2.50"], "\(names.count) columns")
        }
    }

    /// Files too wide for rows of fields keep JSON objects under their header's own spelling:
    /// two files spelling `é` in two ways are each read by theirs.
    @Test func wideFilesSpellingANameTwoWaysAreEachReadByTheirOwn() throws {
        let workspace = try TestWorkspace(
            spec: Self.spec.replacingOccurrences(of: "\"Name\"", with: "\"Prénom\""))
        defer { workspace.remove() }
        let extras = (0..<RawRecords.maxFields).map { "Extra \($0)" }
        for (number, name) in [(1, "Pr\u{E9}nom"), (2, "Pre\u{301}nom")] {
            try workspace.write(
                (["Item ID", name, "Unit Price"] + extras).joined(separator: ",") + "\n"
                    + (["\(number)", "Name \(number)", "1.00"] + extras.map { _ in "" }).joined(separator: ",") + "\n",
                toInbox: "items-\(number).csv")
        }
        _ = try workspace.run()
        #expect(try Self.items(workspace) == ["1|Name 1|1.00", "2|Name 2|1.00"])
    }

    private static func items(_ workspace: TestWorkspace) throws -> [String] {
        try DatabaseQueue(path: workspace.database.path).read { db in
            try String.fetchAll(
                db, sql: "SELECT id || '|' || coalesce(name, '') || '|' || price FROM base_items ORDER BY id")
        }
    }
}
