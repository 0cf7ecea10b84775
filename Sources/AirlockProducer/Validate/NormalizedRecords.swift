import AirlockBase
import AirlockSpec
import GRDB

/// `temp.airlock_norm`, the table the normalizer builds for one entity and the record checks
/// read: one row per record of the drop, with `raw_id` (its id in `RawRecords`) and
/// `file_sha256`, per column (by its place in the spec) the cleaned source text (`text(_:)`)
/// and the normalized value (`value(_:)`), the text of a delta drop's tombstone field (`tombstone`) and whether the
/// record deletes its key (`deletes`). The spellings of its columns live here only.
struct NormalizedRecords {
    let entity: EntitySpec

    /// The table's name, as statements over it write it.
    static let table = "airlock_norm"

    /// The cleaned source text of the column at `index`.
    func text(_ index: Int) -> String { "r\(index)" }

    /// The normalized value of the column at `index`: a column of its own, or the text where
    /// they are the same (`valueIsText`).
    func value(_ index: Int) -> String { valueIsText(index) ? text(index) : "v\(index)" }

    /// Whether the column's value is its cleaned text as it is (text kept as given, no `map`):
    /// the table holds it once. At 1M rows each text column stored twice cost ~0.2 s.
    private func valueIsText(_ index: Int) -> Bool {
        let column = entity.columns[index]
        return ColumnParsing(column: column, format: entity.source.format).valueIsText
            && column.rules.valueMap.isEmpty
    }

    /// SQL: how findings name the source field of the column at `index`: as the spec writes
    /// it, or for a child's own fields with the element's place (`lines[2].qty`).
    func field(_ index: Int) -> String {
        let column = entity.columns[index], literal = SQLDialect.sqlite.literal
        guard let nesting = entity.nesting else { return literal(column.from) }
        let level = nesting.columnLevels[column.name] ?? 0
        guard level == nesting.depth else { return literal(nesting.fieldName(column.from, level: level)) }
        return column.from.isEmpty ? Self.element : "\(Self.element) || \(literal("." + column.from))"
    }

    /// A child's record: the place of its element in the top record (`lines[2]`); NULL for
    /// the records of other entities.
    static let element = "airlock_element"

    /// The normalized value of the column named `column`.
    func value(of column: String) -> String { value(entity.index(ofColumn: column)) }

    /// 1 where the record deletes its key, 0 where it writes it, NULL where it cannot tell.
    static let deletes = "airlock_deletes"

    /// The records that write their key: those the checks of values apply to. One whose
    /// tombstone cannot be read has its own finding and is held back.
    static let writingRecords = "(SELECT * FROM \(table) WHERE \(deletes) = 0)"

    /// Every normalized value, in spec order.
    var values: String { entity.columns.indices.map(value).joined(separator: ", ") }

    /// The normalized key values, in key order.
    var keyValues: String { entity.key.map(value(of:)).joined(separator: ", ") }

    /// The source text of a delta drop's `tombstone` field.
    static let tombstone = "airlock_tombstone"

    /// Spreadsheets: a JSON object of the record's cells that hold no value, each field's name
    /// to why (`SheetValue.problemSQL`); NULL for other sources.
    static let cellProblems = "airlock_cell_problems"

    /// Spreadsheets: 1 where the record's workbook counts serial dates from 1904, 0 where from
    /// 1900; NULL for other sources.
    static let date1904 = "airlock_date1904"

    /// Makes the table from `records`, a SELECT of `raw_id`, `file_sha256`, `element`, each
    /// column's cleaned text as `text(_:)`, the tombstone field's text as `tombstone` (NULL
    /// without one) and a spreadsheet's `cellProblems` and `date1904` (NULL for other
    /// sources), with `value` giving each column's normalized value from it (asked only of a
    /// column whose value is not its text).
    func create(from records: String, value: (Int) -> String, in db: Database) throws {
        try drop(in: db)
        let tombstone = Self.tombstone
        let deletes = """
            CASE WHEN \(tombstone) IS NULL OR trim(\(tombstone)) = '' THEN 0
                 ELSE \(WorkspaceFunctions.parsed(tombstone, as: .boolean)) END
            """
        // Each column's name, and the SQL over `records` that gives it where that is not a
        // column of the same name.
        let columns: [(name: String, sql: String?)] =
            (["raw_id", "file_sha256", Self.element] + entity.columns.indices.map(text)).map { ($0, nil) }
            + entity.columns.indices.filter { !valueIsText($0) }.map { (self.value($0), value($0)) }
            + [(tombstone, nil), (Self.cellProblems, nil), (Self.date1904, nil), (Self.deletes, deletes)]
        let selected = columns.map { column in column.sql.map { "\($0) AS \(column.name)" } ?? column.name }
        let select = "SELECT \(selected.joined(separator: ",\n       ")) FROM (\(records))"
        guard entity.nesting == nil else {
            try db.execute(sql: "CREATE TEMP TABLE \(Self.table) AS \(select)")
            return
        }
        // A record of an entity without nesting is one row: its raw_id is the table's rowid,
        // which keeps the records in `raw_id` order with no index to build (`indexRecordOrder`).
        // Columns without a type store each value as it comes, as `CREATE TABLE … AS` does.
        let others = columns.dropFirst().map(\.name).joined(separator: ", ")
        try db.execute(
            sql: """
                CREATE TEMP TABLE \(Self.table) (raw_id INTEGER PRIMARY KEY, \(others));
                INSERT INTO \(Self.table) \(select)
                """)
    }

    /// Marks as deleting their key the records for which `condition`, SQL over the columns'
    /// normalized values by their names, holds.
    func markDeletes(where condition: String, in db: Database) throws {
        let named = entity.columns.enumerated().map { "\(value($0)) AS \(SQLDialect.sqlite.identifier($1.name))" }
        try db.execute(
            sql: """
                UPDATE \(Self.table) SET \(Self.deletes) = 1 WHERE raw_id IN
                  (SELECT raw_id FROM (SELECT raw_id, \(named.joined(separator: ", ")) FROM \(Self.table)) WHERE (\(condition)))
                """)
    }

    /// Indexes the records by `raw_id`, which lists them in `raw_id, rowid` order: SQLite reads
    /// them in that order through the index rather than sorting whole rows (1M records: the
    /// snapshot's insert 2.3 s with a sort, 1.0 s with the index made). A table without
    /// nesting is in that order already, by its rowid.
    func indexRecordOrder(in db: Database) throws {
        guard entity.nesting != nil else { return }
        try db.execute(sql: "CREATE INDEX temp.airlock_normalized_order ON \(Self.table) (raw_id)")
    }

    func drop(in db: Database) throws {
        try db.execute(sql: "DROP TABLE IF EXISTS temp.\(Self.table)")
    }
}
