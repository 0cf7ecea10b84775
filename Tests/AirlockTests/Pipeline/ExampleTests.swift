import Foundation
import Testing

@testable import AirlockBase
@testable import AirlockProducer
@testable import AirlockSite

/// The repository's whole example (products, payments, contacts, orders and the profiles
/// model) through two drops, applied to real SQLite and PostgreSQL targets, each checked
/// by its bundle's verify.sql.
@Suite(.tags(.postgres, .sqlite3), .runsExternalPrograms) struct ExampleTests {
    static let firstDrop = ["products.json", "payments.csv", "contacts.ndjson", "orders.csv"]
        .map { TestWorkspace.repository.appendingPathComponent("inbox/\($0)") }
    static let secondDrop = ["products.json", "payments.csv", "orders.csv"]
        .map { TestWorkspace.fixtures.appendingPathComponent("drop2/\($0)") }

    @Test(arguments: SQLDialect.allCases)
    func everyFeatureOfTheExampleAppliesAndVerifies(_ dialect: SQLDialect) throws {
        let workspace = try TestWorkspace()
        defer { workspace.remove() }
        try workspace.drop(Self.firstDrop)
        let first = try workspace.run()
        #expect(
            first.findings.map { "\($0.severity) \($0.check) \($0.entity)" } == [
                "quarantine pattern contacts", "warn consistency orders"
            ])
        try workspace.drop(Self.secondDrop)
        let second = try workspace.run()
        #expect(
            second.findings.map(\.description) == [
                "orders.csv: line 2: field 'Status': moves from 'delivered' to 'processing', out of a terminal state; the record is held back"
            ])
        let bundles = [first, second].compactMap { report -> URL? in
            guard case let .bundle(file, _, _) = report.outcome else { return nil }
            return file
        }
        #expect(bundles.count == 2)

        let site = try ScriptTarget.fresh(dialect)
        defer { site.remove() }
        let target = try site.target, query = site.query
        let applier = BundleApplier(
            verifier: BundleVerifier(allowedSigners: try AllowedSigners(path: workspace.allowedSigners.path)))
        for bundle in bundles {
            let outcome = try applier.apply(bundle, to: target, approvals: SiteApprovals())
            #expect(outcome.tableCheck == .matches, "\(bundle.lastPathComponent): \(outcome.tableCheck)")
        }
        #expect(
            try query("SELECT order_id, email, status FROM orders ORDER BY 1") == """
                O-1|thandi.nkosi@example.com|delivered
                O-2|lerato@example.com|delivered
                O-3|thandi.nkosi@example.com|cancelled

                """)
        #expect(
            try query("SELECT contact_id, email, orders, delivered FROM profiles ORDER BY 1")
                == "C-1|thandi.nkosi@example.com|2|1\nC-2|lerato@example.com|1|1\n")
        let pinned =
            dialect == .postgres
            ? "CASE WHEN pinned THEN 1 ELSE 0 END, CASE WHEN pinned_source THEN 1 ELSE 0 END" : "pinned, pinned_source"
        #expect(
            try query("SELECT product_id, \(pinned) FROM products ORDER BY 1")
                == "P-100|1|0\nP-102|0|0\nP-103|1|1\nP-104|0|0\n")
    }
}
