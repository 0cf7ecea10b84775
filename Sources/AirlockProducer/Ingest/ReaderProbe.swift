import AirlockBase
import AirlockSpec
import Foundation
import GRDB

/// Reads bytes as one inbox file, the way ingest reads every file (`Ingestor.read`), into a
/// scratch in-memory workspace, and checks the law every reader keeps whatever it is given:
/// every record is either read (a JSON object whose strings are all UTF-8 without NUL) or
/// held back with its place and a reason, numbered once each from 1; or the file is rejected
/// with a message naming it. For the fuzz target (`scripts/fuzz`) and the property tests;
/// each input is rolled back, so memory and the database stay as they were.
package final class ReaderProbe {
    package enum Format: String, CaseIterable, Sendable {
        case csv, json, ndjson
    }

    /// What became of one input.
    package struct Outcome: Equatable {
        package var records = 0
        package var heldBack = 0
        /// The rejection's message, when the file as a whole could not be read.
        package var rejected: String?
        /// Breaches of the law; empty when the reader kept it.
        package var violations: [String] = []
    }

    private let database: DatabaseQueue
    static let fileName = "probe"
    private static let sha256 = String(repeating: "0", count: 64)

    package init() throws {
        database = try DatabaseQueue()
        database.inDatabase { WorkspaceFunctions.register(in: $0) }
        try WorkspaceSchema.migrator.migrate(database)
        // The one file every input is read as; each input's records are rolled back.
        try database.write { db in
            try WorkspaceFile.record(
                name: Self.fileName, sha256: Self.sha256, size: 0, entity: "probe", state: .pending, error: nil, in: db)
        }
    }

    package func read(_ bytes: [UInt8], as format: Format) throws -> Outcome {
        let entity = EntitySpec(
            name: "probe", source: SourceSpec(filePattern: "probe", format: Self.sourceFormat(format)), key: [],
            columns: [])
        var outcome = Outcome()
        try database.inDatabase { db in
            try db.inSavepoint {
                let sink = try RecordSink(file: Self.sha256, in: db)
                var finished = false
                let content = ByteSource {
                    defer { finished = true }
                    return finished ? nil : bytes
                }
                do {
                    try Ingestor.read(
                        content, named: Self.fileName, sha256: Self.sha256, as: entity,
                        limits: DropArchive.limits(maxMemberSize: InboxSettings().maxMemberSize), into: sink, in: db)
                } catch let error as IngestError {
                    outcome.rejected = error.description
                }
                outcome.records = sink.records
                outcome.heldBack = sink.failures
                try RawRecords.noteRange(file: Self.sha256, after: 0, header: sink.header, in: db)
                outcome.violations = try Self.violations(of: outcome, format: entity.source.format, in: db)
                return .rollback
            }
        }
        return outcome
    }

    private static func sourceFormat(_ format: Format) -> SourceSpec.Format {
        switch format {
        case .csv: return .csv
        case .json: return .json
        case .ndjson: return .ndjson
        }
    }

    private static func violations(of outcome: Outcome, format: SourceSpec.Format, in db: Database) throws
        -> [String]
    {
        var found: [String] = []
        // Each record as a JSON object, however stored: a row of fields must make one too. The
        // statements name the header's fields, so they are not cached.
        let records = "(SELECT \(try RawFields.all(format: format, in: db).object()) AS record FROM \(RawRecords.all))"
        if let rejected = outcome.rejected, !rejected.hasPrefix("\(fileName): ") {
            found.append("a rejection that does not name the file: \(rejected)")
        }
        let counts = try Row.fetchOne(
            db.makeStatement(
                sql: """
                    SELECT (SELECT count(*) FROM \(RawRecords.table)), (SELECT count(*) FROM \(UnparsedRecords.table)),
                        (SELECT count(*) FROM \(UnparsedRecords.table) WHERE record_no < 1 OR coalesce(line, 1) < 1 OR reason = ''),
                        (SELECT count(*) FROM \(records) WHERE CASE WHEN json_valid(record) THEN json_type(record) <> 'object' ELSE 1 END),
                        (SELECT group_concat(record_no) FROM (SELECT record_no FROM \(RawRecords.table)
                            UNION ALL SELECT record_no FROM \(UnparsedRecords.table) ORDER BY 1))
                    """))!
        let (stored, unparsed, placeless, notObjects) = (
            counts[0] as Int, counts[1] as Int, counts[2] as Int, counts[3] as Int
        )
        if stored != outcome.records || unparsed != outcome.heldBack {
            found.append(
                "counted \(outcome.records) read and \(outcome.heldBack) held back, stored \(stored) and \(unparsed)")
        }
        let numbers = (counts[4] as String?)?.split(separator: ",").compactMap { Int($0) } ?? []
        if numbers != Array(stride(from: 1, through: numbers.count, by: 1)) {
            found.append("records are not numbered once each from 1: \(numbers.prefix(20))")
        }
        if placeless != 0 { found.append("\(placeless) held-back records without a place or a reason") }
        if notObjects != 0 { found.append("\(notObjects) stored records that are not JSON objects") }
        guard stored > 0 else { return found }
        // Every string, key or value, must be text a target stores exactly.
        let strings = try Optional<Data>.fetchCursor(
            db.makeStatement(
                sql: """
                    SELECT CAST(j.value AS BLOB) FROM \(records) AS r, json_tree(r.record) AS j WHERE j.type = 'text'
                    UNION ALL SELECT CAST(j.key AS BLOB) FROM \(records) AS r, json_tree(r.record) AS j WHERE typeof(j.key) = 'text'
                    """))
        while let next = try strings.next() {
            let string = next ?? Data()
            if string.contains(0) || String(validating: string, as: UTF8.self) == nil {
                found.append("a stored string no target can hold: \(Array(string.prefix(40)))")
                break
            }
        }
        return found
    }
}
