import AirlockBase
import AirlockSite
import AirlockSpec
import Foundation
import GRDB

/// How every script takes an entity's rows from its change file (`ChangeLog`,
/// `changes/ENTITY.ndjson`): upsert.sql and rollback.sql load the rows as the target holds
/// them before and after the upsert, verify.sql for its key listing the rows the target
/// should hold, in every dialect, so that each changed row crosses the gap once instead of
/// once per script and dialect.
///
/// A row's `before` image is its key with the `before` fields of a delete or update and an
/// update's `unchanged` ones; its `after` image the key with the `after` fields of an insert or
/// update and the `unchanged` ones. Each value column is in exactly one of an update's
/// `before` and `unchanged` (and `after` and `unchanged`), so the first of the two that holds
/// the column gives its value, null included.
struct ChangedRows {
    /// Which image of a row to take; an upsert loads `before` as the rows it expects and
    /// `after` as those it leaves, its rollback the other way round.
    enum Image: String {
        case before, after

        /// The changes whose lines hold the image.
        var operations: [Change.Operation] { self == .before ? [.update, .delete] : [.insert, .update] }
    }

    let entity: EntitySpec

    init(_ entity: EntitySpec) { self.entity = entity }

    /// The one-column temporary table a script loads the lines of the entity at `ordinal`
    /// (its place in the script) into.
    static func loadedTable(ordinal: Int) -> String { "airlock_rows_\(ordinal)" }

    /// Loads the member, by its path in the unpacked bundle, into the one-column temporary
    /// table `table`, which the caller drops (verify.sql runs outside a transaction).
    ///
    /// psql's `\copy` in CSV mode with \x01 as quote and \x02 as delimiter, bytes JSON text
    /// never holds raw, takes each line whole, and PostgreSQL parses it as jsonb once; the
    /// `sqlite3` shell imports each line as text (`SQLiteShellCommand.importLines`).
    func load(into table: String, _ dialect: SQLDialect) -> [String] {
        let member = BundleLayout.changes(of: entity.name)
        switch dialect {
        case .postgres:
            return [
                "CREATE TEMP TABLE \(table) (line jsonb);",
                "\\copy \(table) (line) FROM \(dialect.literal(member)) WITH (FORMAT csv, QUOTE E'\\x01', DELIMITER E'\\x02')"
            ]
        case .sqlite:
            return ["CREATE TEMP TABLE \(table) (line TEXT);"] + SQLiteShellCommand.importLines(member, into: table)
        }
    }

    /// Stops the script, before anything changed, unless the member loaded into `table` is
    /// that of the bundle of digest `bundle` (numbered `sequence`): run from another bundle's
    /// folder, the script would find that bundle's changes under the same path. `asked`, SQL,
    /// says whether the rows are used at all: a SQLite verify.sql loads them even when its key
    /// listing was not asked for, and then has no reason to stop.
    func checkBundle(
        loaded table: String, bundle: String, sequence: String, asked: String? = nil, _ dialect: SQLDialect
    ) -> String {
        let member = BundleLayout.changes(of: entity.name)
        return LedgerStatements(dialect: dialect).refuse(
            when:
                "\(asked.map { "\($0) AND " } ?? "")NOT EXISTS (SELECT 1 FROM \(table) AS r WHERE \(Self.field([ChangeLog.bundleField], dialect)) = \(dialect.literal(bundle)))",
            message:
                "airlock: \(member) here is not bundle \(sequence)'s: run the script from the folder its bundle was unpacked into; nothing was changed",
            label: table)
    }

    /// Fills `rows`, a table of the entity's columns in the spec's types, with the loaded
    /// `lines`' rows of `image`.
    func fill(_ rows: String, from lines: String, with image: Image, _ dialect: SQLDialect) -> String {
        let values = entity.columns.map { column in
            let value =
                entity.key.contains(column.name)
                ? Self.field(["key", column.name], dialect)
                : "coalesce(\(Self.field([image.rawValue, column.name], dialect)), \(Self.field([ChangeLog.unchangedField, column.name], dialect)))"
            return dialect == .postgres ? "(\(value))::\(dialect.columnType(column.type))" : value
        }
        let operations = image.operations.map { dialect.literal($0.rawValue) }.joined(separator: ", ")
        return
            "INSERT INTO \(rows) (\(EntitySQL(entity, dialect).columns)) SELECT \(values.joined(separator: ", ")) FROM \(lines) AS r WHERE \(Self.field(["op"], dialect)) IN (\(operations));"
    }

    /// SQL: the field at `path` (object member names) of loaded line `r.line`, as text or a
    /// number (SQLite; booleans 1 and 0) or text (PostgreSQL); NULL where the line has none.
    private static func field(_ path: [String], _ dialect: SQLDialect) -> String {
        switch dialect {
        case .postgres:
            return "r.line" + path.dropLast().map { " -> \(dialect.literal($0))" }.joined()
                + " ->> \(dialect.literal(path.last!))"
        case .sqlite: return "json_extract(r.line, \(dialect.literal(JSONPath.sqlPath(path))))"
        }
    }
}
