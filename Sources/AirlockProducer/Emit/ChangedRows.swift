import AirlockBase
import AirlockSite
import AirlockSpec
import Foundation
import GRDB

/// One entity's `rows/ENTITY.ndjson` (`BundleLayout.rows(of:)`): the whole rows its
/// upsert.sql and rollback.sql load, and verify.sql for its key listing, in every dialect, so
/// that each changed row crosses the gap once instead of once per script and dialect.
///
/// The first line names the bundle by its digest, so that a script run from another bundle's
/// folder stops instead of applying that bundle's rows (`checkBundle`), and the columns the
/// values follow, so that the file reads without the spec. Each other line is a
/// JSON array, built by SQLite: the image, then the row's values in the spec's column order as
/// the workspace stores them (integers and booleans as numbers, booleans 0 and 1; decimals,
/// timestamps and text as strings; NULL as null):
///
/// ```
/// ["bundle","4f1c…",["sku","supplier","name","price","active"]]   digest of manifest.json, columns
/// ["before","P-1","S1","Widget","12.50",1]    the row as the target holds it now (changed or deleted)
/// ["after","P-1","S1","Widget","9.99",1]      the row as the upsert leaves it (changed or new)
/// ```
///
/// Lines go in key order, a key's before-image just ahead of its new row: what gzip, which
/// sees 32 KB back, compresses best.
struct ChangedRows {
    /// Which image of a row a line is; an upsert loads `before` as the rows it expects and
    /// `after` as those it leaves, its rollback the other way round.
    enum Image: String {
        case before, after
    }

    let entity: EntitySpec

    init(_ entity: EntitySpec) { self.entity = entity }

    /// The one-column temporary table a script loads the lines of the entity at `ordinal`
    /// (its place in the script) into.
    static func loadedTable(ordinal: Int) -> String { "airlock_rows_\(ordinal)" }

    /// Writes every line to `url`, for the bundle of digest `bundle`, streaming rows out of
    /// the workspace.
    func write(to url: URL, bundle: String, from db: Database) throws {
        let out = try ScriptWriter(path: url)
        // A digest is hex and column names are identifiers (the spec checks): no JSON escapes.
        let columns = entity.columns.map { "\"\($0.name)\"" }.joined(separator: ",")
        try out.line("[\"bundle\",\"\(bundle)\",[\(columns)]]")
        // The first column is the line; the others are its key and image, for the order.
        let cursor = try String.fetchCursor(db, sql: lines)
        while let line = try cursor.next() { try out.line(line) }
        try out.close()
    }

    // MARK: - Loading it on a target

    /// Loads the member, by its path in the unpacked bundle, into the one-column temporary
    /// table `table`, which the caller drops (verify.sql runs outside a transaction).
    ///
    /// psql's `\copy` in CSV mode with \x01 as quote and \x02 as delimiter, bytes JSON text
    /// never holds raw, takes each line whole, and PostgreSQL parses it as jsonb once; the
    /// `sqlite3` shell imports each line as text (`SQLiteShellCommand.importLines`).
    func load(into table: String, _ dialect: SQLDialect) -> [String] {
        let member = BundleLayout.rows(of: entity.name)
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
    /// folder, the script would find that bundle's rows under the same path.
    func checkBundle(loaded table: String, bundle: String, sequence: String, _ dialect: SQLDialect) -> String {
        let first = Self.element(0, dialect), second = Self.element(1, dialect)
        let member = BundleLayout.rows(of: entity.name)
        return LedgerStatements(dialect: dialect).refuse(
            when:
                "NOT EXISTS (SELECT 1 FROM \(table) AS r WHERE \(first) = 'bundle' AND \(second) = \(dialect.literal(bundle)))",
            message:
                "airlock: \(member) here is not bundle \(sequence)'s: run the script from the folder its bundle was unpacked into; nothing was changed",
            label: table)
    }

    /// Fills `rows`, a table of the entity's columns in the spec's types, with the loaded
    /// `lines`' rows of `image`.
    func fill(_ rows: String, from lines: String, with image: Image, _ dialect: SQLDialect) -> String {
        let values = entity.columns.enumerated().map { index, column in
            let value = Self.element(index + 1, dialect)
            return dialect == .postgres ? "(\(value))::\(dialect.columnType(column.type))" : value
        }
        return
            "INSERT INTO \(rows) (\(EntitySQL(entity, dialect).columns)) SELECT \(values.joined(separator: ", ")) FROM \(lines) AS r WHERE \(Self.element(0, dialect)) = \(dialect.literal(image.rawValue));"
    }

    /// SQL: element `index` of loaded line `r.line`, as text or a number (SQLite) or text
    /// (PostgreSQL).
    private static func element(_ index: Int, _ dialect: SQLDialect) -> String {
        dialect == .postgres ? "r.line ->> \(index)" : "json_extract(r.line, '$[\(index)]')"
    }

    // MARK: - Writing it

    private var lines: String {
        let sql = EntitySQL(entity, .sqlite), diff = EntityDiff(entity)
        let keys = entity.key.enumerated().map { "\(sql.name($0.element)) AS k\($0.offset)" }.joined(separator: ", ")
        let order = entity.key.indices.map { "k\($0)" } + ["image"]
        func arm(_ image: Image, rank: Int, rows: String) -> String {
            "SELECT json_array('\(image.rawValue)', \(sql.columns)) AS line, \(keys), \(rank) AS image FROM (\(rows))"
        }
        return """
            \(arm(.before, rank: 0, rows: diff.beforeImages))
            UNION ALL
            \(arm(.after, rank: 1, rows: diff.upsertRows))
            ORDER BY \(order.joined(separator: ", "))
            """
    }
}
