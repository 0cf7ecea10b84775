import Foundation
import GRDB
import Logging
import Testing

@testable import AirlockProducer
@testable import AirlockSpec

/// `airlock init` on exports as analysts get them: the spec it writes, used as is, bundles every
/// record of the first run, typed, with names, cities and IDs as the export wrote them.
@Suite(.runsExternalPrograms) struct InitTests {
    /// A shop's order export: day-first dates, quoted amounts with digit groups, statuses in
    /// mixed case and two spellings, customers' names, cities with spaces, codes with digits.
    static let orders = """
        Order ID,Customer,City,Supplier,Order date,Total,Status
        SO-1001,Thandi Nkosi,Cape Town,SUP-2,22/07/2026,"1,234.50",Shipped
        SO-1002,Pieter van der Merwe,Port Elizabeth,SUP-2,03/07/2026,99.00,shipped
        SO-1003,Aisha Patel,Cape Town,SUP-7,01/08/2026,"12,000.00",Cancelled
        SO-1004,Sipho Dlamini,Durban,SUP-7,15/08/2026,450.75,Canceled
        SO-1005,Lerato Mokoena,Cape Town,SUP-2,09/08/2026,"2,500.00",Cancelled
        SO-1006,Johan Botha,Durban,SUP-9,30/06/2026,10.00,Pending
        SO-1007,Nomsa Khumalo,Port Elizabeth,SUP-9,02/07/2026,75.25,pending

        """

    /// An API dump: snake_case keys, nested objects, the records inside an envelope.
    static let customers = """
        {"data": {"items": [
          {"customer_id": "c-101", "full_name": "Ana García", "created_at": "2026-11-01 09:30:00",
           "weight_kg": 72.5, "address": {"city_name": "Cape Town", "post-code": "8001"}, "e-mail": " Ana@Example.COM "},
          {"customer_id": "c-102", "full_name": "Bongani Zulu", "created_at": "2026-11-02 14:05:00",
           "weight_kg": 80, "address": {"city_name": "Johannesburg", "post-code": "2001"}, "e-mail": "bongani@example.com"},
          {"customer_id": "c-103", "full_name": "Chen Wei", "created_at": "2026-11-03 08:00:00",
           "weight_kg": 65.25, "address": {"city_name": "Cape Town", "post-code": "8005"}, "e-mail": "chen@example.com"}
        ]}}

        """

    /// Order lines: neither the order nor the line number names one line alone.
    static let lines = """
        order_id,line_no,sku,quantity,unit_price
        SO-1001,1,SKU-17,2,10.00
        SO-1001,2,SKU-18,1,5.50
        SO-1002,1,SKU-17,3,10.00
        SO-1002,2,SKU-20,1,7.25
        SO-1003,1,SKU-18,4,5.50

        """

    @Test func ordersCSVWithDayFirstDatesDigitGroupsAndCities() throws {
        let (rows, yaml) = try initAndRun(file: "orders-2026-08-15.csv", Self.orders, entity: "orders")
        #expect(yaml.contains("files: \"orders*.csv\""))
        #expect(yaml.contains("format: \"%d/%m/%Y\""))
        #expect(yaml.contains("thousands: \",\""))
        #expect(rows.count == 7)
        let first = rows.first { $0["order_id"] == "SO-1001" }!
        #expect(first["order_date"] == "2026-07-22")
        #expect(first["total"] == "1234.50")
        #expect(first["customer"] == "Thandi Nkosi")
        #expect(first["city"] == "Cape Town")
        #expect(first["supplier"] == "SUP-2")
        #expect(first["status"] == "shipped")
        #expect(rows.first { $0["order_id"] == "SO-1004" }!["status"] == "cancelled")
    }

    @Test func jsonDumpWithSnakeCaseKeysAndNestedObjects() throws {
        let (rows, yaml) = try initAndRun(file: "customers.json", Self.customers, entity: "customers")
        #expect(yaml.contains("records: \"data.items\""))
        #expect(rows.count == 3)
        let ana = rows.first { $0["customer_id"] == "c-101" }!
        #expect(ana["full_name"] == "Ana García")
        #expect(ana["created_at"] == "2026-11-01T09:30:00Z")
        #expect(ana["weight_kg"] == "72.50")
        #expect(ana["address_city_name"] == "Cape Town")
        #expect(ana["address_post_code"] == "8001")
        #expect(ana["e_mail"] == "ana@example.com")
    }

    @Test func orderLinesGetACompositeKey() throws {
        let (rows, yaml) = try initAndRun(file: "order-lines.csv", Self.lines, entity: "order_lines")
        #expect(yaml.contains("key: [order_id, line_no]"))
        #expect(yaml.contains("files: \"order-lines*.csv\""))
        #expect(rows.count == 5)
        #expect(rows.allSatisfy { $0["sku"]!.hasPrefix("SKU-") })
    }

    /// In three lines a quantity happens to be unique; the key-like fields together still win.
    @Test func keyLikeFieldsWinOverAnAccidentallyUniqueOne() throws {
        let folder = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let export = folder.appendingPathComponent("order-lines.csv")
        try String(Self.lines.split(separator: "\n").prefix(4).joined(separator: "\n") + "\n")
            .write(to: export, atomically: true, encoding: .utf8)
        let proposal = try SpecInference.infer(export)
        #expect(proposal.key == ["order_id", "line_no"])
    }

    @Test func refusesToOverwriteASpec() throws {
        let folder = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let export = folder.appendingPathComponent("order-lines.csv")
        try Self.lines.write(to: export, atomically: true, encoding: .utf8)
        #expect(try AirlockProcess.run(["init", folder.path, export.path]).status == 0)
        let again = try AirlockProcess.run(["init", folder.path, export.path])
        #expect(again.status == 64)
        #expect(again.error.contains("airlock.yml already exists"))
    }

    /// Inits a workspace from one export, runs it once in-process and returns the baseline's
    /// rows as text, with the spec init wrote.
    private func initAndRun(file: String, _ text: String, entity: String) throws -> ([[String: String]], String) {
        let folder = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let export = folder.appendingPathComponent(file)
        try text.write(to: export, atomically: true, encoding: .utf8)
        let root = folder.appendingPathComponent("demo")
        let made = try AirlockProcess.run(["init", root.path, export.path])
        #expect(made.status == 0, "\(made.error)")
        let yaml = try String(contentsOf: root.appendingPathComponent("airlock.yml"), encoding: .utf8)
        let report = try Producer(workspace: try Workspace(root: root.path), logger: .test).runOnce()
        #expect(report.rejected.isEmpty, "\(report.rejected)\n\(yaml)")
        #expect(report.findings.isEmpty, "\(report.findings.map(\.description))\n\(yaml)")
        guard case let .bundle(_, manifest, _) = report.outcome else {
            Issue.record("no bundle from \(file):\n\(yaml)")
            return ([], yaml)
        }
        let counts = manifest.entities.first { $0.name == entity }?.counts
        #expect(counts?.inserted == report.ingested.first?.records, "\(yaml)")
        #expect((counts?.superseded ?? 0) == 0 && counts?.quarantined == 0)
        let database = root.appendingPathComponent(".airlock/workspace.sqlite")
        let rows = try DatabaseQueue(path: database.path).read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM \"base_\(entity)\"").map { row in
                Dictionary(uniqueKeysWithValues: row.columnNames.map { ($0, Self.text(row[$0])) })
            }
        }
        return (rows, yaml)
    }

    private static func text(_ value: DatabaseValue) -> String {
        switch value.storage {
        case let .string(text): return text
        case let .int64(number): return "\(number)"
        case let .double(number): return "\(number)"
        case .blob: return "(blob)"
        case .null: return "NULL"
        }
    }

    static func scratch() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("airlock-init-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }
}
