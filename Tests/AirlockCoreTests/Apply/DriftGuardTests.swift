@testable import AirlockCore
import Foundation
import Testing

/// A target row edited by hand between bundles stops the next bundle before it changes
/// anything, and the error names the key. Bundle 2 updates P-100 and P-103, deletes P-101,
/// inserts P-104 and leaves P-102 alone.
@Suite struct DriftGuardTests {
    private struct Case {
        let edit: String
        let drifted: [String]
    }

    private static let cases = [
        Case(edit: "UPDATE products SET name = 'Edited on site' WHERE product_id = 'P-100'", drifted: ["product_id=P-100"]),
        Case(edit: "DELETE FROM products WHERE product_id = 'P-101'", drifted: ["product_id=P-101"]),
        Case(edit: "INSERT INTO products (product_id, name) VALUES ('P-104', 'Added on site')", drifted: ["product_id=P-104"]),
        Case(edit: "UPDATE products SET currency = 'USD' WHERE product_id IN ('P-100', 'P-103')", drifted: ["product_id=P-100", "product_id=P-103"]),
    ]

    @Test func sqliteTargetThatDriftedIsRefusedWithTheKeys() throws {
        let fixture = try TrustFixture.shared.get()
        let applier = BundleApplier(verifier: try fixture.verifier())
        for driftCase in Self.cases {
            let path = fixture.file("drift.sqlite")
            try FileManager.default.copyItem(at: fixture.targetAtOne, to: path)
            #expect(try Shell.run(["sqlite3", path.path, driftCase.edit]).status == 0)
            let before = try Shell.run(["sqlite3", path.path, ".dump"]).output
            let target = Target.sqlite(path: path.path)
            #expect {
                try applier.apply(fixture.bundle2, to: target, approvals: ApprovalPolicy())
            } throws: { error in
                guard case let TargetError.scriptFailed(_, reason) = error else { return false }
                return reason.contains("products: target rows differ from what bundle 000002 expects")
                    && driftCase.drifted.allSatisfy { reason.contains("airlock: products: drifted: \($0)") }
            }
            #expect(try Shell.run(["sqlite3", path.path, ".dump"]).output == before, "\(driftCase.edit)")
        }
    }

    @Test func postgresTargetThatDriftedIsRefusedWithTheKeys() throws {
        let fixture = try TrustFixture.shared.get()
        let applier = BundleApplier(verifier: try fixture.verifier())
        for driftCase in Self.cases {
            let postgres = try Postgres.freshDatabase()
            let target = try Target("postgres:" + postgres.conninfo)
            _ = try applier.apply(fixture.bundle1, to: target, approvals: ApprovalPolicy())
            _ = try postgres.query(driftCase.edit)
            let before = try postgres.query("SELECT * FROM products ORDER BY 1") + (try postgres.query("SELECT count(*) FROM airlock_ledger"))
            #expect {
                try applier.apply(fixture.bundle2, to: target, approvals: ApprovalPolicy())
            } throws: { error in
                guard case let TargetError.scriptFailed(_, reason) = error else { return false }
                return reason.contains("\(driftCase.drifted.count) drifted row(s): \(driftCase.drifted.joined(separator: "; "))")
            }
            #expect(try postgres.query("SELECT * FROM products ORDER BY 1") + (try postgres.query("SELECT count(*) FROM airlock_ledger")) == before)
        }
    }

    /// Rows the bundle does not touch may differ: the guard checks only what the bundle changes,
    /// and verify.sql reports the difference afterwards.
    @Test func editsToUntouchedRowsDoNotStopABundle() throws {
        let fixture = try TrustFixture.shared.get()
        let applier = BundleApplier(verifier: try fixture.verifier())
        let path = fixture.file("untouched.sqlite")
        try FileManager.default.copyItem(at: fixture.targetAtOne, to: path)
        #expect(try Shell.run(["sqlite3", path.path, "UPDATE products SET name = 'Edited on site' WHERE product_id = 'P-102'"]).status == 0)
        let applied = try applier.apply(fixture.bundle2, to: .sqlite(path: path.path), approvals: ApprovalPolicy())
        #expect(applied.head == applied.verified.digest)
        #expect(try Shell.run(["sqlite3", path.path, "SELECT name FROM products WHERE product_id = 'P-102'"]).output == "Edited on site\n")
        guard case let .differs(report) = applied.tableCheck else {
            Issue.record("verify.sql should report the edited products table, got \(applied.tableCheck)")
            return
        }
        #expect(report.contains("airlock: products: DIFFERS"), "\(report)")
    }
}
