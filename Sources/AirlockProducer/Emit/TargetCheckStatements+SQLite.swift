import AirlockBase
import AirlockSpec

/// The SQLite checks of a table the site made: SQLite has no dynamic SQL, so they are SELECTs
/// over `pragma_table_xinfo`, `pragma_index_list` and `pragma_index_info`, which take the
/// table's name as a value and answer nothing for a table that is not there.
extension TargetCheckStatements {
    /// A column's type affinity from its declared type, by SQLite's own rules in their order
    /// (https://sqlite.org/datatype3.html#determination_of_column_affinity).
    private static func affinity(of declared: String) -> String {
        let type = "upper(\(declared))"
        return """
            CASE WHEN instr(\(type), 'INT') THEN 'INTEGER'
                 WHEN instr(\(type), 'CHAR') OR instr(\(type), 'CLOB') OR instr(\(type), 'TEXT') THEN 'TEXT'
                 WHEN instr(\(type), 'BLOB') OR \(declared) = '' THEN 'BLOB'
                 WHEN instr(\(type), 'REAL') OR instr(\(type), 'FLOA') OR instr(\(type), 'DOUB') THEN 'REAL'
                 ELSE 'NUMERIC' END
            """
    }

    private var tableLiteral: String { SQLDialect.sqlite.literal(entity.table.name) }

    private func literal(_ text: String) -> String { SQLDialect.sqlite.literal(text) }

    /// Each column the entity fills: present, not generated, and of an affinity that stores the
    /// spec's values as they are, so that they compare in the table as they do in the script's
    /// temporary tables. Text, enums and decimals need TEXT or BLOB affinity (INTEGER, REAL and
    /// NUMERIC turn '007' into 7 and '12.50' into 12.5); integers and booleans INTEGER, NUMERIC
    /// or BLOB (REAL makes 5 into 5.0, TEXT into '5'); timestamps and dates, which never look
    /// like numbers, any.
    func sqliteColumns(_ columns: [ColumnSpec]) -> String {
        let spec = columns.map { "(\(literal($0.name)), \(literal(Self.kind($0.type))), \(literal("\($0.type)")))" }
        let table = entity.table.name
        return """
            INSERT INTO temp.airlock_problems (entity, problem)
            SELECT \(literal(entity.name)), problem FROM (
              WITH spec (name, kind, shown) AS (VALUES \(spec.joined(separator: ", "))),
                   target AS (SELECT name, type, hidden, \(Self.affinity(of: "type")) AS affinity FROM pragma_table_xinfo(\(tableLiteral)))
              SELECT CASE
                WHEN t.name IS NULL THEN \(literal("table \(table) has no column ")) || s.name || ', which the entity fills (spec type ' || s.shown || \(literal("); add it (ALTER TABLE \(table) ADD COLUMN ")) || s.name || ' ...) or leave it out of the spec'
                WHEN t.hidden IN (2, 3) THEN 'column ' || t.name || \(literal(" of table \(table) is generated, so the entity cannot fill it"))
                WHEN s.kind IN ('text', 'enum') OR s.kind LIKE 'decimal:%' THEN
                  CASE WHEN t.affinity IN ('INTEGER', 'REAL', 'NUMERIC') THEN 'column ' || t.name || \(literal(" of table \(table) is declared ")) || quote(t.type) || ', whose ' || t.affinity || ' affinity would store text that looks like a number as a number (''007'' as 7, ''12.50'' as 12.5), so the spec''s ' || s.shown || ' values would not stay as they are; declare it TEXT' END
                WHEN s.kind IN ('integer', 'boolean') THEN
                  CASE WHEN t.affinity = 'REAL' THEN 'column ' || t.name || \(literal(" of table \(table) is declared ")) || quote(t.type) || ', whose REAL affinity would store the spec''s ' || s.shown || ' values as floating-point numbers (5 as 5.0); declare it INTEGER'
                       WHEN t.affinity = 'TEXT' THEN 'column ' || t.name || \(literal(" of table \(table) is declared ")) || quote(t.type) || ', whose TEXT affinity would store the spec''s ' || s.shown || ' values as text (5 as ''5''), which compares unlike the numbers the bundle holds; declare it INTEGER' END
              END AS problem
              FROM spec AS s LEFT JOIN target AS t ON t.name = s.name COLLATE NOCASE
              WHERE EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = \(tableLiteral) COLLATE NOCASE)
            ) WHERE problem IS NOT NULL;
            """
    }

    /// NOT NULL columns without a default that the entity does not fill: its inserts would fail.
    /// A lone INTEGER PRIMARY KEY of a rowid table is filled by SQLite itself.
    var sqliteUnfilledNotNull: String {
        let managed = entity.columns.map { literal($0.name.lowercased()) }.joined(separator: ", ")
        let table = entity.table.name
        return """
            INSERT INTO temp.airlock_problems (entity, problem)
            SELECT \(literal(entity.name)), 'column ' || c.name || \(literal(" of table \(table) is NOT NULL without a default, and the entity does not fill it, so new rows cannot be inserted; give it a default, allow NULL, or add it to the spec"))
            FROM pragma_table_xinfo(\(tableLiteral)) AS c
            WHERE c."notnull" AND c.dflt_value IS NULL AND c.hidden = 0 AND lower(c.name) NOT IN (\(managed))
              AND NOT (c.pk = 1 AND upper(c.type) = 'INTEGER' AND (SELECT count(*) FROM pragma_table_info(\(tableLiteral)) WHERE pk > 0) = 1
                       AND NOT EXISTS (SELECT 1 FROM pragma_index_list(\(tableLiteral)) WHERE origin = 'pk'));
            """
    }

    /// The primary key or a unique index (not partial, on columns only) on exactly the key's
    /// columns, which `INSERT … ON CONFLICT (key)` needs.
    var sqliteUniqueKey: String {
        let key = literal(entity.key.map { $0.lowercased() }.sorted().joined(separator: ","))
        let table = entity.table.name
        let keyList = entity.key.joined(separator: ", ")
        return """
            INSERT INTO temp.airlock_problems (entity, problem)
            SELECT \(literal(entity.name)), \(literal("table \(table) has no primary key or unique constraint on (\(keyList)), which upsert: on_conflict needs (INSERT ... ON CONFLICT); add a unique index on (\(keyList)) or set upsert: update_then_insert for the entity in the spec"))
            WHERE EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = \(tableLiteral) COLLATE NOCASE)
              AND coalesce((SELECT group_concat(n, ',') FROM (SELECT lower(name) AS n FROM pragma_table_info(\(tableLiteral)) WHERE pk > 0 ORDER BY 1)), '') <> \(key)
              AND NOT EXISTS (
                SELECT 1 FROM pragma_index_list(\(tableLiteral)) AS l
                WHERE l."unique" AND NOT l.partial
                  AND (SELECT count(*) FROM pragma_index_info(l.name) AS i WHERE i.name IS NULL) = 0
                  AND (SELECT group_concat(n, ',') FROM (SELECT lower(i.name) AS n FROM pragma_index_info(l.name) AS i ORDER BY 1)) = \(key));
            """
    }
}
