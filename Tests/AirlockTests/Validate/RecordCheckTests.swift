import Foundation
import Testing

@testable import AirlockBase
@testable import AirlockProducer
@testable import AirlockSite
@testable import AirlockSpec

/// Each check of the spec on a drop with one offending record: the finding names the file,
/// line, field, check and reason, and the record is held back (quarantine) or proceeds (warn).
@Suite(.tags(.sqlite3), .runsExternalPrograms) struct RecordCheckTests {
    static let spec = """
        producer: {key: producer}
        entities:
          orders:
            source: {files: "orders*.csv"}
            key: order_id
            columns:
              order_id: {from: "Order ID", type: integer}
              email: {from: Email, type: text, trim: true, case: lower, nulls: ["", "N/A"], checks: [not_null, unique, {pattern: '[^@ ]+@[^@ ]+\\.[a-z]+'}]}
              total: {from: Total, type: "decimal(10,2)", thousands: ",", checks: [{range: {min: 0, max: "10000.00"}}]}
              code: {from: Code, type: text, checks: [{length: {min: 2, max: 5}, severity: warn}]}
              status:
                from: Status
                type: enum
                map: {pending: processing, success: delivered}
                values: [processing, delivered, failed, cancelled]
                transitions: {terminal: [delivered, failed, cancelled], allowed: {processing: [delivered, failed, cancelled]}}

        """

    static let header = "Order ID,Email,Total,Code,Status\n"
    static let good = "1,ann@example.com,10.00,AB,pending\n2,bob@example.com,\"1,250.50\",ABC,processing\n"

    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var row: String
        var finding: String
        var severity: Severity
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "type", row: "3,cy@example.com,ten,AB,pending", finding: "type Total 'ten' is not a decimal number",
            severity: .quarantine),
        Case(
            name: "empty key", row: ",cy@example.com,1.00,AB,pending", finding: "key Order ID the key is empty",
            severity: .quarantine),
        Case(
            name: "not_null after a null spelling", row: "3,N/A,1.00,AB,pending",
            finding: "not_null Email no value where one is required", severity: .quarantine),
        Case(
            name: "unique across keys, after case folding", row: "3, ANN@Example.com ,1.00,AB,pending",
            finding: "unique Email 'ann@example.com' is also the value of another record with a different key",
            severity: .quarantine),
        Case(
            name: "pattern", row: "3,not-an-email,1.00,AB,pending",
            finding: "pattern Email 'not-an-email' does not match the pattern [^@ ]+@[^@ ]+\\.[a-z]+",
            severity: .quarantine),
        Case(
            name: "range, exact on decimals", row: "3,cy@example.com,\"10,000.01\",AB,pending",
            finding: "range Total '10000.01' is outside the range 0.00 to 10000.00", severity: .quarantine),
        Case(
            name: "length (warn: the record proceeds)", row: "3,cy@example.com,1.00,ABCDEF,pending",
            finding: "length Code 'ABCDEF' has 6 characters, outside 2 to 5", severity: .warn),
        Case(
            name: "accepted values after the map", row: "3,cy@example.com,1.00,AB,Shipped",
            finding: "accepted Status 'shipped' is not an accepted value (processing, delivered, failed, cancelled)",
            severity: .quarantine)
    ]

    @Test(arguments: cases)
    func oneOffendingRecord(_ example: Case) throws {
        let workspace = try TestWorkspace(spec: Self.spec)
        defer { workspace.remove() }
        try workspace.write(Self.header + Self.good + example.row + "\n", toInbox: "orders.csv")
        let report = try workspace.run()
        let findings = report.findings.map { "\($0.check) \($0.field ?? "") \($0.reason)" }
        // The unique finding names both records that share the value.
        let expected = example.name.hasPrefix("unique") ? [example.finding, example.finding] : [example.finding]
        #expect(findings == expected)
        #expect(report.findings.allSatisfy { $0.severity == example.severity && $0.file == "orders.csv" })
        #expect(report.findings.last?.line == 4)
        guard case let .bundle(_, manifest, _) = report.outcome else {
            Issue.record("the good records still make a bundle")
            return
        }
        let heldBack = example.severity == .quarantine ? (example.name.hasPrefix("unique") ? 2 : 1) : 0
        #expect(manifest.entities[0].counts.quarantined == heldBack)
        #expect(manifest.entities[0].counts.inserted == 3 - heldBack)
    }

    @Test func cleaningAndMappingGiveCanonicalValues() throws {
        let workspace = try TestWorkspace(spec: Self.spec)
        defer { workspace.remove() }
        try workspace.write(Self.header + "7,  Zoë@Example.COM\t,\"1,234.5\",XY,Success\n", toInbox: "orders.csv")
        let report = try workspace.run()
        #expect(report.findings.isEmpty, "\(report.findings.map(\.description)) \(report.rejected)")
        let rows = try Shell.run(["sqlite3", workspace.database.path, "SELECT email, total, status FROM base_orders"])
        #expect(rows.output == "zoë@example.com|1234.50|delivered\n")
    }

    @Test func aRowLeavesNoTerminalStateAndMovesOnlyAsAllowed() throws {
        let workspace = try TestWorkspace(spec: Self.spec)
        defer { workspace.remove() }
        try workspace.write(
            Self.header + "1,ann@example.com,10.00,AB,success\n2,bob@example.com,5.00,AB,pending\n",
            toInbox: "orders-1.csv")
        _ = try workspace.run()
        try workspace.write(
            Self.header + "1,ann@example.com,10.00,AB,pending\n2,bob@example.com,5.00,AB,cancelled\n",
            toInbox: "orders-2.csv")
        let report = try workspace.run()
        #expect(
            report.findings.map { "\($0.check) \($0.place): \($0.reason)" } == [
                "transition orders-2.csv: line 2: field 'Status': moves from 'delivered' to 'processing', out of a terminal state"
            ])
        guard case let .bundle(_, manifest, _) = report.outcome else {
            Issue.record("the allowed move of order 2 makes a bundle")
            return
        }
        #expect(manifest.entities[0].counts.updated == 1)
        #expect(manifest.entities[0].counts.quarantined == 1)
        let rows = try Shell.run([
            "sqlite3", workspace.database.path, "SELECT order_id, status FROM base_orders ORDER BY 1"
        ])
        #expect(rows.output == "1|delivered\n2|cancelled\n")
    }

    @Test func transitionsOutsideTheAllowedOnesAreFindingsToo() throws {
        let workspace = try TestWorkspace(
            spec: Self.spec.replacingOccurrences(
                of: "allowed: {processing: [delivered, failed, cancelled]}", with: "allowed: {processing: [delivered]}")
        )
        defer { workspace.remove() }
        try workspace.write(Self.header + "2,bob@example.com,5.00,AB,pending\n", toInbox: "orders-1.csv")
        _ = try workspace.run()
        try workspace.write(Self.header + "2,bob@example.com,5.00,AB,failed\n", toInbox: "orders-2.csv")
        let report = try workspace.run()
        #expect(
            report.findings.map(\.reason) == ["moves from 'processing' to 'failed', not an allowed transition"],
            "\(report.findings.map(\.description)) \(report.rejected)")
    }

    @Test func columnsCanBeUniqueTogether() throws {
        let workspace = try TestWorkspace(
            spec: """
                producer: {key: producer}
                entities:
                  people:
                    source: {files: "people*.csv"}
                    key: id
                    checks: [{unique: [first_name, last_name], severity: warn}]
                    columns:
                      id: integer
                      first_name: {from: "First name", type: text}
                      last_name: {from: "Last name", type: text}

                """)
        defer { workspace.remove() }
        try workspace.write(
            "id,First name,Last name\n1,Ann,Lee\n2,Ann,Kim\n3,Ann,Lee\n3,Ann,Lee\n", toInbox: "people.csv")
        let report = try workspace.run()
        // Record 4 repeats key 3 (dedupe's business); records 1 and 3 are two keys with one name.
        #expect(
            report.findings.map { "\($0.line!) \($0.check) \($0.field!) \($0.reason)" } == [
                "2 unique First name, Last name [\"Ann\",\"Lee\"] is also the value of another record with a different key",
                "4 unique First name, Last name [\"Ann\",\"Lee\"] is also the value of another record with a different key",
                "5 unique First name, Last name [\"Ann\",\"Lee\"] is also the value of another record with a different key"
            ])
        #expect(report.findings.allSatisfy { $0.severity == .warn })
    }
}
