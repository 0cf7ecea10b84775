import Foundation
import Testing

@testable import AirlockBase
@testable import AirlockProducer
@testable import AirlockSite

/// `references: {entity: …, severity: quarantine}`: an orphan child is held back and the rest of
/// the drop is bundled; a parent deleted while a child still names it keeps its row. The
/// bundles apply under enforced foreign keys. With the default severity the orphan blocks.
@Suite(.tags(.postgres, .sqlite3), .runsExternalPrograms) struct ReferenceSeverityTests {
    static func spec(severity: String?) -> String {
        let reference = severity.map { "{entity: customers, severity: \($0)}" } ?? "customers"
        return """
            producer: {key: producer}
            entities:
              customers:
                source: {files: "customers*.csv"}
                key: customer_id
                category: tier
                columns: {customer_id: text, tier: enum}
              orders:
                source: {files: "orders*.csv"}
                key: order_id
                columns:
                  order_id: text
                  customer_id: {type: text, references: \(reference)}

            """
    }

    @Test func anOrphanIsHeldBackAndADeletedParentThatIsStillNamedKeepsItsRow() throws {
        let workspace = try TestWorkspace(spec: Self.spec(severity: "quarantine"))
        defer { workspace.remove() }
        try workspace.write("customer_id,tier\nC-1,gold\nC-2,basic\n", toInbox: "customers-1.csv")
        try workspace.write("order_id,customer_id\nO-1,C-1\nO-2,C-9\nO-3,C-2\n", toInbox: "orders-1.csv")
        let first = try workspace.run()
        guard case let .bundle(firstFile, firstManifest, _) = first.outcome else {
            Issue.record("no first bundle: \(first.outcome)")
            return
        }
        #expect(
            first.findings.map(\.reason) == ["order_id='O-2': customer_id 'C-9' names no row of customers"])
        #expect(first.findings.first?.file == "orders-1.csv" && first.findings.first?.line == 3)
        let orders = firstManifest.entities.first { $0.name == "orders" }!.counts
        #expect(orders == EntityCounts(processed: 3, inserted: 2, quarantined: 1, superseded: 0, failed: 0))

        // The next export of customers lacks C-1, which O-1 still names: C-1 stays; C-3 is new.
        try workspace.write("customer_id,tier\nC-2,basic\nC-3,gold\n", toInbox: "customers-2.csv")
        let second = try workspace.run()
        guard case let .bundle(secondFile, secondManifest, _) = second.outcome else {
            Issue.record("no second bundle: \(second.outcome)")
            return
        }
        #expect(
            second.findings.map(\.reason) == [
                "customer_id='C-1': the drop deletes it, but orders order_id='O-1' still names it in customer_id; the row is kept"
            ])
        let customers = secondManifest.entities.first { $0.name == "customers" }!
        #expect(customers.counts == EntityCounts(processed: 2, inserted: 1, unchanged: 1, superseded: 0, failed: 0))
        #expect(customers.categories?.allSatisfy { $0.counts.processed == $0.counts.outcomes } == true)
        #expect(secondManifest.entities.map(\.name) == ["customers"])

        // Both bundles apply where the foreign keys are enforced, and verify.
        for dialect in SQLDialect.allCases {
            let target = try ScriptTarget.fresh(dialect)
            for file in [firstFile, secondFile] {
                let folder = try Shell.extract(file)
                for script in [BundleScript.upsert, .verify] {
                    let result = try target.run(
                        folder.appendingPathComponent(BundleLayout.script(script, for: dialect)))
                    #expect(result.status == 0, "\(dialect) \(file.lastPathComponent) \(script): \(result.error)")
                }
            }
        }
    }

    @Test func anOrphanBlocksUnderTheDefaultSeverity() throws {
        let workspace = try TestWorkspace(spec: Self.spec(severity: nil))
        defer { workspace.remove() }
        try workspace.write("customer_id,tier\nC-1,gold\n", toInbox: "customers-1.csv")
        try workspace.write("order_id,customer_id\nO-1,C-1\nO-2,C-9\n", toInbox: "orders-1.csv")
        let report = try workspace.run()
        guard case let .blocked(findings) = report.outcome else {
            Issue.record("not blocked: \(report.outcome)")
            return
        }
        #expect(findings.map(\.reason) == ["order_id='O-2': customer_id C-9 names no row of customers"])
    }
}
