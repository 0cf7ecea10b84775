import AirlockBase
import AirlockSite
import AirlockSpec
import Foundation
import GRDB

/// Proposes a spec entity for a new export (`airlock infer FILE`): the file is ingested the way
/// the pipeline would into a throwaway in-memory workspace, and SQL over its raw records finds
/// the fields, the narrowest type every value of a field parses as, and the fields that could
/// be the key. The proposal, used as is, ingests the file it came from.
package struct SpecInference {
    package struct Column: Equatable, Sendable {
        package var name: String
        package var from: String
        package var inference: ColumnInference
        package var type: ColumnType { inference.type }
    }

    package static func infer(_ url: URL) throws -> Proposal {
        let name = url.lastPathComponent
        guard let format = SourceSpec.Format(fileName: name) else {
            throw InferError.unknownFormat(file: name)
        }
        let entityName = Self.entityName(for: name)
        var source = SourceSpec(filePattern: Self.filePattern(for: name), format: format)
        let database = try DatabaseQueue()
        database.inDatabase { WorkspaceFunctions.register(in: $0) }
        try WorkspaceSchema.migrator.migrate(database)
        if format == .json { source.recordsPath = try recordsPath(of: url, in: database) }
        let probe = EntitySpec(name: entityName, source: source, key: [], columns: [])
        let outcomes = try Ingestor(database: database, spec: Spec(producerKey: "producer", entities: [probe])).ingest(
            url)
        guard case let .ingested(file) = outcomes.first else {
            if case let .rejected(error) = outcomes.first { throw error }
            throw InferError.unknownFormat(file: name)
        }
        return try database.read { db in
            let rawFields = try RawFields.all(format: format, in: db)
            let fields = try Self.fields(format: format, rawFields: rawFields, in: db)
            var used: Set<String> = []
            var columns: [Column] = []
            var values: [[String?]] = []
            for field in fields {
                // A column name is an ASCII identifier: letters lose their accents (prénom → prenom).
                var columnName = ValueParser.snakeCase(
                    field.folding(options: [.diacriticInsensitive, .widthInsensitive], locale: nil)
                ).unicodeScalars.map { $0.isASCII ? String($0) : "_" }.joined()
                if columnName.isEmpty || columnName.first!.isNumber || columnName.hasPrefix("airlock_") {
                    columnName = "f_" + columnName
                }
                while used.contains(columnName) { columnName += "_2" }
                used.insert(columnName)
                let column = ColumnSpec(name: columnName, from: field, type: .text)
                let sql = Normalizer(EntitySpec(name: entityName, source: source, key: [], columns: [column]))
                    .extract(column, fields: rawFields)
                let fieldValues = try String?.fetchAll(db, sql: "SELECT \(sql) FROM \(RawRecords.all) ORDER BY r.id")
                values.append(fieldValues)
                columns.append(
                    Column(
                        name: columnName, from: field,
                        inference: ColumnInference.infer(field: field, values: fieldValues)))
            }
            let key = KeySearch(columns: columns, values: values)
            return Proposal(
                entity: entityName, source: source, records: file.records, columns: columns,
                keyCandidates: key.singles(), key: key.smallest())
        }
    }

    /// `orders-2026-11-01.csv` → `orders*.csv`: the name as written up to its first digit or
    /// dot, so later exports of the same feed match; fnmatch's special characters escaped.
    static func filePattern(for fileName: String) -> String {
        var stem = String(fileName.prefix { $0 != "." && !$0.isNumber })
        while let last = stem.last, "-_ ".contains(last) { stem.removeLast() }
        let escaped = stem.map { "*?[]\\".contains($0) ? "\\\($0)" : String($0) }.joined()
        return "\(escaped)*.\(fileName.split(separator: ".").last!)"
    }

    /// `payments-2026-11.csv` → `payments`: the name up to its first digit or dot, as an identifier.
    static func entityName(for fileName: String) -> String {
        let stem = fileName.prefix { $0 != "." && !$0.isNumber }
        let name = ValueParser.snakeCase(String(stem))
        return name.isEmpty || name.hasPrefix("airlock_")
            ? "records" : String(name.prefix(47)).replacingOccurrences(of: "__", with: "_")
    }

    /// The dotted path to the first array of objects in the document; empty when the document is one.
    private static func recordsPath(of url: URL, in database: DatabaseQueue) throws -> String {
        let text = String(decoding: try Data(contentsOf: url), as: UTF8.self)
        let path = try database.read { db in
            try String.fetchOne(
                db,
                sql: """
                    SELECT fullkey FROM json_tree(?) WHERE type = 'array' AND json_type(value, '$[0]') = 'object'
                    ORDER BY length(fullkey), id LIMIT 1
                    """, arguments: [text])
        }
        guard let path, path != "$" else { return "" }
        // `$.data.products` → `data.products`; a quoted segment loses its quotes.
        return path.dropFirst(2).replacingOccurrences(of: "\"", with: "")
    }

    /// Every leaf field of the records, in the order the file first shows them: CSV headers, or
    /// dotted JSON paths to scalars (array elements are no columns).
    private static func fields(format: SourceSpec.Format, rawFields: RawFields, in db: Database) throws -> [String] {
        let record = rawFields.object()
        let leaves = format.hasHeaderRow ? "json_each(\(record))" : "json_tree(\(record))"
        let keys = try String.fetchAll(
            db,
            sql: """
                SELECT j.fullkey FROM \(RawRecords.all), \(leaves) AS j
                WHERE j.type NOT IN ('object', 'array') AND j.fullkey NOT LIKE '%[%'
                GROUP BY j.fullkey ORDER BY min(r.id * 100000 + j.id)
                """)
        return keys.compactMap { key in
            // A CSV or sheet header is one name; a JSON key holding a dot cannot be reached by a dotted
            // path, nor one holding a quote by the spec's `from:`.
            guard let parts = Self.keys(ofFullKey: key),
                format.hasHeaderRow || !parts.contains(where: { $0.contains(".") }),
                !parts.contains(where: { $0.contains("\"") })
            else { return nil }
            return parts.joined(separator: ".")
        }
    }

    /// The decoded keys of a `fullkey` from `json_tree`: `$.a."b c"` → `["a", "b c"]`. SQLite
    /// writes each key as stored (`JSONKeys`' spelling, quoted when it is not a plain name), so
    /// escapes are decoded here; nil for a path through an array.
    static func keys(ofFullKey fullKey: String) -> [String]? {
        var bytes = Array(fullKey.utf8.dropFirst())
        var keys: [String] = []
        while let first = bytes.first {
            guard first == UInt8(ascii: "."), bytes.count > 1 else { return nil }
            bytes.removeFirst()
            let quoted = bytes.first == UInt8(ascii: "\"")
            let body = quoted ? Array(bytes.dropFirst()) : bytes
            let end =
                body.firstIndex(of: quoted ? UInt8(ascii: "\"") : UInt8(ascii: "."))
                ?? (quoted ? nil : body.endIndex)
            guard let end, quoted || !body[..<end].contains(UInt8(ascii: "[")) else { return nil }
            let key = body.withUnsafeBufferPointer { buffer in
                JSONEscapes.decode(buffer, 0..<end).map { points in
                    String(String.UnicodeScalarView(points.compactMap(Unicode.Scalar.init)))
                }
            }
            guard let key else { return nil }
            keys.append(key)
            bytes = Array(body[(quoted ? end + 1 : end)...])
        }
        return keys
    }
}

/// Why `airlock infer` cannot propose an entity.
package enum InferError: AirlockError, Equatable {
    case unknownFormat(file: String)

    package var exitStatus: ExitStatus { .usageOrConfig }

    package var description: String {
        switch self {
        case let .unknownFormat(file):
            return "\(file): cannot tell the format; infer reads .csv, .json, .ndjson, .jsonl and .xlsx files"
        }
    }
}
