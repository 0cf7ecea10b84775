import AirlockSpec
import GRDB

/// `temp.airlock_norm`, the table the normalizer builds for one entity and the record checks
/// read: one row per record of the drop, with `raw_id` (its id in `RawRecords`) and
/// `file_sha256`, and per column (by
/// its place in the spec) the cleaned source text (`text(_:)`) and the normalized value
/// (`value(_:)`). The spellings of its columns live here only.
struct NormalizedRecords {
    let entity: EntitySpec

    /// The table's name, as statements over it write it.
    static let table = "airlock_norm"

    /// The cleaned source text of the column at `index`.
    func text(_ index: Int) -> String { "r\(index)" }

    /// The normalized value of the column at `index`.
    func value(_ index: Int) -> String { "v\(index)" }

    /// The normalized value of the column named `column`.
    func value(of column: String) -> String { value(entity.index(ofColumn: column)) }

    /// Every normalized value, in spec order.
    var values: String { entity.columns.indices.map(value).joined(separator: ", ") }

    /// The normalized key values, in key order.
    var keyValues: String { entity.key.map(value(of:)).joined(separator: ", ") }

    /// Makes the table from `records`, a SELECT of `raw_id`, `file_sha256` and each column's
    /// cleaned text as `text(_:)`, with `value` giving each column's normalized value from it.
    func create(from records: String, value: (Int) -> String, in db: Database) throws {
        try drop(in: db)
        try db.execute(
            sql: """
                CREATE TEMP TABLE \(Self.table) AS
                SELECT raw_id, file_sha256, \(entity.columns.indices.map(text).joined(separator: ", ")),
                       \(entity.columns.indices.map { "\(value($0)) AS \(self.value($0))" }.joined(separator: ", "))
                FROM (\(records))
                """)
    }

    func drop(in db: Database) throws {
        try db.execute(sql: "DROP TABLE IF EXISTS temp.\(Self.table)")
    }
}
