import AirlockBase
import AirlockSite
import AirlockSpec

/// What a script checks of one entity's target table before it changes anything, so that a
/// table the site made itself is either taken as it is or refused in words a DBA acts on
/// (README: Applying to an existing database).
///
/// Each check adds its problems to `airlock_problems` instead of stopping, and `report` ends
/// the check with every problem of every entity at once. PostgreSQL checks through the
/// catalog (`PostgresTargetCheckFunctions`); SQLite through `pragma_table_xinfo` and friends,
/// with the rules of type affinity.
struct TargetCheckStatements {
    let sql: EntitySQL
    let ordinal: Int

    init(dialect: SQLDialect, entity: EntitySpec, ordinal: Int) {
        sql = EntitySQL(entity, dialect)
        self.ordinal = ordinal
    }

    var entity: EntitySpec { sql.entity }
    private var dialect: SQLDialect { sql.dialect }
    private var table: TableName { entity.table }

    /// What a script needs of the table.
    struct Needs {
        /// The script creates the table when the target lacks it (upsert, cutover).
        var creates: Bool
        /// The script inserts rows with only the entity's columns (upsert, cutover), so every
        /// other NOT NULL column needs a default.
        var inserts: Bool
        /// The script writes with INSERT … ON CONFLICT on the key (the entity's upsert method).
        var unique: Bool
        /// The entity's columns are checked; false for an entity the script only creates.
        var columns = true
    }

    /// The table, its columns' types and its constraints against `needs`.
    func structure(_ needs: Needs) -> [String] {
        let columns = needs.columns ? entity.columns : []
        switch dialect {
        case .postgres:
            let arguments = [
                literal(entity.name), schema, literal(table.name), "\(needs.creates)",
                "\(needs.inserts && needs.columns)",
                "\(needs.unique && needs.columns)", Self.textArray(entity.key, dialect),
                Self.textArray(columns.map(\.name), dialect),
                Self.textArray(columns.map { Self.kind($0.type) }, dialect),
                Self.textArray(columns.map { "\($0.type)" }, dialect)
            ]
            return [perform("pg_temp.airlock_check_table(\(arguments.joined(separator: ", ")))")]
        case .sqlite:
            var statements: [String] = []
            if !needs.creates {
                statements.append(problem("'table \(table.name) does not exist'", when: "NOT \(exists)"))
            }
            statements.append(
                problem(
                    "'\(table.name) is a view, not a table'",
                    when:
                        "EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'view' AND name = \(literal(table.name)) COLLATE NOCASE)"
                ))
            if !columns.isEmpty { statements.append(sqliteColumns(columns)) }
            if needs.inserts && needs.columns { statements.append(sqliteUnfilledNotNull) }
            if needs.unique && needs.columns { statements.append(sqliteUniqueKey) }
            return statements
        }
    }

    /// PostgreSQL: the table as the spec defines it, when the target lacks it and its schema
    /// exists (a failure is a problem); SQLite: `CREATE TABLE IF NOT EXISTS`.
    var createMissing: String {
        switch dialect {
        case .postgres:
            return perform(
                "pg_temp.airlock_create_missing(\(literal(entity.name)), \(schema), \(literal(table.name)), \(literal(sql.createTargetTable)))"
            )
        case .sqlite:
            return sql.createTargetTable
        }
    }

    /// A table the script needs that Airlock made earlier (`role`: what it keeps), as a problem
    /// when it is gone.
    func requireTable(_ needed: TableName, role: String) -> String {
        let missing =
            dialect == .postgres
            ? "to_regclass(\(literal(needed.qualified(dialect)))) IS NULL"
            : "NOT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = \(literal(needed.name)))"
        return problem(literal("table \(needed), which \(role), is gone"), when: missing)
    }

    /// The rows loaded into `loaded` against the table: PostgreSQL takes them in the table's
    /// own types (`airlock_take_rows`, which also checks enum labels and values each column
    /// refuses); both check, for rows the script writes, NOT NULL columns the rows leave empty.
    func rows(loaded: String, writes: Bool) -> [String] {
        switch dialect {
        case .postgres:
            let arguments = [
                literal(entity.name), schema, literal(table.name), literal(loaded) + "::regclass", literal(loaded),
                Self.textArray(entity.columns.map(\.name), dialect), Self.textArray(entity.key, dialect), "\(writes)",
                literal(sql.keyText(of: "t")), literal(TableChecksum(entity: entity).postgresLine)
            ]
            return [perform("pg_temp.airlock_take_rows(\(arguments.joined(separator: ", ")))")]
        case .sqlite:
            guard writes else { return [] }
            return entity.valueColumns.map { column in
                let name = sql.name(column.name)
                return """
                    INSERT INTO temp.airlock_problems (entity, problem)
                    SELECT \(literal(entity.name)), 'column ' || c.name || \(literal(" of table \(table.name) is NOT NULL, but ")) || d.n || ' of the bundle''s rows have no value for it (' || d.k || CASE WHEN d.n > 1 THEN ', …' ELSE '' END || ')'
                    FROM (SELECT count(*) AS n, min(\(sql.keyText(of: "t"))) AS k FROM \(loaded) AS t WHERE t.\(name) IS NULL) AS d, pragma_table_info(\(literal(table.name))) AS c
                    WHERE c.name = \(literal(column.name)) COLLATE NOCASE AND c."notnull" AND d.n > 0;
                    """
            }
        }
    }

    // MARK: - The report

    /// SQLite keeps the problems in a temporary table of the script; PostgreSQL's functions make theirs.
    static func begin(_ dialect: SQLDialect) -> [String] {
        dialect == .sqlite ? ["CREATE TEMP TABLE airlock_problems (entity TEXT, problem TEXT);"] : []
    }

    /// Stops the script, before any change, when any check found a problem: PostgreSQL raises
    /// one error listing them all, SQLite prints them and then fails its guard. Checking only
    /// (`ScriptSwitches.checkOnly`), the script ends here either way. `subject` is what the
    /// target is checked against (`bundle 000002`), `script` the file (`upsert.sql`).
    static func report(_ dialect: SQLDialect, subject: String, script: String) -> [String] {
        let ledger = LedgerStatements(dialect: dialect)
        let fits = "\(ScriptSwitches.checkedMarker)the target fits \(subject) (\(script)); nothing was changed"
        switch dialect {
        case .postgres:
            let name = ScriptSwitches.checkOnly
            return [
                ledger.procedure("BEGIN PERFORM pg_temp.airlock_check_end(\(dialect.literal(subject))); END"),
                "\\if :{?\(name)}\n\\else\n\\set \(name) off\n\\endif",
                // \q ends only the script, and psql -1 would commit what came before: roll back
                // first, then open an empty transaction for the COMMIT psql -1 sends at the end
                // (else it warns "there is no transaction in progress").
                "\\if :\(name)\n\(dialect.printing(fits))\nROLLBACK;\nBEGIN;\n\\q\n\\endif"
            ]
        case .sqlite:
            return [
                "SELECT 'airlock: ' || entity || ': ' || problem FROM temp.airlock_problems ORDER BY rowid;",
                ledger.refuse(
                    when: "EXISTS (SELECT 1 FROM temp.airlock_problems)",
                    message:
                        "airlock: \(ScriptSwitches.doesNotFitMarker) \(subject) (the problems are listed above); nothing was changed",
                    label: "fit"),
                ledger.refuse(
                    when: "coalesce(@\(ScriptSwitches.checkOnly), 0)", message: fits, label: "check_only")
            ]
        }
    }

    // MARK: - Spellings

    /// How the check functions name a spec type: `text`, `enum`, `integer`, `decimal:P:S`,
    /// `boolean`, `timestamp`, `date`.
    static func kind(_ type: ColumnType) -> String {
        switch type {
        case .text: return "text"
        case .enumeration: return "enum"
        case .integer: return "integer"
        case let .decimal(precision, scale): return "decimal:\(precision):\(scale)"
        case .boolean: return "boolean"
        case .timestamp: return "timestamp"
        case .date: return "date"
        }
    }

    /// `ARRAY['a', 'b']::text[]`, each element a literal.
    static func textArray(_ items: [String], _ dialect: SQLDialect) -> String {
        "ARRAY[\(items.map(dialect.literal).joined(separator: ", "))]::text[]"
    }

    private var schema: String { table.schema.map(literal) ?? "NULL" }

    private func literal(_ text: String) -> String { dialect.literal(text) }

    private func perform(_ call: String) -> String {
        LedgerStatements(dialect: dialect).procedure("BEGIN PERFORM \(call); END")
    }

    /// Adds `text` (an SQL expression) as a problem of this entity when `condition` holds.
    private func problem(_ text: String, when condition: String) -> String {
        let problems = dialect == .postgres ? "pg_temp.airlock_problems" : "temp.airlock_problems"
        return "INSERT INTO \(problems) (entity, problem) SELECT \(literal(entity.name)), \(text) WHERE \(condition);"
    }

    private var exists: String {
        "EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = \(literal(table.name)) COLLATE NOCASE)"
    }
}
