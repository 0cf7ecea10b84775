import Foundation
import Testing

@testable import AirlockBase
@testable import AirlockProducer
@testable import AirlockSite

/// A target row edited by hand between bundles stops the next bundle before it changes
/// anything, and the error names the key. Bundle 2 updates P-100 and P-103, deletes P-101,
/// inserts P-104 and leaves P-102 alone.
@Suite(.tags(.postgres, .sqlite3), .runsExternalPrograms) struct DriftGuardTests {
    private struct Case {
        let edit: String
        let drifted: [String]
        /// What the refusal says was expected and found, for each drifted key.
        let found: [String]
        /// The site made bundle 2's own change: the drifted row already is as bundle 2 leaves it.
        var madeBundlesChange = false
    }

    private static let cases = [
        Case(
            edit: "UPDATE products SET name = 'Edited on site' WHERE product_id = 'P-100'",
            drifted: ["product_id=P-100"], found: ["', found 'Edited on site')"]),
        Case(
            edit: "DELETE FROM products WHERE product_id = 'P-101'", drifted: ["product_id=P-101"],
            found: [" (expected a row, found none)"], madeBundlesChange: true),
        Case(
            edit: "INSERT INTO products (product_id, name) VALUES ('P-104', 'Added on site')",
            drifted: ["product_id=P-104"], found: [" (expected no row, found one)"]),
        Case(
            edit: "UPDATE products SET currency = 'USD' WHERE product_id IN ('P-100', 'P-103')",
            drifted: ["product_id=P-100", "product_id=P-103"], found: ["(currency: expected '", "', found 'USD')"])
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
                try applier.apply(fixture.bundle2, to: target, approvals: SiteApprovals())
            } throws: { error in
                guard case let TargetError.drifted(_, reason) = error,
                    (error as? TargetError)?.exitStatus == .targetDrifted
                else {
                    return false
                }
                return reason.contains("products: target rows differ from what bundle 000002 expects")
                    && driftCase.drifted.allSatisfy { reason.contains("airlock: products: drifted: \($0) (") }
                    && driftCase.found.allSatisfy(reason.contains)
                    && "\(error)".contains("or run with --on-drift skip to leave them as they are and apply the rest")
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
            _ = try applier.apply(fixture.bundle1, to: target, approvals: SiteApprovals())
            _ = try postgres.query(driftCase.edit)
            let before =
                try postgres.query("SELECT * FROM products ORDER BY 1")
                + (try postgres.query("SELECT count(*) FROM airlock_ledger"))
            #expect {
                try applier.apply(fixture.bundle2, to: target, approvals: SiteApprovals())
            } throws: { error in
                guard case let TargetError.drifted(_, reason) = error else { return false }
                return reason.contains("\(driftCase.drifted.count) drifted row(s): \(driftCase.drifted[0]) (")
                    && driftCase.drifted.allSatisfy { reason.contains("\($0) (") }
                    && driftCase.found.allSatisfy(reason.contains)
            }
            #expect(
                try postgres.query("SELECT * FROM products ORDER BY 1")
                    + (try postgres.query("SELECT count(*) FROM airlock_ledger")) == before)
        }
    }

    // MARK: - Skipping drifted rows

    /// With the skip switch the drifted rows stay as the site left them, every other row
    /// becomes bundle 2's, the skipped keys are reported, and rolling back with the switch
    /// gives the drifted target back exactly. Where the site had made bundle 2's change itself,
    /// the rollback has no drift to skip and restores bundle 1's row, as for any row it changed.
    @Test func sqliteTargetThatDriftedCanSkipTheDriftedRows() throws {
        let fixture = try TrustFixture.shared.get()
        let applier = BundleApplier(verifier: try fixture.verifier())
        let wanted = try Self.rowsByKey(Shell.run(["sqlite3", fixture.targetAtTwo.path, Self.productRows]).output)
        let atOne = try Shell.run(["sqlite3", fixture.targetAtOne.path, Self.productRows]).output
        for driftCase in Self.cases {
            let path = fixture.file("skip.sqlite")
            try? FileManager.default.removeItem(at: path)
            try FileManager.default.copyItem(at: fixture.targetAtOne, to: path)
            #expect(try Shell.run(["sqlite3", path.path, driftCase.edit]).status == 0)
            let products = { try Shell.run(["sqlite3", path.path, Self.productRows]).output }
            let drifted = try products()
            let target = Target.sqlite(path: path.path)

            let applied = try applier.apply(fixture.bundle2, to: target, approvals: SiteApprovals(), onDrift: .skip)
            #expect(applied.head == applied.verified.digest)
            #expect(applied.skippedDrift == driftCase.drifted.map { "airlock: products: skipped drifted row: \($0)" })
            #expect(
                try Self.rowsByKey(products()) == Self.expected(wanted, keeping: driftCase, of: drifted),
                "\(driftCase.edit)")
            #expect(
                (applied.tableCheck == .matches) == driftCase.madeBundlesChange,
                "\(driftCase.edit): \(applied.tableCheck)")

            let rolledBack = try applier.rollback(fixture.bundle2, from: target, onDrift: .skip)
            #expect(rolledBack.skippedDrift == (driftCase.madeBundlesChange ? [] : applied.skippedDrift))
            #expect(try products() == (driftCase.madeBundlesChange ? atOne : drifted), "\(driftCase.edit)")
        }
    }

    /// The switch as a site sets it without Airlock: a `sqlite3` shell parameter.
    @Test func sqlite3ShellSkipsDriftedRowsWithTheParameterSet() throws {
        let fixture = try TrustFixture.shared.get()
        let path = fixture.file("skip-shell.sqlite")
        try? FileManager.default.removeItem(at: path)
        try FileManager.default.copyItem(at: fixture.targetAtOne, to: path)
        let driftCase = Self.cases[3]
        #expect(try Shell.run(["sqlite3", path.path, driftCase.edit]).status == 0)
        let drifted = try Shell.run(["sqlite3", path.path, Self.productRows]).output
        let script = try String(
            contentsOf: fixture.extracted.appendingPathComponent("sqlite/upsert.sql"), encoding: .utf8)

        let stopped = try Shell.run(["sqlite3", "-bail", path.path], input: script, in: fixture.extracted)
        #expect(stopped.status != 0)
        #expect(stopped.error.contains("drifted"), "\(stopped.error)")
        #expect(try Shell.run(["sqlite3", path.path, Self.productRows]).output == drifted)

        let skipped = try Shell.run(
            ["sqlite3", "-bail", "-cmd", ".parameter set @airlock_skip_drift 1", path.path], input: script,
            in: fixture.extracted)
        #expect(skipped.status == 0, "\(skipped.error)")
        let printed = skipped.output.split(separator: "\n").map(String.init)
        #expect(printed.dropLast() == driftCase.drifted.map { "airlock: products: skipped drifted row: \($0)" })
        #expect(printed.last?.hasSuffix("applied (upsert.sql); this target is now at bundle 000002") == true)
        let wanted = try Self.rowsByKey(Shell.run(["sqlite3", fixture.targetAtTwo.path, Self.productRows]).output)
        #expect(
            try Self.rowsByKey(Shell.run(["sqlite3", path.path, Self.productRows]).output)
                == Self.expected(wanted, keeping: driftCase, of: drifted))
    }

    /// PostgreSQL through `psql -v airlock_skip_drift=on`, as `airlock apply --on-drift skip` runs it.
    @Test func postgresTargetThatDriftedCanSkipTheDriftedRows() throws {
        let fixture = try TrustFixture.shared.get()
        let applier = BundleApplier(verifier: try fixture.verifier())
        let atTwo = try Postgres.freshDatabase()
        for bundle in [fixture.bundle1, fixture.bundle2] {
            _ = try applier.apply(bundle, to: try Target("postgres:" + atTwo.conninfo), approvals: SiteApprovals())
        }
        let wanted = Self.rowsByKey(try atTwo.query(Self.productRows))
        for driftCase in Self.cases {
            let postgres = try Postgres.freshDatabase()
            let target = try Target("postgres:" + postgres.conninfo)
            _ = try applier.apply(fixture.bundle1, to: target, approvals: SiteApprovals())
            let atOne = try postgres.query(Self.productRows)
            _ = try postgres.query(driftCase.edit)
            let drifted = try postgres.query(Self.productRows)

            let applied = try applier.apply(fixture.bundle2, to: target, approvals: SiteApprovals(), onDrift: .skip)
            #expect(applied.head == applied.verified.digest)
            #expect(applied.skippedDrift == driftCase.drifted.map { "airlock: products: skipped drifted row: \($0)" })
            #expect(
                Self.rowsByKey(try postgres.query(Self.productRows))
                    == Self.expected(wanted, keeping: driftCase, of: drifted), "\(driftCase.edit)")

            let rolledBack = try applier.rollback(fixture.bundle2, from: target, onDrift: .skip)
            #expect(rolledBack.skippedDrift == (driftCase.madeBundlesChange ? [] : applied.skippedDrift))
            #expect(
                try postgres.query(Self.productRows) == (driftCase.madeBundlesChange ? atOne : drifted),
                "\(driftCase.edit)")
        }
    }

    private static let productRows = "SELECT * FROM products ORDER BY product_id"

    /// `P-100|…` lines by their key.
    private static func rowsByKey(_ lines: String) -> [String: String] {
        Dictionary(
            uniqueKeysWithValues: lines.split(separator: "\n").map { line in
                (String(line.prefix { $0 != "|" }), String(line))
            })
    }

    /// Bundle 2's rows, except that the drifted keys are as the drifted target holds them.
    private static func expected(_ bundleRows: [String: String], keeping driftCase: Case, of drifted: String)
        -> [String: String]
    {
        let driftedRows = rowsByKey(drifted)
        var rows = bundleRows
        for key in driftCase.drifted.map({ String($0.dropFirst("product_id=".count)) }) {
            rows[key] = driftedRows[key]
        }
        return rows
    }

    /// Rows the bundle does not touch may differ: the guard checks only what the bundle changes,
    /// and verify.sql reports the difference afterwards.
    @Test func editsToUntouchedRowsDoNotStopABundle() throws {
        let fixture = try TrustFixture.shared.get()
        let applier = BundleApplier(verifier: try fixture.verifier())
        let path = fixture.file("untouched.sqlite")
        try FileManager.default.copyItem(at: fixture.targetAtOne, to: path)
        #expect(
            try Shell.run([
                "sqlite3", path.path, "UPDATE products SET name = 'Edited on site' WHERE product_id = 'P-102'"
            ]).status == 0)
        let applied = try applier.apply(fixture.bundle2, to: .sqlite(path: path.path), approvals: SiteApprovals())
        #expect(applied.head == applied.verified.digest)
        #expect(
            try Shell.run(["sqlite3", path.path, "SELECT name FROM products WHERE product_id = 'P-102'"]).output
                == "Edited on site\n")
        guard case let .differs(report) = applied.tableCheck else {
            Issue.record("verify.sql should report the edited products table, got \(applied.tableCheck)")
            return
        }
        #expect(report.contains("airlock: products: DIFFERS"), "\(report)")
    }
}
