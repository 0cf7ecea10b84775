import AirlockBase
import AirlockSpec
import GRDB

/// Builds an entity's snapshot (`snap_NAME`) from the raw records of its pending files, as set
/// work in SQLite: each field is extracted, cleaned (`nulls`, `trim`, `case`, `thousands`),
/// parsed to its type and mapped (`map`); the spec's checks run over the result
/// (`RecordChecks`); records with a quarantine finding are held back and their keys keep the
/// baseline row, so a bad value never turns into a delete; of records sharing a key the
/// dedupe winner is kept; then the overrides correct what the source reports wrongly.
struct Normalizer {
    let entity: EntitySpec
    private var tables: EntityTables { EntityTables(entity) }
    private let dialect = SQLDialect.sqlite

    init(_ entity: EntitySpec) { self.entity = entity }

    struct Report {
        var records = 0
        /// Records held back by a quarantine finding.
        var quarantined = 0
        /// Records replaced by the dedupe winner of their key.
        var superseded = 0
        /// Keys whose baseline row stays because their records were held back: the diff counts
        /// those rows as unchanged, but no record of this drop made them.
        var kept = 0
        /// Rows an override changed.
        var overridden = 0
        /// Per value of the spec's category column: records read and records quarantined.
        var byCategory: [String?: (processed: Int, quarantined: Int)] = [:]
        /// `kept` and `superseded` per value of the category column.
        var keptByCategory: [String?: Int] = [:]
        var supersededByCategory: [String?: Int] = [:]
    }

    /// The pending files of this entity, as SQL, for `IN (...)`.
    private var pendingFiles: String { WorkspaceFile.pendingHashes(of: entity.name) }

    func normalize(in db: Database) throws -> Report {
        let norm = NormalizedRecords(entity: entity)
        try QuarantineRecords.delete(inFiles: pendingFiles, in: db)
        try db.execute(sql: "DELETE FROM \(tables.snapshot)")
        let extracts = entity.columns.enumerated().map { index, column in
            column.rules.derivation == nil
                ? "\(clean(extract(column), column)) AS \(norm.text(index))" : "NULL AS \(norm.text(index))"
        }
        try norm.create(
            from:
                "SELECT r.id AS raw_id, r.file_sha256, \(extracts.joined(separator: ", ")) FROM \(RawRecords.records(inFiles: pendingFiles))",
            value: { value(of: entity.columns[$0], norm.text($0)) }, in: db)
        try RecordChecks(entity).run(in: db)

        let quarantinedIDs = QuarantineRecords.heldBack(inFiles: pendingFiles)
        let values = norm.values
        // The last row inserted for a key replaces the others: order so that the winner comes last.
        let winnerLast: String
        switch entity.dedupe {
        case .last: winnerLast = "raw_id"
        case let .latest(column): winnerLast = "\(norm.value(of: column)) NULLS FIRST, raw_id"
        }
        try db.execute(
            sql: """
                INSERT OR REPLACE INTO \(tables.snapshot) (\(tables.sql.columns))
                SELECT \(values) FROM \(NormalizedRecords.table) WHERE raw_id NOT IN (\(quarantinedIDs)) ORDER BY \(winnerLast)
                """)
        var report = Report()
        report.records = try Int.fetchOne(db, sql: "SELECT count(*) FROM \(NormalizedRecords.table)") ?? 0
        report.quarantined = try Int.fetchOne(db, sql: "SELECT count(DISTINCT raw_id) FROM (\(quarantinedIDs))") ?? 0
        let snapshotRows = try Int.fetchOne(db, sql: "SELECT count(*) FROM \(tables.snapshot)") ?? 0
        report.superseded = report.records - report.quarantined - snapshotRows
        if let category = entity.category, let index = entity.columns.firstIndex(where: { $0.name == category }) {
            // Before kept rows and overrides, the snapshot holds one winner per key of the admitted
            // records. Records count by their parsed value, so quarantined ones count where they belong.
            let winners = try Dictionary(
                Row.fetchAll(
                    db,
                    sql: """
                        SELECT CAST(\(tables.sql.name(category)) AS TEXT), count(*) FROM \(tables.snapshot) GROUP BY 1
                        """
                ).map { ($0[0] as String?, $0[1] as Int) }, uniquingKeysWith: +)
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT CAST(\(norm.value(index)) AS TEXT), count(*), count(*) FILTER (WHERE raw_id IN (\(quarantinedIDs))) FROM \(NormalizedRecords.table) GROUP BY 1
                    """)
            {
                // Values SQLite tells apart by their bytes may be one Swift String (precomposed
                // and decomposed é): they count as one category, added up.
                let (value, processed, quarantined) = (row[0] as String?, row[1] as Int, row[2] as Int)
                let before = report.byCategory[value] ?? (0, 0)
                report.byCategory[value] = (before.processed + processed, before.quarantined + quarantined)
            }
            for (value, read) in report.byCategory where read.processed > read.quarantined {
                report.supersededByCategory[value] = read.processed - read.quarantined - (winners[value] ?? 0)
            }
        }
        let keptRows = """
            FROM \(tables.baseline) AS b
            WHERE (\(tables.sql.key)) IN (SELECT \(norm.keyValues) FROM \(NormalizedRecords.table) WHERE raw_id IN (\(quarantinedIDs)))
              AND (\(tables.sql.key)) NOT IN (SELECT \(tables.sql.key) FROM \(tables.snapshot))
            """
        if let category = entity.category {
            for row in try Row.fetchAll(
                db, sql: "SELECT CAST(b.\(tables.sql.name(category)) AS TEXT), count(*) \(keptRows) GROUP BY 1")
            {
                report.keptByCategory[row[0] as String?, default: 0] += row[1] as Int
            }
        }
        try db.execute(
            sql: "INSERT INTO \(tables.snapshot) (\(tables.sql.columns)) SELECT \(tables.sql.columns) \(keptRows)")
        report.kept = (try Int.fetchOne(db, sql: "SELECT count(*) FROM \(tables.snapshot)") ?? 0) - snapshotRows
        try derive(in: db)
        report.overridden = try applyOverrides(in: db)
        try norm.drop(in: db)
        return report
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
        if let separator = rules.thousandsSeparator { sql = "replace(\(sql), \(dialect.literal(separator)), '')" }
        return sql
    }

    /// The canonical value of cleaned text: parsed (text is taken as given, with no call into
    /// Swift), then mapped.
    private func value(of column: ColumnSpec, _ text: String) -> String {
        let parsed =
            column.type == .text
            ? text
            : WorkspaceFunctions.parsed(column.rules.timestampFormat.map { $0.sql(text) } ?? text, as: column.type)
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

    /// Runs each override on the snapshot; returns how many rows they changed. A row that
    /// already holds the override's values is left alone, so a second run changes nothing.
    private func applyOverrides(in db: Database) throws -> Int {
        var changed = 0
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
            changed += db.changesCount
        }
        return changed
    }

    /// The source field as text, numbers exactly as written: `->` keeps a JSON number's own
    /// text, where `json_extract` would turn it into a binary double. A CSV record holds only
    /// strings, so its fields need no look at their JSON type (a third of extraction time).
    func extract(_ column: ColumnSpec) -> String {
        guard entity.source.format != .csv else {
            return "json_extract(r.record, \(dialect.literal(JSONPath.sqlPath([column.from]))))"
        }
        let path = dialect.literal(JSONPath.sqlPath(column.from.split(separator: ".").map(String.init)))
        return """
            CASE json_type(r.record, \(path)) WHEN 'integer' THEN r.record -> \(path) WHEN 'real' THEN r.record -> \(path) \
            WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' ELSE json_extract(r.record, \(path)) END
            """
    }
}
