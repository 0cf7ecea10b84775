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
        package var type: ColumnType
    }

    package struct Proposal: Equatable, Sendable {
        package var entity: String
        package var source: SourceSpec
        package var records: Int
        package var columns: [Column]
        /// Columns that are never empty and unique in the file, the likeliest key first.
        package var keyCandidates: [String]

        /// The proposal as spec YAML: an `entities:` block holding the one entity.
        package var yaml: String {
            var lines = [
                "# Proposed by airlock infer from \(records) records; check the types and the key before use.",
                "entities:",
                "  \(entity):", "    source:", "      files: \(Self.quoted(source.filePattern))"
            ]
            if !source.recordsPath.isEmpty { lines.append("      records: \(Self.quoted(source.recordsPath))") }
            if let key = keyCandidates.first {
                let others = keyCandidates.dropFirst()
                lines.append(
                    "    key: \(key)"
                        + (others.isEmpty ? "" : "    # also unique here: \(others.joined(separator: ", "))"))
            } else {
                lines.append(
                    "    key: \(columns[0].name)    # no field is unique and never empty in this file: choose the key")
            }
            lines.append("    columns:")
            for column in columns {
                lines.append(
                    "      \(column.name): {from: \(Self.quoted(column.from)), type: \(Self.quoted(column.type.description))}"
                )
            }
            return lines.joined(separator: "\n") + "\n"
        }

        /// A YAML double-quoted scalar; control characters as escapes (`\t`, `\x01`).
        static func quoted(_ text: String) -> String {
            var quoted = "\""
            for scalar in text.unicodeScalars {
                switch scalar {
                case "\\": quoted += "\\\\"
                case "\"": quoted += "\\\""
                case "\t": quoted += "\\t"
                case "\n": quoted += "\\n"
                case "\r": quoted += "\\r"
                case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                    quoted += "\\x" + String(format: "%02X", scalar.value)
                default: quoted.unicodeScalars.append(scalar)
                }
            }
            return quoted + "\""
        }
    }

    /// Field names that usually hold a closed set of labels.
    private static let labelNames = ["type", "status", "state", "method", "kind", "category", "channel"]

    package static func infer(_ url: URL) throws -> Proposal {
        let name = url.lastPathComponent
        guard let format = SourceSpec.Format(fileName: name) else {
            throw InferError.unknownFormat(file: name)
        }
        let entityName = Self.entityName(for: name)
        var source = SourceSpec(filePattern: "\(entityName)*.\(name.split(separator: ".").last!)", format: format)
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
            let fields = try Self.fields(format: format, in: db)
            var used: Set<String> = []
            var columns: [Column] = []
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
                let values = Normalizer(EntitySpec(name: entityName, source: source, key: [], columns: [column]))
                    .extract(column)
                columns.append(
                    Column(name: columnName, from: field, type: try Self.type(of: values, named: field, in: db)))
            }
            // Keys are identifiers: text or integers, unique and never empty.
            let keys = try columns.filter { [.text, .integer].contains($0.type) }.filter { column in
                let values = Normalizer(EntitySpec(name: entityName, source: source, key: [], columns: [])).extract(
                    ColumnSpec(name: column.name, from: column.from, type: .text))
                let row = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT count(*), count(DISTINCT v), count(*) FILTER (WHERE v IS NULL OR trim(v) = '') FROM (SELECT \(values) AS v FROM \(RawRecords.all))
                        """)!
                return row[0] == row[1] as Int && row[2] == 0 as Int
            }.map(\.name).sorted { keyRank($0) < keyRank($1) }
            return Proposal(
                entity: entityName, source: source, records: file.records, columns: columns, keyCandidates: keys)
        }
    }

    /// `payments-2026-11.csv` → `payments`: the name up to its first digit or dot, as an identifier.
    static func entityName(for fileName: String) -> String {
        let stem = fileName.prefix { $0 != "." && !$0.isNumber }
        let name = ValueParser.snakeCase(String(stem))
        return name.isEmpty || name.hasPrefix("airlock_")
            ? "records" : String(name.prefix(47)).replacingOccurrences(of: "__", with: "_")
    }

    /// Key-like names first: `id`, then `…_id`, then the rest in file order.
    private static func keyRank(_ name: String) -> Int {
        name == "id" ? 0 : name.hasSuffix("_id") ? 1 : 2
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
    private static func fields(format: SourceSpec.Format, in db: Database) throws -> [String] {
        let leaves = format.hasHeaderRow ? "json_each(r.record)" : "json_tree(r.record)"
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

    /// The narrowest type every non-empty value parses as.
    private static func type(of values: String, named field: String, in db: Database) throws -> ColumnType {
        func fits(_ type: ColumnType) throws -> Bool {
            try Int.fetchOne(
                db,
                sql: """
                    SELECT count(*) FROM (SELECT \(values) AS v FROM \(RawRecords.all))
                    WHERE v IS NOT NULL AND trim(v) <> '' AND \(WorkspaceFunctions.parseError("v", as: type)) IS NOT NULL
                    """) == 0
        }
        let wideDecimal = ColumnType.decimal(precision: 38, scale: 12)
        let present =
            try Int.fetchOne(
                db, sql: "SELECT count(*) FROM (SELECT \(values) AS v FROM \(RawRecords.all)) WHERE trim(v) <> ''") ?? 0
        guard present > 0 else { return .text }
        if try fits(.integer) { return .integer }
        if try fits(wideDecimal) {
            // Digits before and after the point, as the canonical 12-decimal text shows them.
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT max(length(ltrim(replace(substr(c, 1, instr(c, '.') - 1), '-', ''), '0'))),
                           max(length(rtrim(substr(c, instr(c, '.') + 1), '0')))
                    FROM (SELECT \(WorkspaceFunctions.parsed("v", as: wideDecimal)) AS c FROM (SELECT \(values) AS v FROM \(RawRecords.all)) WHERE trim(v) <> '')
                    """)!
            let scale = max(2, row[1] as Int? ?? 0)
            return .decimal(precision: min(38, max(12, (row[0] as Int? ?? 0) + scale + 4)), scale: scale)
        }
        if try fits(.boolean) { return .boolean }
        if try fits(.date) { return .date }
        if try fits(.timestamp) { return .timestamp }
        let labels = try Row.fetchOne(
            db,
            sql: """
                SELECT count(DISTINCT v), count(*), count(*) FILTER (WHERE v GLOB '*[- ]*'),
                       count(*) FILTER (WHERE length(v) > 40 OR v GLOB '*[^A-Za-z0-9 _-]*')
                FROM (SELECT \(values) AS v FROM \(RawRecords.all)) WHERE trim(v) <> ''
                """)!
        let (distinct, count, separated, unlike) = (
            labels[0] as Int, labels[1] as Int, labels[2] as Int, labels[3] as Int
        )
        let labelName = labelNames.contains {
            ValueParser.snakeCase(field).split(separator: "_").contains(Substring($0))
        }
        if unlike == 0 && distinct <= 20 && (labelName || (separated > 0 && distinct * 2 <= count)) {
            return .enumeration
        }
        return .text
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
