import Foundation
import GRDB
import Testing

@testable import AirlockProducer

/// A CSV file is parsed on a thread of its own while its records are inserted
/// (`RecordHandoff`): order, numbering and provenance stay those of the file, and a failing
/// insert loses nothing.
@Suite struct RecordHandoffTests {
    /// More rows than a few batches hold, every 997th one short of fields.
    private static let rows = 10_000
    private static func shortRow(_ number: Int) -> Bool { number % 997 == 0 }

    private static var csv: String {
        TestWorkspace.paymentsHeader
            + (1...rows).map { number in
                shortRow(number)
                    ? "\(100_000 + number),Short\n" : "\(100_000 + number),First \(number),Last,10.00,card,2026-11-05\n"
            }.joined()
    }

    @Test func aLargeFileKeepsItsRecordsInTheFilesOrder() throws {
        let workspace = try TestWorkspace()
        defer { workspace.remove() }
        try workspace.write(Self.csv, toInbox: "payments.csv")
        let report = try workspace.run()
        let short = (1...Self.rows).filter(Self.shortRow)
        #expect(report.ingested.map(\.records) == [Self.rows - short.count])
        #expect(report.ingested.map(\.unparsed) == [short.count])
        try DatabaseQueue(path: workspace.database.path).read { db in
            // Record n is on line n + 1 (after the header), read or held back, each numbered once.
            let read = try Row.fetchAll(db, sql: "SELECT record_no, line, record FROM airlock_raw ORDER BY id")
            #expect(read.map { $0[0] as Int } == (1...Self.rows).filter { !Self.shortRow($0) })
            #expect(read.allSatisfy { ($0[1] as Int) == ($0[0] as Int) + 1 })
            #expect(read.allSatisfy { ($0[2] as String).contains("\"First \(($0[0] as Int))\"") })
            let heldBack = try Row.fetchAll(db, sql: "SELECT record_no, line FROM airlock_unparsed ORDER BY record_no")
            #expect(heldBack.map { $0[0] as Int } == short)
            #expect(heldBack.allSatisfy { ($0[1] as Int) == ($0[0] as Int) + 1 })
        }
        #expect(try Self.paymentIDs(workspace).count == Self.rows - short.count)
    }

    @Test func anInsertThatFailsStopsTheReadAndTheFileIsReadAgainWhole() throws {
        let workspace = try TestWorkspace()
        defer { workspace.remove() }
        try workspace.drop([TestWorkspace.exampleDrop[1]])
        _ = try workspace.run()
        // Real SQLite refusing an insert halfway, as a full disk would.
        let database = try DatabaseQueue(path: workspace.database.path)
        try database.write { db in
            try db.execute(
                sql: """
                    CREATE TRIGGER test_refuse BEFORE INSERT ON airlock_raw WHEN NEW.record_no = 5000
                    BEGIN SELECT RAISE(ABORT, 'test: no space left'); END
                    """)
        }
        try workspace.write(Self.csv, toInbox: "payments-2.csv")
        #expect(throws: DatabaseError.self) { try workspace.run() }
        let kept = try database.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM airlock_raw WHERE record_no >= 4000") ?? -1
        }
        #expect(kept == 0)
        #expect(FileManager.default.fileExists(atPath: workspace.inbox.appendingPathComponent("payments-2.csv").path))

        try database.write { db in try db.execute(sql: "DROP TRIGGER test_refuse") }
        let report = try workspace.run()
        #expect(report.ingested.map(\.name) == ["payments-2.csv"])
        #expect(report.ingested.map(\.records) == [Self.rows - (1...Self.rows).filter(Self.shortRow).count])
    }

    private static func paymentIDs(_ workspace: TestWorkspace) throws -> [String] {
        try DatabaseQueue(path: workspace.database.path).read { db in
            try String.fetchAll(db, sql: "SELECT payment_id FROM snap_payments")
        }
    }
}
