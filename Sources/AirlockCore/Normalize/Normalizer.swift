import GRDB

/// Builds an entity's snapshot (`snap_NAME`) from the raw records of its pending files, as set
/// work in SQLite. Records with a value that does not fit its type, or with an empty key, go to
/// `airlock_quarantine` with the field and reason; the rest proceed. A quarantined key keeps
/// its baseline row, so a bad value never turns into a delete in the target.
struct Normalizer {
    let entity: EntitySpec
    private var tables: EntityTables { EntityTables(entity) }
    private let dialect = SQLDialect.sqlite

    init(_ entity: EntitySpec) { self.entity = entity }

    struct Report {
        var records = 0
        var quarantined = 0
        /// Records replaced by a later record with the same key (the later one wins).
        var superseded = 0
        /// Per value of the spec's category column: records read and records quarantined.
        var byCategory: [String?: (processed: Int, quarantined: Int)] = [:]
    }

    /// Why a record with no key value is quarantined.
    static let emptyKeyReason = "the key is empty"

    /// The pending files of this entity, as SQL, for `IN (...)`.
    private var pendingFiles: String {
        "SELECT sha256 FROM airlock_files WHERE state = 'pending' AND entity = \(dialect.literal(entity.name))"
    }

    func normalize(in db: Database) throws -> Report {
        try db.execute(sql: "DELETE FROM airlock_quarantine WHERE file_sha256 IN (\(pendingFiles))")
        try db.execute(sql: "DELETE FROM \(tables.snapshot)")
        try db.execute(sql: "DROP TABLE IF EXISTS temp.airlock_norm")
        let extracts = entity.columns.enumerated().map { index, column in "\(extract(column)) AS r\(index)" }
        // Text is taken as given (extracts are text or NULL), so it needs no call into Swift.
        let parses = entity.columns.enumerated().map { index, column in
            column.type == .text ? "r\(index) AS v\(index)" : "airlock_parse(r\(index), \(dialect.literal(column.type.description))) AS v\(index)"
        }
        try db.execute(sql: """
            CREATE TEMP TABLE airlock_norm AS
            SELECT raw_id, file_sha256, \((0..<entity.columns.count).map { "r\($0)" }.joined(separator: ", ")), \(parses.joined(separator: ", "))
            FROM (SELECT r.id AS raw_id, r.file_sha256, \(extracts.joined(separator: ", "))
                  FROM airlock_raw AS r WHERE r.file_sha256 IN (\(pendingFiles)))
            """)
        try quarantineBadRecords(in: db)

        let quarantinedIDs = "SELECT raw_id FROM airlock_quarantine WHERE file_sha256 IN (\(pendingFiles))"
        let values = entity.columns.indices.map { "v\($0)" }.joined(separator: ", ")
        try db.execute(sql: """
            INSERT OR REPLACE INTO \(tables.snapshot) (\(tables.columnList))
            SELECT \(values) FROM airlock_norm WHERE raw_id NOT IN (\(quarantinedIDs)) ORDER BY raw_id
            """)
        let keyValues = keyIndices.map { "v\($0)" }
        try db.execute(sql: """
            INSERT OR IGNORE INTO \(tables.snapshot) (\(tables.columnList))
            SELECT \(tables.columnList) FROM \(tables.baseline)
            WHERE (\(tables.keyList)) IN (SELECT \(keyValues.joined(separator: ", ")) FROM airlock_norm
                                         WHERE raw_id IN (\(quarantinedIDs)))
            """)

        var report = Report()
        report.records = try Int.fetchOne(db, sql: "SELECT count(*) FROM airlock_norm") ?? 0
        report.quarantined = try Int.fetchOne(db, sql: "SELECT count(DISTINCT raw_id) FROM airlock_quarantine WHERE file_sha256 IN (\(pendingFiles))") ?? 0
        let admitted = report.records - report.quarantined
        let distinctKeys = try Int.fetchOne(db, sql: """
            SELECT count(*) FROM (SELECT DISTINCT \(keyValues.joined(separator: ", ")) FROM airlock_norm WHERE raw_id NOT IN (\(quarantinedIDs)))
            """) ?? 0
        report.superseded = admitted - distinctKeys
        if let category = entity.category, let index = entity.columns.firstIndex(where: { $0.name == category }) {
            // The parsed value where it parsed, so quarantined records are counted where they belong.
            for row in try Row.fetchAll(db, sql: """
                SELECT CAST(v\(index) AS TEXT), count(*), count(*) FILTER (WHERE raw_id IN (\(quarantinedIDs))) FROM airlock_norm GROUP BY 1
                """) {
                report.byCategory[row[0] as String?] = (row[1], row[2])
            }
        }
        try db.execute(sql: "DROP TABLE temp.airlock_norm")
        return report
    }

    private var keyIndices: [Int] { entity.key.map { key in entity.columns.firstIndex { $0.name == key }! } }

    private func quarantineBadRecords(in db: Database) throws {
        for (index, column) in entity.columns.enumerated() {
            let isKey = entity.key.contains(column.name)
            let reason = isKey
                ? "coalesce(airlock_parse_error(r\(index), \(dialect.literal(column.type.description))), \(dialect.literal(Self.emptyKeyReason)))"
                : "airlock_parse_error(r\(index), \(dialect.literal(column.type.description)))"
            try db.execute(sql: """
                INSERT INTO airlock_quarantine (raw_id, file_sha256, entity, field, value, reason)
                SELECT raw_id, file_sha256, ?, ?, r\(index), \(reason)
                FROM airlock_norm WHERE v\(index) IS NULL AND \(reason) IS NOT NULL
                """, arguments: [entity.name, column.from])
        }
    }

    /// The source field as text, numbers exactly as written: `->` keeps a JSON number's own
    /// text, where `json_extract` would turn it into a binary double.
    func extract(_ column: ColumnSpec) -> String {
        let keys = entity.source.format == .csv ? [column.from] : column.from.split(separator: ".").map(String.init)
        let path = dialect.literal(JSONPath.sqlPath(keys))
        return """
            CASE json_type(r.record, \(path)) WHEN 'integer' THEN r.record -> \(path) WHEN 'real' THEN r.record -> \(path) \
            WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' ELSE json_extract(r.record, \(path)) END
            """
    }
}
