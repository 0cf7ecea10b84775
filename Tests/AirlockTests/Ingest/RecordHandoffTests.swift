import Foundation
import GRDB
import Testing

@testable import AirlockProducer

/// A CSV file is parsed on a thread of its own while its records are inserted
/// (`RecordHandoff`), and each file's records are found by their run of ids (`RawRecords`):
/// order, numbering and provenance stay those of the file, and a failing insert loses nothing.
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
            // Each record keeps its fields, the second of which names its number.
            let read = try Row.fetchAll(db, sql: "SELECT record_no, line, field2 FROM airlock_raw ORDER BY id")
            #expect(read.map { $0[0] as Int } == (1...Self.rows).filter { !Self.shortRow($0) })
            #expect(read.allSatisfy { ($0[1] as Int) == ($0[0] as Int) + 1 })
            #expect(read.allSatisfy { ($0[2] as String) == "First \(($0[0] as Int))" })
            let heldBack = try Row.fetchAll(db, sql: "SELECT record_no, line FROM airlock_unparsed ORDER BY record_no")
            #expect(heldBack.map { $0[0] as Int } == short)
            #expect(heldBack.allSatisfy { ($0[1] as Int) == ($0[0] as Int) + 1 })
            let range = try Row.fetchOne(db, sql: "SELECT first_id, last_id FROM airlock_raw_ranges").map {
                [$0[0], $0[1]] as [Int]
            }
            let ids = try Row.fetchOne(db, sql: "SELECT min(id), max(id) FROM airlock_raw").map {
                [$0[0], $0[1]] as [Int]
            }
            #expect(range == ids)
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

    @Test func aWorkspaceFromBeforeTheRangesFindsItsRecords() throws {
        let database = try DatabaseQueue()
        database.inDatabase { WorkspaceFunctions.register(in: $0) }
        try WorkspaceSchema.migrator.migrate(database, upTo: "v12 baseline sums")
        let files = ["a", "b", "c"].map { String(repeating: $0, count: 64) }
        try database.write { db in
            for (order, file) in files.enumerated() {
                try WorkspaceFile.record(
                    name: "file-\(order)", sha256: file, size: 0, entity: "payments", state: .pending, error: nil,
                    in: db)
            }
            // Interleaved, as no run writes them: each file's range then holds the other's
            // records too. Migration v15 gives each file's records a run of their own. File
            // c came after both, and its record must stay after theirs.
            for number in 1...7 {
                try db.execute(
                    sql:
                        "INSERT INTO airlock_raw (file_sha256, entity, record_no, line, record) VALUES (?, 'payments', ?, NULL, '{}')",
                    arguments: [number == 7 ? files[2] : files[number % 2], number])
            }
            // A finding on record 4 (file a's, id 4), which must stay on that record.
            try db.execute(
                sql:
                    "INSERT INTO airlock_quarantine (raw_id, file_sha256, entity, field, reason) VALUES (4, ?, 'payments', 'amount', 'bad')",
                arguments: [files[0]])
        }
        try WorkspaceSchema.migrator.migrate(database)
        try database.read { db in
            for (index, file) in files.prefix(2).enumerated() {
                let numbers = try Int.fetchAll(
                    db,
                    sql: "SELECT r.record_no FROM \(RawRecords.records(inFiles: "'\(file)'")) ORDER BY r.id")
                #expect(numbers == (1...6).filter { $0 % 2 == index })
                let first = try Int.fetchAll(
                    db, sql: "SELECT r.record_no FROM \(RawRecords.firstRecords(ofFiles: "'\(file)'"))")
                #expect(first == [index == 0 ? 2 : 1])
            }
            let held = try Int.fetchAll(
                db, sql: "SELECT r.record_no FROM airlock_quarantine AS q JOIN airlock_raw AS r ON r.id = q.raw_id")
            #expect(held == [4])
            #expect(try Int.fetchAll(db, sql: "SELECT record_no FROM airlock_raw ORDER BY id") == [1, 3, 5, 2, 4, 6, 7])
            #expect(try Int.fetchAll(db, sql: "SELECT id FROM airlock_raw WHERE record_no = 7") == [7])
        }
        try database.write { db in
            try db.execute(sql: "DELETE FROM airlock_quarantine")
            try RawRecords.delete(file: files[0], in: db)
            #expect(try Int.fetchAll(db, sql: "SELECT record_no FROM airlock_raw ORDER BY id") == [1, 3, 5, 7])
            #expect(try String.fetchAll(db, sql: "SELECT sha256 FROM airlock_raw_ranges") == Array(files[1...]))
        }
    }

    private static func paymentIDs(_ workspace: TestWorkspace) throws -> [String] {
        try DatabaseQueue(path: workspace.database.path).read { db in
            try String.fetchAll(db, sql: "SELECT payment_id FROM base_payments")
        }
    }
}
