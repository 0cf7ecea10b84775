import Foundation
import Testing

@testable import AirlockProducer

/// Issue 23, item 1: a source that returns to an earlier state syncs back. Content identity
/// dedupes re-deliveries of the current state only: drop A, B, then A again, and every target
/// is back at A. Real files, `airlock run --once` and `airlock apply` into SQLite and PostgreSQL.
@Suite(.tags(.postgres, .sqlite3), .runsExternalPrograms) struct EarlierStateTests {
    static let stateA = TestWorkspace.payments([
        "1001,Zoë,Müller,1.00,card,2026-11-05", "1002,Ann,Lee,2.50,cash,2026-11-05"
    ])
    static let stateB = TestWorkspace.payments([
        "1001,Zoë,Müller,9.00,card,2026-11-05", "1003,Bob,Ray,3.00,cash,2026-11-06"
    ])
    static let query = "SELECT payment_id, first_name, amount FROM payments ORDER BY payment_id"
    static let rowsOfA = "1001|Zoë|1.00\n1002|Ann|2.50\n"
    static let rowsOfB = "1001|Zoë|9.00\n1003|Bob|3.00\n"

    /// Drops `text` as `name`, runs once and returns the run.
    private func deliver(_ text: String, as name: String, to workspace: TestWorkspace) throws -> Shell.Result {
        try workspace.write(text, toInbox: name)
        return try workspace.airlock(["run", "--once"])
    }

    private func applyAll(_ workspace: TestWorkspace, to targets: AppliedTargets) throws {
        for bundle in try workspace.bundles() {
            for result in try targets.apply(bundle, in: workspace) {
                #expect(result.status == 0, "\(bundle.lastPathComponent): \(result.output)\(result.error)")
            }
        }
    }

    @Test func droppingAThenBThenAAgainBringsEveryTargetBackToA() throws {
        let workspace = try TestWorkspace()
        defer { workspace.remove() }
        let targets = try AppliedTargets()
        defer { targets.remove() }
        #expect(try deliver(Self.stateA, as: "payments-1.csv", to: workspace).status == 0)
        #expect(try deliver(Self.stateB, as: "payments-2.csv", to: workspace).status == 0)
        let again = try deliver(Self.stateA, as: "payments-3.csv", to: workspace)
        #expect(again.status == 0, "\(again.output)\(again.error)")
        #expect(try workspace.bundles().count == 3)
        // A re-delivery of the current state is still recognized.
        let current = try deliver(Self.stateA, as: "payments-4.csv", to: workspace)
        #expect(current.status == 3)
        #expect(current.output.contains("skipped payments-4.csv (same content as payments-3.csv)"), "\(current.output)")
        try applyAll(workspace, to: targets)
        #expect(try targets.rows(Self.query) == [Self.rowsOfA, Self.rowsOfA])
    }

    @Test func aKeptFileWrittenBackToAnEarlierStateSyncsBackAndLyingFilesAreNotReadAgain() throws {
        let spec = try String(
            contentsOf: TestWorkspace.repository.appendingPathComponent("airlock.yml"), encoding: .utf8)
        #expect(spec.contains("processed: keep"))
        let workspace = try TestWorkspace(spec: spec)
        defer { workspace.remove() }
        let targets = try AppliedTargets()
        defer { targets.remove() }
        #expect(try deliver(Self.stateA, as: "payments.csv", to: workspace).status == 0)
        #expect(try deliver(Self.stateB, as: "payments.csv", to: workspace).status == 0)
        #expect(try deliver(Self.stateA, as: "payments.csv", to: workspace).status == 0)
        // The file lies in the inbox as it was read: not read again.
        #expect(try workspace.airlock(["run", "--once"]).status == 3)
        // State B again under another name: read, though payments.csv still holds A.
        #expect(try deliver(Self.stateB, as: "payments-again.csv", to: workspace).status == 0)
        // Neither lying file is read again, so the state does not swing back and forth.
        let quiet = try workspace.airlock(["run", "--once"])
        #expect(quiet.status == 3, "\(quiet.output)")
        #expect(try workspace.bundles().count == 4)
        try applyAll(workspace, to: targets)
        #expect(try targets.rows(Self.query) == [Self.rowsOfB, Self.rowsOfB])
    }
}
