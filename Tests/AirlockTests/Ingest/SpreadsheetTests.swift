import Foundation
import GRDB
import Testing

@testable import AirlockBase
@testable import AirlockProducer
@testable import AirlockSite

/// xlsx drops, made by openpyxl (`Tests/Fixtures/xlsx/make-workbooks.py`), through the real
/// ingest into the workspace's SQLite: one sheet's rows under its header, formulas as their
/// cached results, serial dates in either date system, and every place a cell reference.
@Suite(.tags(.openpyxl), .runsExternalPrograms) struct SpreadsheetTests {
    static func spec(source: String = "", amount: String = "", total: String = "") -> String {
        """
        producer: {key: producer}
        entities:
          orders:
            source: {files: "orders*.xlsx"\(source)}
            key: order_id
            columns:
              order_id: {from: "Order ID", type: text}
              customer: {from: "Customer name", type: text}
              amount: {from: "Amount", type: "decimal(12,2)"\(amount)}
              quantity: {from: "Quantity", type: integer}
              total: {from: "Total", type: "decimal(12,2)"\(total)}
              ordered_on: {from: "Ordered on", type: date}
              paid_at: {from: "Paid at", type: timestamp, zone: Africa/Johannesburg}
              paid: {from: "Paid", type: boolean}
              note: {from: "Note", type: text}

        """
    }

    /// The snapshot of orders.xlsx's Orders sheet: O-1004 is held back for its #N/A cells and
    /// O-1006 for its value beyond the header. 0.1 × 3 was cached as 0.30000000000000004 and
    /// reads as Excel shows it; the times are Johannesburg's (UTC+2), to the millisecond; an
    /// empty cell is empty text, as an empty CSV field is.
    static let orders = [
        "1005|Thandi Nkosi|7.00|1|7.00|2024-01-02|2024-01-02T06:00:00Z|0|number as order id",
        "O-1001|Zoë Müller|12.50|2|25.00|2023-11-01|2023-11-01T10:30:00Z|1|first order",
        "O-1002|Thandi Nkosi|0.10|3|0.30|2024-02-29|2024-02-29T21:59:59.25Z|0|"
    ]

    /// The snapshot's rows as `a|b|…`, NULL spelled out, in key order.
    static func rows(_ workspace: TestWorkspace, of table: String = "base_orders") throws -> [String] {
        try DatabaseQueue(path: workspace.database.path).read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM \(table) ORDER BY 1").map { row in
                row.databaseValues.map { $0.isNull ? "NULL" : String.fromDatabaseValue($0) ?? "\($0)" }
                    .joined(separator: "|")
            }
        }
    }

    @Test func anExcelWorkbookIngestsWithCellReferencesAsPlaces() throws {
        let workspace = try TestWorkspace(spec: Self.spec())
        defer { workspace.remove() }
        try workspace.drop([try Workbooks(in: workspace)("orders.xlsx")])
        let report = try workspace.run()
        #expect(report.rejected.isEmpty, "\(report.rejected)")
        let file = try #require(report.ingested.first)
        // Row 4 is empty and no record; row 7 has a value in J, beyond the header's A to I.
        #expect("\(file.name): \(file.records) read, \(file.unparsed) held back" == "orders.xlsx: 4 read, 1 held back")
        let beyond = "a value beyond the header's 9 columns (A to I)"
        #expect(file.firstUnparsed.map { "\($0.place): \($0.reason)" } == ["Orders!J7: \(beyond)"])
        #expect(
            report.findings.map(\.description) == [
                "orders.xlsx: Orders!C5 ('Amount'): the cell holds the error #N/A; the record is held back",
                "orders.xlsx: Orders!E5 ('Total'): the cell holds the error #N/A; the record is held back"
            ])
        #expect(
            report.findings.map { "\($0.sheet ?? "") \($0.cell ?? "") \($0.line ?? 0)" } == [
                "Orders C5 5", "Orders E5 5"
            ])
        let rows = try Self.rows(workspace)
        #expect(rows == Self.orders)

        guard case let .bundle(_, manifest, _) = report.outcome else {
            Issue.record("no bundle: \(report.outcome)")
            return
        }
        #expect(
            manifest.entities.first?.counts
                == EntityCounts(processed: 5, inserted: 3, quarantined: 1, superseded: 0, failed: 1))
        let status = try WorkspaceStatus(workspace: try Workspace(root: workspace.root.path), listingUnparsed: true)
        #expect(status.unparsed == [.init(file: "orders.xlsx", place: "Orders!J7", reason: beyond)])
        let note = try String(
            contentsOf: workspace.inbox.appendingPathComponent("processed/orders.xlsx.error.txt"), encoding: .utf8)
        #expect(note.contains("held back: orders.xlsx: Orders!J7: \(beyond)"), "\(note)")
    }

    /// A header cell spelling `é` decomposed (e and a combining accent) names the spec's
    /// precomposed field, as the header check takes it and as a CSV header is read: its values
    /// are read, not NULL.
    @Test func aHeaderSpelledDecomposedIsReadAsTheSpecsField() throws {
        let spec = """
            producer: {key: producer}
            entities:
              drinks:
                source: {files: "drinks*.xlsx"}
                key: id
                columns:
                  id: {from: "ID", type: text}
                  cafe: {from: "Caf\u{E9}", type: text}

            """
        let workspace = try TestWorkspace(spec: spec)
        defer { workspace.remove() }
        let book = workspace.root.appendingPathComponent("drinks.xlsx")
        let made = try Shell.run([
            "python3", "-c",
            """
            import sys, openpyxl
            book = openpyxl.Workbook()
            for row in [["ID", "Cafe\\u0301"], ["d-1", "flat white"], ["d-2", "mocha"]]:
                book.active.append(row)
            book.save(sys.argv[1])
            """, book.path
        ])
        #expect(made.status == 0, "\(made.error)")
        try workspace.drop([book])
        let report = try workspace.run()
        #expect(report.rejected.isEmpty, "\(report.rejected)")
        #expect(try Self.rows(workspace, of: "base_drinks") == ["d-1|flat white", "d-2|mocha"])
    }

    @Test func theOtherDateSystemGivesTheSameRows() throws {
        let workspace = try TestWorkspace(spec: Self.spec())
        defer { workspace.remove() }
        try workspace.drop([try Workbooks(in: workspace)("orders-1904.xlsx")])
        let report = try workspace.run()
        #expect(report.rejected.isEmpty, "\(report.rejected)")
        let rows = try Self.rows(workspace)
        #expect(rows == Self.orders)
    }

    @Test func nullsSpellingsAdmitAnErrorCellAsNoValue() throws {
        let nulls = ", nulls: [\"#N/A\"]"
        let workspace = try TestWorkspace(spec: Self.spec(amount: nulls, total: nulls))
        defer { workspace.remove() }
        try workspace.drop([try Workbooks(in: workspace)("orders.xlsx")])
        let report = try workspace.run()
        #expect(report.findings.isEmpty, "\(report.findings)")
        #expect(
            try Self.rows(workspace).filter { $0.hasPrefix("O-1004") } == [
                "O-1004|Zoë Müller|NULL|1|NULL|1904-01-02|1999-12-30T22:00:00Z|1|price missing"
            ])
    }

    @Test func aFindingOnSeveralColumnsNamesTheRowsCells() throws {
        let spec = Self.spec() + "    checks: [{unique: [customer, paid], severity: warn}]\n"
        let workspace = try TestWorkspace(spec: spec)
        defer { workspace.remove() }
        try workspace.drop([try Workbooks(in: workspace)("orders.xlsx")])
        let report = try workspace.run()
        #expect(
            report.findings.filter { $0.severity == .warn }.map(\.place)
                == ["A2:I2", "A3:I3", "A5:I5", "A6:I6"].map { "orders.xlsx: Orders!\($0) ('Customer name, Paid')" })
    }

    @Test func aFieldNoColumnReadsIsNamedByItsFirstCell() throws {
        let spec = Self.spec(source: ", unknown_fields: warn").replacingOccurrences(
            of: "      note: {from: \"Note\", type: text}\n", with: "")
        let workspace = try TestWorkspace(spec: spec)
        defer { workspace.remove() }
        try workspace.drop([try Workbooks(in: workspace)("orders.xlsx")])
        #expect(
            try workspace.run().findings.filter { $0.check == "unknown_fields" }.map(\.place) == [
                "orders.xlsx: Orders!I2 ('Note')"
            ])
    }

    @Test func aSheetIsChosenByNameAndAMissingOneIsNamedWithTheOthers() throws {
        let customers = """
            producer: {key: producer}
            entities:
              customers:
                source: {files: "orders*.xlsx", sheet: customers}
                key: customer_id
                columns:
                  customer_id: {from: "Customer ID", type: text}
                  name: {from: "Name", type: text}
                  since: {from: "Since", type: date}

            """
        let workspace = try TestWorkspace(spec: customers)
        defer { workspace.remove() }
        let workbooks = try Workbooks(in: workspace)
        try workspace.drop([workbooks("orders.xlsx")])
        let report = try workspace.run()
        #expect(report.rejected.isEmpty, "\(report.rejected)")
        #expect(
            try Self.rows(workspace, of: "base_customers") == [
                "C-1|Zoë Müller|2020-05-17", "C-2|Thandi Nkosi|2021-08-09"
            ])

        let other = try TestWorkspace(
            spec: customers.replacingOccurrences(of: "sheet: customers", with: "sheet: Invoices"))
        defer { other.remove() }
        try other.drop([workbooks("orders.xlsx")])
        #expect(
            try other.run().rejected.map(\.description) == [
                "orders.xlsx: no sheet 'Invoices' (source.sheet); the workbook has: 'Orders', 'Customers'"
            ])
    }

    @Test func aHeaderWithoutASpecColumnRejectsTheWorkbook() throws {
        let workspace = try TestWorkspace(
            spec: Self.spec().replacingOccurrences(of: "from: \"Note\"", with: "from: \"Notes\""))
        defer { workspace.remove() }
        try workspace.drop([try Workbooks(in: workspace)("orders.xlsx")])
        #expect(
            try workspace.run().rejected.map(\.description) == [
                "orders.xlsx: sheet 'Orders', row 1: no column 'Notes' (named by entities.orders.columns.note); the header has: 'Order ID', 'Customer name', 'Amount', 'Quantity', 'Total', 'Ordered on', 'Paid at', 'Paid', 'Note'"
            ])
    }

    /// openpyxl's own file, as no spreadsheet program saved it: its strings are inline and its
    /// formulas have no results, which are findings that say how to get them.
    @Test func formulasSavedWithoutTheirResultsAreFindingsThatSaySo() throws {
        let workspace = try TestWorkspace(spec: Self.spec())
        defer { workspace.remove() }
        try workspace.drop([try Workbooks(in: workspace)("uncalculated.xlsx")], renamedTo: ["orders-uncalculated.xlsx"])
        let report = try workspace.run()
        let advice =
            "has no cached value; the workbook was saved without calculating it (open it in a spreadsheet program and save it again)"
        #expect(
            report.findings.map { "\($0.place): \($0.reason)" } == [
                "orders-uncalculated.xlsx: Orders!E2 ('Total'): the formula =C2*D2 \(advice)",
                "orders-uncalculated.xlsx: Orders!E3 ('Total'): the formula =C3*D3 \(advice)",
                "orders-uncalculated.xlsx: Orders!C5 ('Amount'): the cell holds the error #N/A",
                "orders-uncalculated.xlsx: Orders!E5 ('Total'): the formula =C5*D5 \(advice)",
                "orders-uncalculated.xlsx: Orders!E6 ('Total'): the formula =C6*D6 \(advice)"
            ])
    }

    /// A workbook as streaming writers write it: inline strings with rich text runs, formula
    /// strings, no cell references, and a chart sheet first. A sheet name that is not one
    /// word is quoted in places, as Excel quotes it.
    @Test func aStreamingWritersWorkbookReadsByItsWorksheet() throws {
        let workspace = try TestWorkspace(spec: Self.streamedSpec(source: ""))
        defer { workspace.remove() }
        let workbooks = try Workbooks(in: workspace)
        try workspace.drop([workbooks("streamed.xlsx")])
        #expect(
            try workspace.run().rejected.map(\.description) == [
                "streamed.xlsx: sheet 'Chart' holds no cells (a chart sheet); name a worksheet in source.sheet"
            ])

        let named = try TestWorkspace(spec: Self.streamedSpec(source: ", sheet: Q1 Orders"))
        defer { named.remove() }
        try named.drop([workbooks("streamed.xlsx")])
        let report = try named.run()
        #expect(report.rejected.isEmpty, "\(report.rejected)")
        #expect(try Self.rows(named) == ["O-2001|Line one\r|0.001|2024-01-01|R-1"])
        // O-2002, from a formula string, has a negative amount and an error under a header
        // that JSON escapes.
        #expect(
            report.findings.map { "\($0.place): \($0.reason)" } == [
                "streamed.xlsx: 'Q1 Orders'!C3 ('Amount'): '-4.500' is outside the range 0.000 to …",
                "streamed.xlsx: 'Q1 Orders'!E3 ('Ref A\\B'): the cell holds the error #REF!"
            ])
    }

    static func streamedSpec(source: String) -> String {
        """
        producer: {key: producer}
        entities:
          orders:
            source: {files: "streamed*.xlsx"\(source)}
            key: order_id
            columns:
              order_id: {from: "Order ID", type: text}
              customer: {from: "Customer name", type: text}
              amount: {from: "Amount", type: "decimal(12,3)", checks: [{range: {min: 0}}]}
              ordered_on: {from: "Ordered on", type: date}
              ref: {from: 'Ref A\\B', type: text}

        """
    }

    @Test func aWorksheetThatDeclaresEntitiesIsRefused() throws {
        let workspace = try TestWorkspace(spec: Self.streamedSpec(source: ", sheet: Q1 Orders"))
        defer { workspace.remove() }
        try workspace.drop([try Workbooks(in: workspace)("doctype.xlsx")], renamedTo: ["streamed-doctype.xlsx"])
        #expect(
            try workspace.run().rejected.map(\.description) == [
                "streamed-doctype.xlsx: part xl/worksheets/data.xml: it declares a document type, which workbook parts never do"
            ])
    }

    /// A workbook packed in an archive drop is read from a copy (a zip's directory is at its
    /// end), and its bundle applies to real SQLite and PostgreSQL targets.
    @Test(.tags(.postgres, .sqlite3), arguments: SQLDialect.allCases)
    func aWorkbookInAnArchiveBundlesAndApplies(_ dialect: SQLDialect) throws {
        let workspace = try TestWorkspace(spec: Self.spec())
        defer { workspace.remove() }
        let workbook = try Workbooks(in: workspace)("orders.xlsx")
        try ArchiveCrafter.write(
            [.init(name: "export/orders.xlsx", kind: .file(workbook))],
            to: workspace.inbox.appendingPathComponent("drop.tar.gz"))
        let report = try workspace.run()
        #expect(report.ingested.map(\.name) == ["drop.tar.gz!export/orders.xlsx"])
        #expect(
            report.findings.map(\.place) == [
                "drop.tar.gz!export/orders.xlsx: Orders!C5 ('Amount')",
                "drop.tar.gz!export/orders.xlsx: Orders!E5 ('Total')"
            ])
        guard case let .bundle(bundle, _, _) = report.outcome else {
            Issue.record("no bundle: \(report.outcome)")
            return
        }
        let site = try ScriptTarget.fresh(dialect)
        defer { site.remove() }
        let target = try site.target, query = site.query
        let applier = BundleApplier(
            verifier: BundleVerifier(allowedSigners: try AllowedSigners(path: workspace.allowedSigners.path)))
        let outcome = try applier.apply(bundle, to: target, approvals: SiteApprovals())
        #expect(outcome.tableCheck == .matches, "\(outcome.tableCheck)")
        let paid = dialect == .postgres ? "CASE WHEN paid THEN 1 ELSE 0 END" : "paid"
        #expect(
            try query("SELECT order_id, amount, total, ordered_on, \(paid) FROM orders ORDER BY 1") == """
                1005|7.00|7.00|2024-01-02|0
                O-1001|12.50|25.00|2023-11-01|1
                O-1002|0.10|0.30|2024-02-29|0

                """)
    }
}
