import Foundation
import Testing

@testable import AirlockProducer

/// Checks and corrections on whole entities: thresholds and foreign keys block the bundle,
/// overrides correct the source and keep what it said, dedupe keeps the declared winner.
@Suite(.tags(.sqlite3), .runsExternalPrograms) struct EntityCheckTests {
    static let spec = """
        producer: {key: producer}
        entities:
          products:
            source: {files: "products*.csv"}
            key: product_id
            thresholds: {min_rows: 2, max_delete_share: 0.5}
            dedupe: {latest: updated_at}
            overrides:
              - when: "product_type = 'bill_payment'"
                set: {pinned: true}
                note: the API reports pinned=false for every bill-payment product
            columns:
              product_id: {from: id, type: text}
              product_type: {from: type, type: enum}
              pinned: boolean
              updated_at: timestamp
          payments:
            source: {files: "payments*.csv"}
            key: payment_id
            columns:
              payment_id: integer
              product_id: {type: text, references: products}

        """
    static let products =
        "id,type,pinned,updated_at\nP-1,bill-payment,false,2026-11-01\nP-2,airtime,false,2026-11-01\nP-3,data,true,2026-11-01\n"

    private func rows(_ workspace: TestWorkspace, _ sql: String) throws -> String {
        try Shell.run(["sqlite3", workspace.database.path, sql]).output
    }

    @Test func overridesCorrectTheSourceAndKeepWhatItSaid() throws {
        let workspace = try TestWorkspace(spec: Self.spec)
        defer { workspace.remove() }
        try workspace.write(Self.products, toInbox: "products-1.csv")
        guard case let .bundle(file, _, _) = try workspace.run().outcome else {
            throw ShellError(description: "no bundle")
        }
        #expect(
            try rows(workspace, "SELECT product_id, pinned, pinned_source FROM base_products ORDER BY 1")
                == "P-1|1|0\nP-2|0|0\nP-3|1|1\n")
        let changes = try String(
            contentsOf: try Shell.extract(file).appendingPathComponent("changes/products.ndjson"), encoding: .utf8)
        #expect(
            changes.drop { $0 != "\n" }.dropFirst().hasPrefix(
                #"{"op":"insert","key":{"product_id":"P-1"},"after":{"product_type":"bill_payment","pinned":true,"pinned_source":false,"#
            ), "\(changes)")
        // The same export again: the override gives the same row, so nothing changes.
        try workspace.write(Self.products + "\n", toInbox: "products-2.csv")
        #expect(try workspace.run().outcome == .noChanges)
    }

    @Test func theLatestRecordOfAKeyWins() throws {
        let workspace = try TestWorkspace(spec: Self.spec)
        defer { workspace.remove() }
        try workspace.write(
            Self.products + "P-2,airtime,true,2026-11-05\nP-2,airtime,false,2026-10-01\n", toInbox: "products-1.csv")
        guard case let .bundle(_, manifest, _) = try workspace.run().outcome else {
            throw ShellError(description: "no bundle")
        }
        #expect(
            try rows(workspace, "SELECT pinned, updated_at FROM base_products WHERE product_id = 'P-2'")
                == "1|2026-11-05T00:00:00Z\n")
        #expect(manifest.entities[0].counts.superseded == 2)
        #expect(manifest.entities[0].counts.inserted == 3)
    }

    @Test func thresholdsBlockTheBundle() throws {
        let workspace = try TestWorkspace(spec: Self.spec)
        defer { workspace.remove() }
        try workspace.write(Self.products, toInbox: "products-1.csv")
        _ = try workspace.run()
        try workspace.write("id,type,pinned,updated_at\nP-1,bill-payment,false,2026-11-01\n", toInbox: "products-2.csv")
        let report = try workspace.run()
        guard case let .blocked(findings) = report.outcome else {
            throw ShellError(description: "not blocked: \(report.outcome)")
        }
        #expect(
            findings.map(\.description) == [
                "products: the snapshot holds 1 rows, fewer than thresholds.min_rows 2; no bundle is written",
                "products: 2 of 3 rows would be deleted (66.7%), more than thresholds.max_delete_share 0.5; no bundle is written"
            ])
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: workspace.root.appendingPathComponent("outbox").path)
                == ["bundle-000001.tar.gz"])
        #expect(
            try rows(workspace, "SELECT count(*) FROM base_products") == "3\n")
        let saved = try JSONDecoder().decode(
            ValidationReport.self,
            from: Data(contentsOf: workspace.root.appendingPathComponent(".airlock/validation.json")))
        #expect(saved.findings == report.findings)
    }

    @Test func aReferenceToNoParentBlocksTheBundle() throws {
        let workspace = try TestWorkspace(spec: Self.spec)
        defer { workspace.remove() }
        try workspace.write(Self.products, toInbox: "products-1.csv")
        try workspace.write("payment_id,product_id\n1,P-1\n2,P-9\n", toInbox: "payments-1.csv")
        let report = try workspace.run()
        guard case let .blocked(findings) = report.outcome else {
            throw ShellError(description: "not blocked: \(report.outcome)")
        }
        #expect(findings.map(\.reason) == ["payment_id=2: product_id P-9 names no row of products"])
        // The blocked drop's files are set aside; the products again and corrected payments pass.
        try workspace.write(Self.products, toInbox: "products-1.csv")
        try workspace.write("payment_id,product_id\n1,P-1\n", toInbox: "payments-2.csv")
        guard case .bundle = try workspace.run().outcome else { throw ShellError(description: "no bundle") }
        // A parent the drop deletes while a child still names it blocks too.
        try workspace.write(
            "id,type,pinned,updated_at\nP-2,airtime,false,2026-11-01\nP-3,data,true,2026-11-01\n",
            toInbox: "products-2.csv")
        guard case let .blocked(orphaned) = try workspace.run().outcome else {
            throw ShellError(description: "not blocked")
        }
        #expect(orphaned.map(\.reason) == ["payment_id=1: product_id P-1 names no row of products"])
    }

    @Test func derivedColumnsAndDeclaredTimestampsFeedTheOverrides() throws {
        let workspace = try TestWorkspace(
            spec: """
                producer: {key: producer}
                entities:
                  products:
                    source: {files: "products*.csv"}
                    key: product_id
                    overrides: [{when: "product_type = 'bill_payment'", set: {pinned: true}}]
                    columns:
                      product_id: {from: ID, type: text}
                      description: {from: Description, type: text}
                      product_type: {type: enum, derive: "CASE WHEN description LIKE '%prepaid%' THEN 'Bill Payment' WHEN description LIKE '%airtime%' THEN 'airtime' END"}
                      pinned: {from: Pinned, type: boolean}
                      listed_at: {from: Listed, type: timestamp, format: "%d/%m/%Y %H:%M", zone: Africa/Johannesburg}
                      launch: {from: Launch, type: date, format: "%d %b %Y"}

                """)
        defer { workspace.remove() }
        try workspace.write(
            "ID,Description,Pinned,Listed,Launch\nP-1,City Power prepaid,no,05/11/2026 10:30,01 Mar 2026\nP-2,R29 airtime,no,06/11/2026 00:15,\nP-3,Gift card,yes,2026-11-07,01 Mar 2026\n",
            toInbox: "products.csv")
        let report = try workspace.run()
        #expect(
            report.findings.map(\.description) == [
                "products.csv: line 4: field 'Listed': '2026-11-07' does not follow the format %d/%m/%Y %H:%M; the record is held back"
            ])
        #expect(
            try rows(
                workspace,
                "SELECT product_id, product_type, pinned, pinned_source, listed_at, launch FROM base_products ORDER BY 1"
            ) == """
                P-1|bill_payment|1|0|2026-11-05T08:30:00Z|2026-03-01
                P-2|airtime|0|0|2026-11-05T22:15:00Z|

                """)
    }
}
