import AirlockBase
import AirlockSpec
import GRDB

/// The records of a child entity (`Nesting`), as SQL: SQLite walks the top-level entity's
/// raw records down to the child's array (`json_each` per level), one record per object.
///
/// A child's rows follow the row of their parent: a parent row the drop made from a record
/// gets exactly the children that record holds (so a line gone from an order is deleted);
/// a parent row kept from the baseline (its record held back, a delta drop that does not
/// name it) keeps its children's baseline rows; a parent the drop deletes takes its children
/// with it. Which record made which parent row is in `madeTable`, written by the parent's
/// normalizer; a child's findings hold back the whole array of that record, so an order's
/// lines are never half new and half old.
struct NestedRecords {
    let entity: EntitySpec
    let nesting: Nesting
    private let dialect = SQLDialect.sqlite

    init?(_ entity: EntitySpec) {
        guard let nesting = entity.nesting else { return nil }
        self.entity = entity
        self.nesting = nesting
    }

    /// `temp.airlock_made`: per entity with children, the raw record (`raw_id`) and, for a
    /// child, the element in it (`element`, `lines[1]`) that made each of its snapshot's
    /// rows, and that row's key as a JSON array (`key`).
    static let madeTable = "airlock_made"

    /// The JSON object a column of the level `level` is read from: the top record without this
    /// child's array (`r.head`), or the element `eN.value` of the array of level N. A column
    /// of the top record is read once per element: from the whole record, which holds every
    /// element, each read would go over them all again (an order of 20,000 lines took 4 s).
    static func object(level: Int) -> String { level == 0 ? "r.head" : "e\(level).value" }

    /// The JSON value that holds the array of level `level + 1`: the whole top record, or the
    /// element `eN.value` of the array of level N.
    private static func container(level: Int) -> String { level == 0 ? "r.record" : "e\(level).value" }

    /// The object `column` is read from.
    func object(of column: ColumnSpec) -> String { Self.object(level: nesting.columnLevels[column.name] ?? 0) }

    /// SQL text of the element's place in its top record, `lines[0].taxes[1]` (JSON array
    /// indexes, from 0), down to `level`.
    func elementPath(level: Int) -> String {
        (1...level).map { index in
            let prefix = (index == 1 ? "" : ".") + nesting.levels[index - 1].joined(separator: ".") + "["
            return "\(dialect.literal(prefix)) || e\(index).key || ']'"
        }.joined(separator: " || ")
    }

    /// SQL: the position from 1, as text, of the element of the array of `level` (this
    /// child's, or an ancestor's), for a `key: ordinal` column.
    func positionText(level: Int) -> String { "CAST(e\(level).key + 1 AS TEXT)" }

    private func arrayPath(_ level: Int) -> String { dialect.literal(JSONPath.sqlPath(nesting.levels[level - 1])) }

    /// FROM items and conditions walking the top records of `files` down to `depth`: the
    /// arrays of every level and, below `depth`'s own array, objects only; only records that
    /// made a row of the parent.
    private func walk(inFiles files: String, to depth: Int, objects: Bool) -> String {
        // Materialized, so each record's head is cut once, not once per element.
        let records = """
            (WITH top AS MATERIALIZED (SELECT r.id, \(RawRecords.file) AS file_sha256, r.record, json_remove(r.record, \(arrayPath(1))) AS head
              FROM \(RawRecords.records(inFiles: files)))
            SELECT * FROM top) AS r
            """
        var from = [records]
        var conditions = [
            "r.id IN (SELECT raw_id FROM temp.\(Self.madeTable) WHERE entity = \(dialect.literal(nesting.parent)))"
        ]
        for level in stride(from: 1, through: depth, by: 1) {
            from.append("json_each(\(Self.container(level: level - 1)), \(arrayPath(level))) AS e\(level)")
            conditions.append("json_type(\(Self.container(level: level - 1)), \(arrayPath(level))) = 'array'")
            if level < depth || objects { conditions.append("e\(level).type = 'object'") }
        }
        return "\(from.joined(separator: ", ")) WHERE \(conditions.joined(separator: " AND "))"
    }

    /// A SELECT of the records for `NormalizedRecords.create`: `raw_id` (the top record's, so
    /// findings name its file, line and record), `file_sha256`, `element` and `extracts`.
    func records(inFiles files: String, extracts: [String]) -> String {
        let order = (1...nesting.depth).map { "e\($0).id" }.joined(separator: ", ")
        return """
            SELECT r.id AS raw_id, r.file_sha256, \(elementPath(level: nesting.depth)) AS \(NormalizedRecords.element), \
            \(extracts.joined(separator: ", ")) FROM \(walk(inFiles: files, to: nesting.depth, objects: true)) ORDER BY r.id, \(order)
            """
    }

    /// A SELECT of the child's elements in `files`, whose fields the source contract checks:
    /// `id` (the top record's), `file_sha256` and `record` (the element).
    func elements(inFiles files: String) -> String {
        "SELECT r.id AS id, r.file_sha256, e\(nesting.depth).value AS record FROM \(walk(inFiles: files, to: nesting.depth, objects: true))"
    }

    /// Findings on arrays the child cannot read, each holding back the whole array of its top
    /// record: a field at the array's path that is not an array (absent or null is no
    /// children), and elements that are not objects.
    func checkShapes(inFiles files: String, in db: Database) throws {
        let depth = nesting.depth, path = arrayPath(depth), parent = Self.container(level: depth - 1)
        let place = dialect.literal(nesting.levels[depth - 1].joined(separator: "."))
        let field = depth == 1 ? place : "\(elementPath(level: depth - 1)) || '.' || \(place)"
        try insertFindings(
            field: field, value: "\(parent) -> \(path)",
            reason: "'expected an array of objects, found ' || json_type(\(parent), \(path))",
            from: walk(inFiles: files, to: depth - 1, objects: true),
            where: "json_type(\(parent), \(path)) NOT IN ('array', 'null')", in: db)
        try insertFindings(
            field: elementPath(level: depth), value: "e\(depth).value",
            reason: "'expected an object, found ' || e\(depth).type",
            from: walk(inFiles: files, to: depth, objects: false),
            where: "e\(depth).type <> 'object'", in: db)
    }

    /// Quarantine findings over the walk `from`, with `field`, `value` and `reason` SQL over it.
    private func insertFindings(
        field: String, value: String, reason: String, from walk: String, where condition: String, in db: Database
    ) throws {
        try QuarantineRecords.insert(
            entity: entity.name, field: "field", value: "value", reason: "reason", check: dialect.literal(Self.check),
            severity: dialect.literal(Severity.quarantine.rawValue),
            from:
                "(SELECT r.id AS raw_id, r.file_sha256, \(field) AS field, \(value) AS value, \(reason) AS reason FROM \(walk) AND \(condition))",
            where: "1", in: db)
    }

    /// Keeps only the records under a parent row that their top record made, and below the
    /// very element that made it: a parent record held back or superseded (an order sent
    /// twice, a line listed twice in its order) brings no children.
    func admit(in db: Database) throws {
        let table = NormalizedRecords.table, element = "\(table).\(NormalizedRecords.element)"
        try db.execute(
            sql: """
                DELETE FROM \(table) WHERE NOT EXISTS (SELECT 1 FROM temp.\(Self.madeTable) AS m
                  WHERE m.entity = ? AND m.raw_id = \(table).raw_id
                    AND (m.element IS NULL OR substr(\(element), 1, length(m.element) + 1) = m.element || '.'))
                """, arguments: [nesting.parent])
    }

    /// Records which record (and for a child, which element of it) made each row of
    /// `entity`'s snapshot, for its children: per key, the dedupe winner among the
    /// `admitted` records that write their key.
    static func recordMade(of entity: EntitySpec, admitted: String, winnerLast: String, in db: Database) throws {
        let norm = NormalizedRecords(entity: entity)
        try db.execute(
            sql:
                "CREATE TEMP TABLE IF NOT EXISTS \(madeTable) (entity TEXT NOT NULL, raw_id INTEGER NOT NULL, element TEXT, key TEXT NOT NULL)"
        )
        // Children look their records up by entity and raw id, one lookup per element.
        try db.execute(
            sql: "CREATE INDEX IF NOT EXISTS temp.\(madeTable)_by_record ON \(madeTable) (entity, raw_id)")
        try db.execute(sql: "DELETE FROM temp.\(madeTable) WHERE entity = ?", arguments: [entity.name])
        let winner =
            "OVER (PARTITION BY \(norm.keyValues) ORDER BY \(winnerLast) ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)"
        try db.execute(
            sql: """
                INSERT INTO temp.\(madeTable) (entity, raw_id, element, key)
                SELECT DISTINCT ?, last_value(raw_id) \(winner), last_value(\(NormalizedRecords.element)) \(winner),
                       json_array(\(norm.keyValues))
                FROM \(NormalizedRecords.table) WHERE \(admitted) AND \(NormalizedRecords.deletes) = 0
                """, arguments: [entity.name])
    }

    /// Puts back the baseline rows under the parent rows (`parentRows`, the parent's table
    /// after this run) that no record of the drop made, being kept from the parent's
    /// baseline, or whose array this entity's findings held back; rows the snapshot holds
    /// stay as they are. Returns how many.
    func keepRowsOfKeptParents(parentRows parent: String, in db: Database) throws -> Int {
        let tables = EntityTables(entity)
        let parentKey = nesting.parentKey.map { tables.sql.name($0) }
        let ofBaseline = "json_array(\(parentKey.map { "b.\($0)" }.joined(separator: ", ")))"
        let heldBack = QuarantineRecords.heldBack(
            entity: entity.name, inFiles: WorkspaceFile.pendingHashes(of: entity.filesEntity))
        try db.execute(
            sql: """
                INSERT INTO \(tables.snapshot) (\(tables.sql.columns)) SELECT \(tables.sql.columns(of: "b")) FROM \(tables.baseline) AS b
                WHERE \(ofBaseline) IN (SELECT json_array(\(parentKey.joined(separator: ", "))) FROM \(parent))
                  AND \(ofBaseline) NOT IN (SELECT key FROM temp.\(Self.madeTable) WHERE entity = ? AND raw_id NOT IN (\(heldBack)))
                  AND (\(tables.sql.key(of: "b"))) NOT IN (SELECT \(tables.sql.key) FROM \(tables.snapshot))
                """, arguments: [nesting.parent])
        return db.changesCount
    }

    /// The check name of `checkShapes`' findings.
    static let check = "nested_array"
}
