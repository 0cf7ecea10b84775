import Foundation
import GRDB
import Testing

@testable import AirlockProducer

/// Issue 23, item 2: a workspace database that was lost, restored from an older copy, damaged
/// or not a database never overwrites a published bundle: the producer stops, saying what it
/// found and how to recover, and `airlock recover` rebuilds the chain position and baseline
/// from `outbox/` or refuses with a reason. Real `airlock` processes throughout.
@Suite(.tags(.postgres, .sqlite3), .runsExternalPrograms) struct LostWorkspaceTests {
    private func sha256(_ url: URL) throws -> String {
        try Shell.run(["sha256sum", url.path]).output.split(separator: " ")[0].description
    }

    /// A moving workspace with bundles 1 (the example drop) and 2 (the second drop), made at
    /// `time` (seconds since 1970) when given: two workspaces fed the same drops in the same
    /// second make the same manifests, so the same bundle digests.
    private func twoBundles(at time: Int? = nil) throws -> TestWorkspace {
        let workspace = try TestWorkspace()
        let clock = time.map { ["SOURCE_DATE_EPOCH": "\($0)"] } ?? [:]
        try workspace.drop(TestWorkspace.exampleDrop)
        #expect(try workspace.airlock(["run", "--once"], environment: clock).status == 0)
        try workspace.drop(TestWorkspace.secondDrop)
        #expect(try workspace.airlock(["run", "--once"], environment: clock).status == 0)
        return workspace
    }

    private var state: (TestWorkspace) -> URL { { $0.root.appendingPathComponent(".airlock") } }

    private func payments(_ workspace: TestWorkspace) throws -> [String] {
        try DatabaseQueue(path: workspace.database.path).read { db in
            try String.fetchAll(db, sql: "SELECT payment_id || '|' || amount FROM base_payments ORDER BY payment_id")
        }
    }

    /// Runs once with a new payments file and expects the run to stop before touching anything.
    private func expectStop(_ workspace: TestWorkspace, saying words: [String]) throws {
        let before = try workspace.bundles().map { ($0.lastPathComponent, try sha256($0)) }
        try workspace.write(TestWorkspace.payments(["2001,New,Row,1.00,card,2026-11-20"]), toInbox: "payments-new.csv")
        let run = try workspace.airlock(["run", "--once"])
        #expect(run.status == 64, "\(run.output)\(run.error)")
        for word in words + ["airlock recover", "Nothing was read or written"] {
            #expect(run.error.contains(word), "'\(word)' not in: \(run.error)")
        }
        #expect(try workspace.bundles().map { ($0.lastPathComponent, try sha256($0)) }.elementsEqual(before, by: ==))
        #expect(FileManager.default.fileExists(atPath: workspace.inbox.appendingPathComponent("payments-new.csv").path))
        // status says so too (on its output, or as its error when the database cannot be opened).
        let status = try workspace.airlock(["status"])
        let said = status.output + status.error
        #expect(said.contains(words[0]) && said.contains("airlock recover"), "\(said)")
    }

    @Test func aLostDatabaseStopsTheRunAndRecoverContinuesTheChain() throws {
        let workspace = try twoBundles()
        defer { workspace.remove() }
        let targets = try AppliedTargets()
        defer { targets.remove() }
        try FileManager.default.removeItem(at: state(workspace))
        try expectStop(
            workspace, saying: ["outbox/ holds bundle-000001.tar.gz, bundle-000002.tar.gz", "no workspace database"])

        let recovered = try workspace.airlock(["recover"])
        #expect(recovered.status == 0, "\(recovered.output)\(recovered.error)")
        #expect(recovered.output.contains("the next bundle continues bundle 2"), "\(recovered.output)")
        #expect(try payments(workspace) == ["1001|1000.00", "1003|75.00", "1004|12.50"])
        let again = try workspace.airlock(["recover"])
        #expect(again.status == 3 && again.error.contains("nothing to recover"), "\(again.error)")

        let next = try workspace.airlock(["run", "--once"])
        #expect(next.status == 0, "\(next.output)\(next.error)")
        #expect(try workspace.bundles().map(\.lastPathComponent).last == "bundle-000003.tar.gz")
        for bundle in try workspace.bundles() {
            for result in try targets.apply(bundle, in: workspace) {
                #expect(result.status == 0, "\(bundle.lastPathComponent): \(result.output)\(result.error)")
            }
        }
        // Each drop is the source's whole state: payments-new.csv holds one row.
        let expected = "2001|1.00\n"
        #expect(try targets.rows("SELECT payment_id, amount FROM payments ORDER BY payment_id") == [expected, expected])
    }

    @Test func aRecoveredBundleCanBeDiscardedFromItsChangeFiles() throws {
        let workspace = try twoBundles()
        defer { workspace.remove() }
        try FileManager.default.removeItem(at: state(workspace))
        #expect(try workspace.airlock(["recover"]).status == 0)
        let discarded = try workspace.airlock([
            "discard", workspace.outbox.appendingPathComponent("bundle-000002.tar.gz").path
        ])
        #expect(discarded.status == 0, "\(discarded.output)\(discarded.error)")
        #expect(try payments(workspace) == ["1001|1000.00", "1002|250.50", "1003|75.00"])
    }

    @Test func aDatabaseRestoredFromAnOlderCopyStops() throws {
        let workspace = try TestWorkspace()
        defer { workspace.remove() }
        try workspace.drop(TestWorkspace.exampleDrop)
        #expect(try workspace.airlock(["run", "--once"]).status == 0)
        let copy = workspace.root.appendingPathComponent("backup.sqlite")
        try FileManager.default.copyItem(at: workspace.database, to: copy)
        try workspace.drop(TestWorkspace.secondDrop)
        #expect(try workspace.airlock(["run", "--once"]).status == 0)
        try FileManager.default.removeItem(at: workspace.database)
        try FileManager.default.moveItem(at: copy, to: workspace.database)
        try expectStop(workspace, saying: ["outbox/ holds bundle-000002.tar.gz", "it knows bundles up to 000001"])
        #expect(try workspace.airlock(["recover"]).status == 0)
        #expect(try workspace.airlock(["run", "--once"]).status == 0)
        #expect(try workspace.bundles().count == 3)
    }

    @Test func anOutboxBundleReplacedByAnotherStops() throws {
        let workspace = try twoBundles()
        defer { workspace.remove() }
        let other = try twoBundles(at: Int(Date().timeIntervalSince1970) - 3_600)
        defer { other.remove() }
        let newest = workspace.outbox.appendingPathComponent("bundle-000002.tar.gz")
        try FileManager.default.removeItem(at: newest)
        try FileManager.default.copyItem(at: other.outbox.appendingPathComponent("bundle-000002.tar.gz"), to: newest)
        try expectStop(workspace, saying: ["outbox/bundle-000002.tar.gz is not the bundle 000002"])
    }

    @Test func aFileThatIsNotADatabaseStops() throws {
        let workspace = try twoBundles()
        defer { workspace.remove() }
        try Data(repeating: 0x41, count: 8192).write(to: workspace.database)
        try expectStop(workspace, saying: ["cannot be read"])
        #expect(try workspace.airlock(["recover"]).status == 0)
        #expect(try payments(workspace) == ["1001|1000.00", "1003|75.00", "1004|12.50"])
    }

    @Test func aDatabaseFailingIntegrityCheckStops() throws {
        let workspace = try twoBundles()
        defer { workspace.remove() }
        // Index entries that no longer match their table: the file opens, integrity_check fails.
        try DatabaseQueue(path: workspace.database.path).write { db in
            try db.execute(sql: "PRAGMA writable_schema = ON")
            try db.execute(sql: "CREATE INDEX airlock_damage ON airlock_raw(record)")
            try db.execute(
                sql:
                    "UPDATE sqlite_schema SET sql = 'CREATE INDEX airlock_damage ON airlock_raw(line)' WHERE name = 'airlock_damage'"
            )
        }
        // The daily check is due (the last one was two days ago).
        #expect(
            try Shell.run(["touch", "-d", "2 days ago", state(workspace).appendingPathComponent("checked").path]).status
                == 0)
        try expectStop(workspace, saying: ["is damaged (PRAGMA integrity_check:"])
        #expect(try workspace.airlock(["recover"]).status == 0)
        #expect(try workspace.airlock(["run", "--once"]).status == 0)
    }

    @Test func recoverRefusesWithAReason() throws {
        let workspace = try twoBundles()
        defer { workspace.remove() }
        try FileManager.default.removeItem(at: state(workspace))
        let first = workspace.outbox.appendingPathComponent("bundle-000001.tar.gz")
        let aside = workspace.root.appendingPathComponent("bundle-000001.tar.gz")
        // Bundle 2 carries changes, not whole tables: without bundle 1 nothing gives the rows before them.
        try FileManager.default.moveItem(at: first, to: aside)
        let missing = try workspace.airlock(["recover"])
        #expect(
            missing.status == 64
                && missing.error.contains("its rows cannot be rebuilt: outbox/ does not reach back to bundle 1"),
            "\(missing.error)")
        try FileManager.default.moveItem(at: aside, to: first)
        // A spec that is not the one the newest bundle was made with (here its columns differ).
        let spec = workspace.root.appendingPathComponent("airlock.yml")
        let text = try String(contentsOf: spec, encoding: .utf8)
        try text.replacingOccurrences(of: "      last_name: {from: \"Last name\", type: text, trim: true}\n", with: "")
            .write(
                to: spec, atomically: true, encoding: .utf8)
        let changed = try workspace.airlock(["recover"])
        #expect(
            changed.status == 64 && changed.error.contains("is not the spec bundle-000002.tar.gz was made with"),
            "\(changed.error)")
        try text.write(to: spec, atomically: true, encoding: .utf8)
        // A gap in the run of bundles.
        try workspace.drop(TestWorkspace.exampleDrop)
        try FileManager.default.removeItem(at: state(workspace))
        try FileManager.default.moveItem(
            at: workspace.outbox.appendingPathComponent("bundle-000002.tar.gz"),
            to: workspace.outbox.appendingPathComponent("bundle-000003.tar.gz"))
        let gap = try workspace.airlock(["recover"])
        #expect(gap.status == 64 && gap.error.contains("bundle-000002.tar.gz is missing"), "\(gap.error)")
        #expect(!FileManager.default.fileExists(atPath: workspace.database.path), "a refusal changes nothing")
    }
}
