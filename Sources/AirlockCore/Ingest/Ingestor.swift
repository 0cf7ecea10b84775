import Foundation
import GRDB

/// Reads one inbox file into `airlock_raw`: one row per record, the original record as a JSON
/// object, with its provenance (file hash, record number, line). The file's ledger row is
/// written in the same transaction, so a file is either wholly ingested or not at all.
struct Ingestor {
    let database: DatabaseQueue
    let spec: Spec

    enum Outcome: Equatable {
        case ingested(entity: String, records: Int)
        case alreadySeen(name: String)
        case rejected(IngestError)
    }

    func ingest(_ file: InboxFile) throws -> Outcome {
        if let seen = try database.read({ db in
            try String.fetchOne(db, sql: "SELECT name FROM airlock_files WHERE sha256 = ?", arguments: [file.sha256])
        }) {
            return .alreadySeen(name: seen)
        }
        guard let entity = spec.entity(forFile: file.name) else {
            try record(file, entity: nil, rejection: .noMatchingEntity(file: file.name))
            return .rejected(.noMatchingEntity(file: file.name))
        }
        do {
            var records = 0
            try database.write { db in
                try insertLedgerRow(file, entity: entity.name, state: "pending", error: nil, in: db)
                switch entity.source.format {
                case .csv: records = try ingestCSV(file, entity: entity, in: db)
                case .json: records = try ingestJSON(file, entity: entity, in: db)
                }
                guard records > 0 else { throw IngestError.unreadable(file: file.name, reason: "the file holds no records") }
                try db.execute(sql: "UPDATE airlock_files SET records = ? WHERE sha256 = ?", arguments: [records, file.sha256])
            }
            return .ingested(entity: entity.name, records: records)
        } catch let error as IngestError {
            try record(file, entity: entity.name, rejection: error)
            return .rejected(error)
        }
    }

    /// Remembers a rejected file so the same content is not re-read on every run.
    private func record(_ file: InboxFile, entity: String?, rejection: IngestError) throws {
        try database.write { db in
            try insertLedgerRow(file, entity: entity, state: "rejected", error: rejection.description, in: db)
        }
    }

    private func insertLedgerRow(_ file: InboxFile, entity: String?, state: String, error: String?, in db: Database) throws {
        try db.execute(sql: """
            INSERT INTO airlock_files (sha256, name, size, entity, state, error, ingested_at, ingest_order)
            VALUES (?, ?, ?, ?, ?, ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'),
                    (SELECT coalesce(max(ingest_order), 0) + 1 FROM airlock_files))
            """, arguments: [file.sha256, file.name, file.size, entity, state, error])
    }

    // MARK: - CSV

    private func ingestCSV(_ file: InboxFile, entity: EntitySpec, in db: Database) throws -> Int {
        var reader = try CSVReader(path: file.url.path, fileName: file.name)
        guard let header = try reader.next() else {
            throw IngestError.unreadable(file: file.name, reason: "the file is empty")
        }
        try checkHeader(header.fields, file: file.name, entity: entity)
        let insert = try db.makeStatement(sql: "INSERT INTO airlock_raw (file_sha256, entity, record_no, line, record) VALUES (?, ?, ?, ?, ?)")
        var count = 0
        var json = ""
        while let record = try reader.next() {
            if record.fields.count == 1 && record.fields[0].isEmpty { continue }
            guard record.fields.count == header.fields.count else {
                throw IngestError.malformed(file: file.name, line: record.line, field: nil,
                                            reason: "\(record.fields.count) fields where the header has \(header.fields.count)")
            }
            count += 1
            json.removeAll(keepingCapacity: true)
            json.append("{")
            for (index, name) in header.fields.enumerated() {
                if index > 0 { json.append(",") }
                JSONPath.quote(name, into: &json)
                json.append(":")
                JSONPath.quote(record.fields[index], into: &json)
            }
            json.append("}")
            try insert.execute(arguments: [file.sha256, entity.name, count, record.line, json])
        }
        return count
    }

    private func checkHeader(_ header: [String], file: String, entity: EntitySpec) throws {
        var seen = Set<String>()
        for (index, name) in header.enumerated() {
            if name.isEmpty { throw IngestError.header(file: file, reason: "column \(index + 1) has an empty name") }
            if !seen.insert(name).inserted { throw IngestError.header(file: file, reason: "column name '\(name)' appears twice") }
        }
        for column in entity.columns where !seen.contains(column.from) {
            throw IngestError.missingColumn(file: file, column: column.from,
                                            specPlace: "entities.\(entity.name).columns.\(column.name)", header: header)
        }
    }

    // MARK: - JSON

    /// SQLite's JSON functions walk the document; they keep numbers as written, so `12.10`
    /// never passes through a binary double.
    private func ingestJSON(_ file: InboxFile, entity: EntitySpec, in db: Database) throws -> Int {
        let data = try Data(contentsOf: file.url)
        guard let text = String(data: data, encoding: .utf8) else {
            throw IngestError.invalidJSON(file: file.name, line: nil, reason: "the text is not valid UTF-8")
        }
        guard try Bool.fetchOne(db, sql: "SELECT json_valid(?)", arguments: [text]) == true else {
            throw IngestError.invalidJSON(file: file.name, line: Self.errorLine(in: data), reason: Self.errorReason(in: data))
        }
        var path = try JSONRecordsPath(entity.source.recordsPath)
        if let pulledAt = try String.fetchOne(db, sql: "SELECT json_extract(?, ?)",
                                              arguments: [text, "$.\(PullDump.provenanceKey).pulled_at"]) {
            // A dump from `airlock pull`: the records path applies within each page.
            path = JSONRecordsPath(levels: [[PullDump.pagesKey]] + path.levels)
            try db.execute(sql: "UPDATE airlock_files SET pulled_at = ? WHERE sha256 = ?", arguments: [pulledAt, file.sha256])
        }
        try checkArrays(along: path, in: text, file: file.name, db: db)
        let walk = path.fromClause()
        try db.execute(sql: """
            INSERT INTO airlock_raw (file_sha256, entity, record_no, line, record)
            SELECT :file, :entity, row_number() OVER (ORDER BY \(walk.order)), NULL, \(walk.record).value
            FROM \(walk.from)
            """, arguments: ["file": file.sha256, "entity": entity.name, "document": text])
        if let bad = try Row.fetchOne(db, sql: """
            SELECT record_no, json_type(record) AS type FROM airlock_raw
            WHERE file_sha256 = ? AND json_type(record) <> 'object' ORDER BY record_no LIMIT 1
            """, arguments: [file.sha256]) {
            throw IngestError.badRecord(file: file.name, record: bad["record_no"],
                                        reason: "expected an object, found \(bad["type"] as String)")
        }
        return try Int.fetchOne(db, sql: "SELECT count(*) FROM airlock_raw WHERE file_sha256 = ?", arguments: [file.sha256]) ?? 0
    }

    /// Each level of the records path must lead to an array; say where it doesn't.
    private func checkArrays(along path: JSONRecordsPath, in text: String, file: String, db: Database) throws {
        for (index, keys) in path.levels.enumerated() {
            let input = index == 0 ? ":document" : "level\(index - 1).value"
            let walked = index == 0 ? "(SELECT 1)" : JSONRecordsPath(levels: Array(path.levels.prefix(index))).fromClause().from
            let found = "coalesce(json_type(\(input), \(SQLDialect.sqlite.literal(JSONPath.sqlPath(keys)))), 'nothing')"
            if let found = try String.fetchOne(db, sql: "SELECT \(found) FROM \(walked) WHERE \(found) <> 'array' LIMIT 1",
                                               arguments: ["document": text]) {
                let shown = path.levels.prefix(index + 1).map { $0.joined(separator: ".") }.joined(separator: "[].")
                throw IngestError.invalidJSON(file: file, line: nil,
                                              reason: "expected an array of records at '\(shown.isEmpty ? "the top level" : shown)', found \(found)")
            }
        }
    }

    /// Foundation's parser says where a document breaks ("around character N"); turn that into a line.
    private static func errorLine(in data: Data) -> Int? {
        guard let offset = errorOffset(in: data) else { return nil }
        return data.prefix(offset).reduce(1) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
    }

    private static func errorReason(in data: Data) -> String {
        if data.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) { return "the file is empty" }
        guard let description = parseFailure(in: data) else { return "SQLite rejects this document" }
        return description.replacingOccurrences(of: #" around (line \d+, column \d+|character \d+)\.?"#, with: "", options: .regularExpression)
    }

    private static func errorOffset(in data: Data) -> Int? {
        guard let description = parseFailure(in: data),
              let match = description.firstMatch(of: #/character (\d+)/#) else { return nil }
        return Int(match.output.1)
    }

    private static func parseFailure(in data: Data) -> String? {
        do {
            _ = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
            return nil
        } catch {
            return (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "\(error)"
        }
    }
}

extension JSONRecordsPath {
    init(levels: [[String]]) { self.levels = levels }
}
