import Foundation
import Testing

@testable import AirlockProducer
@testable import AirlockSite
@testable import AirlockSpec

/// `source.unknown_fields` and `source.missing_fields`: a field the spec does not read, and a
/// field it reads that no record of a file holds, are findings with their severity, on the
/// first record that shows them; a renamed field's finding names the new name.
@Suite struct SourceContractTests {
    static func spec(format: String = "ndjson", contract: String = "") -> String {
        """
        producer: {key: producer}
        entities:
          products:
            source: {files: "products*.\(format)"\(contract)}
            key: sku
            columns: {sku: text, name: text, price: "decimal(8,2)"}

        """
    }

    @Test(arguments: [(nil, 0), ("warn", 1), ("block", 1)] as [(String?, Int)])
    func aFieldTheSpecDoesNotReadIsReportedAsTheSpecSays(severity: String?, findings: Int) throws {
        let workspace = try TestWorkspace(spec: Self.spec(contract: severity.map { ", unknown_fields: \($0)" } ?? ""))
        defer { workspace.remove() }
        try workspace.write(
            """
            {"sku": "P1", "name": "One", "price": "1.00"}
            {"sku": "P2", "name": "Two", "price": "2.00", "colour": "red"}

            """, toInbox: "products-1.ndjson")
        let report = try workspace.run()
        #expect(report.findings.count == findings)
        if let finding = report.findings.first {
            #expect(finding.check == "unknown_fields" && finding.field == "colour" && finding.line == 2)
            #expect(finding.file == "products-1.ndjson" && finding.severity.rawValue == severity)
            #expect(finding.reason.contains("set source.unknown_fields: ignore"))
        }
        if severity == "block" {
            guard case .blocked = report.outcome else {
                Issue.record("not blocked: \(report.outcome)")
                return
            }
        } else {
            guard case .bundle = report.outcome else {
                Issue.record("no bundle: \(report.outcome)")
                return
            }
        }
    }

    @Test func aCSVHeaderWithAnExtraColumnIsReportedOnItsFirstRecord() throws {
        let workspace = try TestWorkspace(spec: Self.spec(format: "csv", contract: ", unknown_fields: warn"))
        defer { workspace.remove() }
        try workspace.write("sku,name,price,Colour\nP1,One,1.00,red\nP2,Two,2.00,blue\n", toInbox: "products-1.csv")
        let report = try workspace.run()
        #expect(report.findings.map(\.field) == ["Colour"])
        #expect(report.findings.first?.line == 2)
    }

    /// The second export calls `name` `title`: a warning by default that says where the values went,
    /// and, with `missing_fields: block`, no bundle.
    @Test(arguments: [false, true]) func aRenamedFieldIsMissingWithAHintWhereItWent(blocks: Bool) throws {
        let workspace = try TestWorkspace(spec: Self.spec(contract: blocks ? ", missing_fields: block" : ""))
        defer { workspace.remove() }
        try workspace.write(
            """
            {"sku": "P1", "name": "One", "price": "1.00"}
            {"sku": "P2", "name": "Two", "price": "2.00"}
            {"sku": "P3", "name": "Three", "price": "3.00"}

            """, toInbox: "products-1.ndjson")
        #expect(try workspace.run().findings.isEmpty)
        try workspace.write(
            """
            {"sku": "P1", "title": "One", "price": "1.00"}
            {"sku": "P2", "title": "Two", "price": "2.50"}
            {"sku": "P3", "title": "Three, new", "price": "3.00"}

            """, toInbox: "products-2.ndjson")
        let report = try workspace.run()
        #expect(
            report.findings.map(\.reason) == [
                "no record of the file holds 'name', which column name reads; its values are under 'title' now (2 of 3 rows the baseline holds): set entities.products.columns.name.from: title"
            ])
        #expect(report.findings.first?.line == 1 && report.findings.first?.check == "missing_fields")
        if blocks {
            guard case .blocked = report.outcome else {
                Issue.record("not blocked: \(report.outcome)")
                return
            }
        }
    }

    @Test func withNoBaselineTheHintIsBySpelling() throws {
        let workspace = try TestWorkspace(spec: Self.spec())
        defer { workspace.remove() }
        try workspace.write(
            #"{"sku": "P1", "name": "One", "prices": "1.00", "notes": "x"}"# + "\n", toInbox: "products-1.ndjson")
        let report = try workspace.run()
        #expect(
            report.findings.map(\.reason) == [
                "no record of the file holds 'price', which column price reads; if the source renamed it 'prices', set entities.products.columns.price.from: prices"
            ])
    }

    @Test func aFieldHeldAsNullIsNotMissing() throws {
        let workspace = try TestWorkspace(spec: Self.spec(contract: ", missing_fields: block"))
        defer { workspace.remove() }
        try workspace.write(#"{"sku": "P1", "name": null, "price": "1.00"}"# + "\n", toInbox: "products-1.ndjson")
        let report = try workspace.run()
        #expect(report.findings.isEmpty)
    }

    @Test func theSpecRefusesSeveritiesThatDoNotApply() throws {
        for (contract, message) in [
            (", unknown_fields: quarantine", "expected ignore (the default), warn or block"),
            (", missing_fields: ignore", "expected warn (the default) or block")
        ] {
            #expect {
                _ = try Spec.parse(yaml: Self.spec(contract: contract))
            } throws: { error in
                "\(error)".contains(message)
            }
        }
    }
}
