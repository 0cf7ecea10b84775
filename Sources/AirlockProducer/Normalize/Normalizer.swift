import AirlockBase
import AirlockSpec
import GRDB

/// Builds an entity's snapshot (`snap_NAME`) from the raw records of its pending files, as set
/// work in SQLite: each field is extracted, cleaned (`nulls`, `trim`, `case`, `thousands`),
/// parsed to its type and mapped (`map`); the spec's checks run over the result
/// (`RecordChecks`); records with a quarantine finding are held back and their keys keep the
/// baseline row, so a bad value never turns into a delete; of records sharing a key the
/// dedupe winner is kept. A delta drop (`source.mode: delta`) deletes only the keys whose
/// winner is a tombstone and keeps the baseline row of every key it does not name. Then the
/// overrides correct what the source reports wrongly.
struct Normalizer {
    let entity: EntitySpec
    private var tables: EntityTables { EntityTables(entity) }
    private let dialect = SQLDialect.sqlite

    /// Where the entity's parents' rows stand, for references that hold orphans back; nil
    /// where nothing is checked against other entities (`infer`).
    let parents: CurrentRows?

    init(_ entity: EntitySpec, parents: CurrentRows? = nil) {
        self.entity = entity
        self.parents = parents
    }

    struct Report {
        var records = 0
        /// Records held back by a quarantine finding.
        var quarantined = 0
        /// Records replaced by the dedupe winner of their key.
        var superseded = 0
        /// Keys whose baseline row stays though no record of this drop made it: their records
        /// were held back, or a delta drop has none for them. The diff counts those rows as unchanged.
        var kept = 0
        /// Of `kept`, the rows a snapshot drop would have deleted but keeps because some of its
        /// records could not be read.
        var withheldDeletes = 0
        /// A delta drop with tombstones: the records that deleted their key (they won it over
        /// its other records); nil otherwise.
        var tombstones: Int?
        /// Rows each override changed, in the spec's order.
        var overridden: [Int] = []
        /// Per value of the spec's category column: records read and records quarantined.
        var byCategory: [String?: (processed: Int, quarantined: Int)] = [:]
        /// `kept`, `superseded` and `tombstones` per value of the category column.
        var keptByCategory: [String?: Int] = [:]
        var supersededByCategory: [String?: Int] = [:]
        var tombstonesByCategory: [String?: Int] = [:]
    }

    /// The pending files of this entity (a child's are its top-level ancestor's), as SQL, for `IN (...)`.
    private var pendingFiles: String { WorkspaceFile.pendingHashes(of: entity.filesEntity) }

    /// The keys a delta drop's tombstones delete, with the winning record's `raw_id`.
    private static let tombstonesTable = "airlock_tombstones"

    func normalize(in db: Database) throws -> Report {
        let norm = NormalizedRecords(entity: entity)
        try QuarantineRecords.delete(entity: entity.name, inFiles: pendingFiles, in: db)
        let nested = NestedRecords(entity)
        let fields = try RawFields(inFiles: pendingFiles, format: entity.source.format, in: db)
        try db.execute(sql: "DELETE FROM \(tables.snapshot)")
        var extracts = entity.columns.enumerated().map { index, column in
            column.rules.derivation == nil
                ? "\(clean(extract(column, fields: fields), column)) AS \(norm.text(index))"
                : "NULL AS \(norm.text(index))"
        }
        if case let .tombstone(field) = entity.source.deletion {
            extracts.append(
                "\(extract(ColumnSpec(name: field, from: field, type: .boolean), fields: fields)) AS \(NormalizedRecords.tombstone)"
            )
        } else {
            extracts.append("NULL AS \(NormalizedRecords.tombstone)")
        }
        extracts += spreadsheetColumns
        let records =
            nested?.records(inFiles: pendingFiles, extracts: extracts)
            ?? "SELECT r.id AS raw_id, \(RawRecords.file) AS file_sha256, NULL AS \(NormalizedRecords.element), \(extracts.joined(separator: ", ")) FROM \(RawRecords.records(inFiles: pendingFiles))"
        try norm.create(from: records, value: { value(of: entity.columns[$0], norm.text($0)) }, in: db)
        if case let .when(condition) = entity.source.deletion { try norm.markDeletes(where: condition, in: db) }
        if let nested {
            try nested.admit(in: db)
            try nested.checkShapes(inFiles: pendingFiles, in: db)
        }
        try SourceContract(normalizer: self).check(inFiles: pendingFiles, in: db)
        try RecordChecks(entity, parents: parents).run(in: db)

        let quarantinedIDs = QuarantineRecords.heldBack(entity: entity.name, inFiles: pendingFiles)
        let admitted = "raw_id NOT IN (\(quarantinedIDs))"
        // The last row inserted for a key replaces the others: order so that the winner comes
        // last. A child's records share their top record's id; rowid keeps their array order.
        let winnerLast: String
        switch entity.dedupe {
        case .last:
            winnerLast = "raw_id, rowid"
            try norm.indexRecordOrder(in: db)
        case let .latest(column): winnerLast = "\(norm.value(of: column)) NULLS FIRST, raw_id, rowid"
        }
        try db.execute(
            sql: """
                INSERT OR REPLACE INTO \(tables.snapshot) (\(tables.sql.columns))
                SELECT \(norm.values) FROM \(NormalizedRecords.table)
                WHERE \(admitted) AND \(NormalizedRecords.deletes) = 0 ORDER BY \(winnerLast)
                """)
        var report = Report()
        report.records = try Int.fetchOne(db, sql: "SELECT count(*) FROM \(NormalizedRecords.table)") ?? 0
        report.quarantined =
            try Int.fetchOne(
                db, sql: "SELECT count(*) FROM \(NormalizedRecords.table) WHERE raw_id IN (\(quarantinedIDs))") ?? 0
        if entity.source.deletion != nil {
            report.tombstones = try deleteTombstonedKeys(admitted: admitted, winnerLast: winnerLast, in: db)
        }
        let snapshotRows = try Int.fetchOne(db, sql: "SELECT count(*) FROM \(tables.snapshot)") ?? 0
        report.superseded = report.records - report.quarantined - snapshotRows - (report.tombstones ?? 0)
        if let category = entity.category {
            try countByCategory(category, quarantinedIDs: quarantinedIDs, into: &report, in: db)
        }
        if !entity.childArrays.isEmpty {
            try NestedRecords.recordMade(of: entity, admitted: admitted, winnerLast: winnerLast, in: db)
        }
        if let nested {
            // Parents are normalized first, so the parent's table holds its rows after this run.
            guard let parents else { preconditionFailure("a child entity is normalized with its parents' rows") }
            report.kept = try nested.keepRowsOfKeptParents(parentRows: parents.table(of: nested.nesting.parent), in: db)
        } else {
            try keepBaselineRows(quarantinedIDs: quarantinedIDs, into: &report, in: db)
        }
        try derive(in: db)
        report.overridden = try applyOverrides(in: db)
        try norm.drop(in: db)
        try db.execute(sql: "DROP TABLE IF EXISTS temp.\(Self.tombstonesTable)")
        return report
    }

    /// Removes from the snapshot the keys whose dedupe winner, among the admitted records, is
    /// a tombstone, and keeps them in `tombstonesTable`; returns how many there are.
    private func deleteTombstonedKeys(admitted: String, winnerLast: String, in db: Database) throws -> Int {
        let norm = NormalizedRecords(entity: entity)
        let keys = entity.key.map { "\(norm.value(of: $0)) AS \(tables.sql.name($0))" }.joined(separator: ", ")
        let winner =
            "OVER (PARTITION BY \(norm.keyValues) ORDER BY \(winnerLast) ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)"
        try db.execute(sql: "DROP TABLE IF EXISTS temp.\(Self.tombstonesTable)")
        try db.execute(
            sql: """
                CREATE TEMP TABLE \(Self.tombstonesTable) AS
                SELECT DISTINCT raw_id, \(tables.sql.key) FROM (
                  SELECT \(keys), last_value(raw_id) \(winner) AS raw_id, last_value(\(NormalizedRecords.deletes)) \(winner) AS deletes
                  FROM \(NormalizedRecords.table) WHERE \(admitted))
                WHERE deletes = 1
                """)
        try db.execute(
            sql: """
                DELETE FROM \(tables.snapshot)
                WHERE (\(tables.sql.key)) IN (SELECT \(tables.sql.key) FROM \(Self.tombstonesTable))
                """)
        return try Int.fetchOne(db, sql: "SELECT count(*) FROM \(Self.tombstonesTable)") ?? 0
    }

    /// Records read, held back, superseded and deleting per value of the category column, as
    /// each record gives it. Before kept rows and overrides, the snapshot holds one winner per
    /// key of the admitted records that write their key.
    private func countByCategory(
        _ category: String, quarantinedIDs: String, into report: inout Report, in db: Database
    ) throws {
        let norm = NormalizedRecords(entity: entity)
        let value = norm.value(of: category)
        func counts(_ sql: String) throws -> [String?: Int] {
            try Dictionary(
                Row.fetchAll(db, sql: sql).map { ($0[0] as String?, $0[1] as Int) }, uniquingKeysWith: +)
        }
        let winners = try counts(
            "SELECT CAST(\(tables.sql.name(category)) AS TEXT), count(*) FROM \(tables.snapshot) GROUP BY 1")
        if report.tombstones != nil {
            report.tombstonesByCategory = try counts(
                """
                SELECT CAST(n.\(value) AS TEXT), count(*) FROM \(Self.tombstonesTable) AS t
                JOIN \(NormalizedRecords.table) AS n ON n.raw_id = t.raw_id GROUP BY 1
                """)
        }
        for row in try Row.fetchAll(
            db,
            sql: """
                SELECT CAST(\(value) AS TEXT), count(*), count(*) FILTER (WHERE raw_id IN (\(quarantinedIDs))) FROM \(NormalizedRecords.table) GROUP BY 1
                """)
        {
            // Values SQLite tells apart by their bytes may be one Swift String (precomposed
            // and decomposed é): they count as one category, added up.
            let (value, processed, quarantined) = (row[0] as String?, row[1] as Int, row[2] as Int)
            let before = report.byCategory[value] ?? (0, 0)
            report.byCategory[value] = (before.processed + processed, before.quarantined + quarantined)
        }
        for (value, read) in report.byCategory where read.processed > read.quarantined {
            report.supersededByCategory[value] =
                read.processed - read.quarantined - (winners[value] ?? 0) - (report.tombstonesByCategory[value] ?? 0)
        }
    }

    /// Puts the baseline row back for each key the snapshot lacks though the drop did not
    /// delete it: keys whose records were all held back (a bad value never turns into a
    /// delete); in a delta drop, every key it does not name or names only to delete; in a
    /// snapshot drop with records that could not be read (a line cut short, say), every key,
    /// since an unread record's key may be any of them.
    private func keepBaselineRows(quarantinedIDs: String, into report: inout Report, in db: Database) throws {
        let norm = NormalizedRecords(entity: entity)
        let key = tables.sql.key
        let absent = "(\(key)) NOT IN (SELECT \(key) FROM \(tables.snapshot))"
        switch entity.source.mode {
        case .delta:
            let untouched =
                report.tombstones == nil ? "1" : "(\(key)) NOT IN (SELECT \(key) FROM \(Self.tombstonesTable))"
            report.kept = try keepBaselineRows(where: "\(absent) AND \(untouched)", into: &report, in: db)
        case .snapshot:
            report.kept = try keepBaselineRows(
                where:
                    "\(absent) AND (\(key)) IN (SELECT \(norm.keyValues) FROM \(NormalizedRecords.table) WHERE raw_id IN (\(quarantinedIDs)))",
                into: &report, in: db)
            if try UnparsedRecords.count(inFiles: pendingFiles, in: db) > 0 {
                report.withheldDeletes = try keepBaselineRows(where: absent, into: &report, in: db)
                report.kept += report.withheldDeletes
            }
        }
    }

    /// Copies the baseline rows `condition` selects into the snapshot, counting them per
    /// category into `report`; returns how many.
    private func keepBaselineRows(where condition: String, into report: inout Report, in db: Database) throws -> Int {
        let keptRows = "FROM \(tables.baseline) WHERE \(condition)"
        if let category = entity.category {
            for row in try Row.fetchAll(
                db, sql: "SELECT CAST(\(tables.sql.name(category)) AS TEXT), count(*) \(keptRows) GROUP BY 1")
            {
                report.keptByCategory[row[0] as String?, default: 0] += row[1] as Int
            }
        }
        try db.execute(
            sql: "INSERT INTO \(tables.snapshot) (\(tables.sql.columns)) SELECT \(tables.sql.columns) \(keptRows)")
        return db.changesCount
    }

    /// SQL: the normalized value of `column`'s source field in the raw record `r`, of a file
    /// `fields` knows how it stored.
    func normalizedValue(of column: ColumnSpec, fields: RawFields) -> String {
        value(of: column, clean(extract(column, fields: fields), column))
    }

    /// The spec's cleaning of a source field, in SQL: null spellings, trimming, case, digit groups.
    private func clean(_ text: String, _ column: ColumnSpec) -> String {
        let rules = column.rules
        var sql = text
        if !rules.nullSpellings.isEmpty {
            sql =
                "CASE WHEN trim(\(sql)) IN (\(rules.nullSpellings.map(dialect.literal).joined(separator: ", "))) THEN NULL ELSE \(sql) END"
        }
        if rules.trim ?? false { sql = "trim(\(sql), ' ' || char(9, 10, 13))" }
        if let fold = rules.caseFold { sql = "airlock_fold_case(\(sql), \(dialect.literal(fold.rawValue)))" }
        if let separator = rules.thousandsSeparator {
            let groupMarks = separator == " " ? [" ", "\u{A0}", "\u{202F}"] : [separator]
            for mark in groupMarks { sql = "replace(\(sql), \(dialect.literal(mark)), '')" }
        }
        // Digit groups go first, so a point that grouped digits is gone before a comma becomes the point.
        if let mark = rules.decimalSeparator, mark != "." { sql = "replace(\(sql), \(dialect.literal(mark)), '.')" }
        return sql
    }

    /// A spreadsheet's records' cells without a value and date system, as `NormalizedRecords` keeps them.
    private var spreadsheetColumns: [String] {
        guard entity.source.format == .xlsx else {
            return ["NULL AS \(NormalizedRecords.cellProblems)", "NULL AS \(NormalizedRecords.date1904)"]
        }
        return [
            "(SELECT json_group_object(key, \(SheetValue.problemSQL(of: "value"))) FROM json_each(r.record) WHERE type = 'object') AS \(NormalizedRecords.cellProblems)",
            "\(SheetRecords.date1904(ofFile: RawRecords.file)) AS \(NormalizedRecords.date1904)"
        ]
    }

    /// The canonical value of cleaned text: parsed (text is taken as given, with no call into
    /// Swift), then mapped.
    private func value(of column: ColumnSpec, _ text: String) -> String {
        let parsed = ColumnParsing(column: column, format: entity.source.format).value(text)
        guard !column.rules.valueMap.isEmpty else { return parsed }
        let cases = column.rules.valueMap.map { "WHEN \(dialect.literal($0.from)) THEN \(dialect.literal($0.to))" }
            .joined(separator: " ")
        return "CASE \(parsed) \(cases) ELSE \(parsed) END"
    }

    /// Computes the derived columns of every snapshot row, in spec order, as their type's canonical values.
    private func derive(in db: Database) throws {
        for column in entity.columns {
            guard let expression = column.rules.derivation else { continue }
            let value = WorkspaceFunctions.parsed("(\(expression))", as: column.type)
            try db.execute(sql: "UPDATE \(tables.snapshot) SET \(dialect.identifier(column.name)) = \(value)")
        }
    }

    /// Runs each override on the snapshot; returns how many rows each changed. A row that
    /// already holds the override's values is left alone, so a second run changes nothing.
    private func applyOverrides(in db: Database) throws -> [Int] {
        var changed: [Int] = []
        for override in entity.overrides {
            let pairs = override.set.map { column, value -> (String, String) in
                switch value {
                case let .integer(number): return (dialect.identifier(column), String(number))
                case let .text(text): return (dialect.identifier(column), dialect.literal(text))
                }
            }
            try db.execute(
                sql: """
                    UPDATE \(tables.snapshot) SET \(pairs.map { "\($0) = \($1)" }.joined(separator: ", "))
                    WHERE (\(override.when)) AND NOT (\(pairs.map { "\($0) IS \($1)" }.joined(separator: " AND ")))
                    """)
            changed.append(db.changesCount)
        }
        return changed
    }

    /// The source field of the raw record `r` as text, numbers exactly as written: `->` keeps a
    /// JSON number's own text, where `json_extract` would turn it into a binary double. A CSV
    /// record is a row of fields (`fields` says each file's header), or in a file too wide for
    /// that an object of strings, which needs no look at their JSON type (a third of extraction
    /// time). A spreadsheet's record is an object under its file's header, read by the
    /// header's own spelling as a CSV file's is (`fields`); a cell with no value (a JSON
    /// object, see `SheetValue`) reads as what it showed.
    func extract(_ column: ColumnSpec, fields: RawFields) -> String {
        switch entity.source.format {
        case .csv:
            return fields.text(of: column.from) { "json_extract(r.record, \(dialect.literal(JSONPath.sqlPath([$0]))))" }
        case .xlsx:
            return fields.text(of: column.from) { jsonText(of: "r.record", at: [$0]) }
        case .json, .ndjson:
            let keys = column.from.split(separator: ".").map(String.init)
            guard let nested = NestedRecords(entity) else { return jsonText(of: "r.record", at: keys) }
            if let level = nested.nesting.positions[column.name] { return nested.positionText(level: level) }
            return jsonText(of: nested.object(of: column), at: keys)
        }
    }

    /// SQL: the value at `keys` of the JSON object `record` as text, numbers as written.
    private func jsonText(of record: String, at keys: [String]) -> String {
        let path = dialect.literal(JSONPath.sqlPath(keys))
        let shown =
            entity.source.format == .xlsx
            ? "WHEN 'object' THEN \(SheetValue.shownSQL(of: "(\(record) -> \(path))")) " : ""
        return """
            CASE json_type(\(record), \(path)) WHEN 'integer' THEN \(record) -> \(path) WHEN 'real' THEN \(record) -> \(path) \
            WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' \(shown)ELSE json_extract(\(record), \(path)) END
            """
    }
}
