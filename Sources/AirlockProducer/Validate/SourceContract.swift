import AirlockBase
import AirlockSpec
import GRDB

/// The fields of an entity's files against the fields its spec reads: a field no column reads
/// (`source.unknown_fields`) and a field a column reads that no record of a file holds
/// (`source.missing_fields`), each a finding on the first record that shows it. A renamed
/// field shows as both; the missing one's finding names the new name when the file's records
/// hold the baseline's values under it (or a name spelled close to the old), so the fix is
/// one `from:`. A field present with a JSON null counts as held.
struct SourceContract {
    let normalizer: Normalizer
    private var entity: EntitySpec { normalizer.entity }
    private let dialect = SQLDialect.sqlite

    /// A field of one file that no column reads, with the first record holding it.
    private struct UnknownField {
        let file: String
        let field: String
        let rawID: Int64
    }

    /// The columns read from the records' fields: for a child, from its elements' fields
    /// (its parent's key is its parent's business, its position is no field).
    private var columnsRead: [ColumnSpec] {
        entity.columns.filter { column in
            guard column.rules.derivation == nil else { return false }
            guard let nesting = entity.nesting else { return true }
            return nesting.columnLevels[column.name] == nesting.depth && column.name != nesting.ordinal
        }
    }

    /// How findings name a field of the records: a child's as a field of its array's
    /// elements, `lines[].qty`.
    private func shown(_ field: String) -> String {
        entity.nesting.map { $0.fieldName(field, level: $0.depth) } ?? field
    }

    /// The records whose fields are checked, with `id` (their top record's), `file_sha256`
    /// and `record`: the raw records of `files`, or a child's elements in them.
    private func records(inFiles files: String) -> String {
        NestedRecords(entity)?.elements(inFiles: files)
            ?? "SELECT r.id, \(RawRecords.file) AS file_sha256, r.record FROM \(RawRecords.records(inFiles: files))"
    }

    /// The top-level source fields the spec reads, in spec order.
    private var fieldsRead: [String] {
        var fields = columnsRead.map(\.from)
        if case let .tombstone(field) = entity.source.deletion { fields.append(field) }
        // The arrays children read are read too, by them.
        fields += entity.childArrays.map { $0.joined(separator: ".") }
        let topLevel = entity.source.format.hasHeaderRow ? fields : fields.map { String($0.prefix { $0 != "." }) }
        var seen = Set<String>()
        return topLevel.filter { seen.insert($0).inserted }
    }

    func check(inFiles files: String, in db: Database) throws {
        let missing = try missingFields(inFiles: files, in: db)
        guard entity.source.unknownFields != nil || !missing.isEmpty else { return }
        let unknown = try unknownFields(inFiles: files, in: db)
        if let severity = entity.source.unknownFields {
            for field in unknown {
                try record(
                    shown(field.field), check: "unknown_fields", severity: severity, file: field.file,
                    rawID: field.rawID,
                    reason:
                        "the file holds a field the spec does not read, '\(shown(field.field))'; add a column for it (from: \(field.field)) or set source.unknown_fields: ignore",
                    in: db)
            }
        }
        for (column, file, rawID) in missing {
            let candidates = unknown.filter { $0.file == file }.map(\.field)
            let hint = try renameHint(for: column, among: candidates, inFile: file, in: db)
            try record(
                shown(column.from), check: "missing_fields", severity: entity.source.missingFields, file: file,
                rawID: rawID,
                reason: "no record of the file holds '\(shown(column.from))', which column \(column.name) reads\(hint)",
                in: db)
        }
    }

    /// The columns whose source field no record of a file holds, per file with its first
    /// record. A CSV file or a sheet is not asked: a header without a column the spec reads rejects it.
    private func missingFields(inFiles files: String, in db: Database) throws -> [(ColumnSpec, String, Int64)] {
        let columns = columnsRead
        guard !entity.source.format.hasHeaderRow, !columns.isEmpty else { return [] }
        let held = columns.map { column in
            let path = JSONPath.sqlPath(column.from.split(separator: ".").map(String.init))
            return "count(json_type(record, \(dialect.literal(path))))"
        }
        var missing: [(ColumnSpec, String, Int64)] = []
        for row in try Row.fetchAll(
            db,
            sql: """
                SELECT file_sha256, min(id), \(held.joined(separator: ", ")) FROM (\(records(inFiles: files)))
                GROUP BY file_sha256
                """)
        {
            for (index, column) in columns.enumerated() where row[index + 2] as Int == 0 {
                missing.append((column, row[0], row[1]))
            }
        }
        return missing
    }

    /// The top-level fields no column reads, per file, with the first record holding each. A
    /// CSV file's or a sheet's records all hold its header's fields, so its first record is
    /// enough; where the workspace keeps the header (`RawFields`), its names are compared as
    /// the header check and the columns compare them, as Swift strings.
    private func unknownFields(inFiles files: String, in db: Database) throws -> [UnknownField] {
        let known = fieldsRead
        var unknown: [UnknownField] = []
        var records = records(inFiles: files)
        if entity.source.format.hasHeaderRow {
            for row in try Row.fetchAll(
                db,
                sql:
                    "SELECT sha256, header, first_id FROM \(RawRecords.ranges) WHERE sha256 IN (\(files)) AND header IS NOT NULL"
            ) {
                let header = try RawRecords.header(row[1])
                unknown += header.filter { !known.contains($0) }.map {
                    UnknownField(file: row[0], field: $0, rawID: row[2])
                }
            }
            let withoutHeader = "SELECT sha256 FROM \(RawRecords.ranges) WHERE sha256 IN (\(files)) AND header IS NULL"
            records =
                "SELECT r.id, \(RawRecords.file) AS file_sha256, r.record FROM \(RawRecords.firstRecords(ofFiles: withoutHeader))"
        }
        let literals = known.map(dialect.literal).joined(separator: ", ")
        unknown += try Row.fetchAll(
            db,
            sql: """
                SELECT r.file_sha256, j.key, min(r.id) FROM (\(records)) AS r, json_each(r.record) AS j
                WHERE j.key NOT IN (\(literals)) GROUP BY 1, 2
                """
        ).map { UnknownField(file: $0[0], field: $0[1], rawID: $0[2]) }
        // By first record, then name as SQLite orders text: bytes.
        return unknown.sorted {
            $0.rawID != $1.rawID ? $0.rawID < $1.rawID : $0.field.utf8.lexicographicallyPrecedes($1.field.utf8)
        }
    }

    /// Where `column`'s field may have gone: the candidate under which the file's records hold
    /// the baseline's values for their keys (more than half of those that have one), else one
    /// spelled close to the old name, else the only candidate there is.
    private func renameHint(
        for column: ColumnSpec, among candidates: [String], inFile file: String, in db: Database
    ) throws -> String {
        let setting = "\(entity.nesting?.place ?? "entities.\(entity.name)").columns.\(column.name).from"
        guard !candidates.isEmpty else { return "" }
        let tables = EntityTables(entity), norm = NormalizedRecords(entity: entity)
        let keyMatch = entity.key.map { "b.\(dialect.identifier($0)) = n.\(norm.value(of: $0))" }
            .joined(separator: " AND ")
        let old = "b.\(dialect.identifier(column.name))"
        var best: (field: String, matches: Int, compared: Int)?
        // A child's records are elements the normalized rows no longer point to: spelling only.
        // Records here are JSON objects without a header: a header format is never asked
        // (`missingFields`).
        for candidate in candidates where entity.nesting == nil {
            var renamed = column
            renamed.from = candidate
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT count(*), count(*) FILTER (WHERE \(old) = \(normalizer.normalizedValue(of: renamed, fields: .none)))
                    FROM \(NormalizedRecords.table) AS n JOIN \(RawRecords.table) AS r ON r.id = n.raw_id
                    JOIN \(tables.baseline) AS b ON \(keyMatch)
                    WHERE n.file_sha256 = ? AND \(old) IS NOT NULL
                    """, arguments: [file])
            let (compared, matches) = (row?[0] as Int? ?? 0, row?[1] as Int? ?? 0)
            if matches * 2 > compared, matches > (best?.matches ?? 0) { best = (candidate, matches, compared) }
        }
        if let best {
            return
                "; its values are under '\(best.field)' now (\(best.matches) of \(best.compared) rows the baseline holds): set \(setting): \(best.field)"
        }
        guard
            let guess = NearestSpelling.of(column.from, among: candidates)
                ?? (candidates.count == 1 ? candidates[0] : nil)
        else { return "" }
        return "; if the source renamed it '\(guess)', set \(setting): \(guess)"
    }

    private func record(
        _ field: String, check: String, severity: Severity, file: String, rawID: Int64, reason: String,
        in db: Database
    ) throws {
        try QuarantineRecords.insert(
            entity: entity.name, field: dialect.literal(field), value: "NULL", reason: dialect.literal(reason),
            check: dialect.literal(check), severity: dialect.literal(severity.rawValue),
            from: "(SELECT \(rawID) AS raw_id, \(dialect.literal(file)) AS file_sha256)", where: "1", in: db)
    }
}
