import AirlockBase
import AirlockSite
import AirlockSpec

/// The statements that take one entity's target table from the rows a script expects to find
/// to the rows it leaves, for the keys a bundle touches.
///
/// Both row sets are loaded into temporary tables first (`old`: the rows as the target should
/// hold them now, `new`: as the script leaves them), so the script can check the target
/// before it changes anything (the drift guard) and then change it with a few set statements.
/// An upsert's old rows are the bundle's before-images and its new rows the snapshot's; a
/// rollback swaps the two.
struct ChangeSetStatements {
    let sql: EntitySQL
    /// Position of the entity in the script; temporary table names carry it, not the entity
    /// name, so they stay within PostgreSQL's 63-byte identifiers.
    let ordinal: Int
    let bundle: BundleIdentity

    init(dialect: SQLDialect, entity: EntitySpec, ordinal: Int, bundle: BundleIdentity) {
        sql = EntitySQL(entity, dialect)
        self.ordinal = ordinal
        self.bundle = bundle
    }

    var entity: EntitySpec { sql.entity }
    private var dialect: SQLDialect { sql.dialect }

    var oldTable: String { "airlock_old_\(ordinal)" }
    var newTable: String { "airlock_new_\(ordinal)" }
    private var table: String { sql.targetTable }

    var createTemporaryTables: [String] {
        // PostgreSQL drops them when the script's transaction ends; SQLite when the connection closes.
        let lifetime = dialect == .postgres ? " ON COMMIT DROP" : ""
        return [oldTable, newTable].map {
            "CREATE TEMP TABLE \($0) \(sql.tableDefinition(foreignKeys: false))\(lifetime);"
        }
    }

    // MARK: - Drift guard

    var driftTable: String { "airlock_drift_\(ordinal)" }

    /// True in SQLite when the script runs with the skip switch (`ScriptSwitches.skipDrift`).
    private static let sqliteSkipping = "coalesce(@\(ScriptSwitches.skipDrift), 0)"

    /// The keys whose target row is not as the script expects (an old row that is missing or
    /// differs, or a row present where the script is to insert one), each also as one line of
    /// text for messages (`airlock_drifted`: `product_id=p1` or `order_id=7, line=2`; the
    /// prefix keeps it apart from the key columns, whose names the spec keeps from `airlock_`)
    /// and what was expected and found (`airlock_drift`: `amount: expected '50.00', found
    /// '55.00'`, `expected a row, found none`).
    var collectDrift: String {
        let missing = "t.\(sql.name(entity.key[0])) IS NULL"
        let differs = sql.valueDifferences("t", "o")
        let lifetime = dialect == .postgres ? " ON COMMIT DROP" : ""
        let found =
            "CASE WHEN \(missing) THEN \(dialect.literal("expected a row, found none")) ELSE \(differenceText) END"
        return """
            CREATE TEMP TABLE \(driftTable)\(lifetime) AS
            SELECT \(sql.key(of: "o")), \(sql.keyText(of: "o")) AS airlock_drifted, \(found) AS airlock_drift FROM \(oldTable) AS o LEFT JOIN \(table) AS t ON \(sql.keyMatch("t", "o"))
            WHERE \(([missing] + differs).joined(separator: " OR "))
            UNION ALL
            SELECT \(sql.key(of: "n")), \(sql.keyText(of: "n")), \(dialect.literal("expected no row, found one")) FROM \(newTable) AS n JOIN \(table) AS t ON \(sql.keyMatch("t", "n"))
            WHERE NOT EXISTS (SELECT 1 FROM \(oldTable) AS o WHERE \(sql.keyMatch("o", "n")));
            """
    }

    /// For target row `t` and the row `o` the script expects: each value column where they
    /// differ, `name: expected 'old', found 'new'`, joined by `; ` (values as SQL literals, so
    /// text and numbers, NULL and 'NULL' read apart).
    private var differenceText: String {
        let differs = dialect == .postgres ? "IS DISTINCT FROM" : "IS NOT"
        let render = { (value: String) in
            self.dialect == .postgres ? "quote_nullable(\(value)::text)" : "quote(\(value))"
        }
        let parts = entity.valueColumns.map { column -> String in
            let name = sql.name(column.name)
            return
                "CASE WHEN t.\(name) \(differs) o.\(name) THEN \(dialect.literal(column.name + ": expected ")) || \(render("o.\(name)")) || ', found ' || \(render("t.\(name)")) || '; ' END"
        }
        guard !parts.isEmpty else { return "''" }
        // NULL for each column that matches; what is left ends in "; ", trimmed off (a value
        // is a literal, so it ends in a quote, a digit or NULL, never in either character).
        return "rtrim(" + parts.map { "coalesce(\($0), '')" }.joined(separator: " || ") + ", '; ')"
    }

    /// Stops the script, before anything changed, when `collectDrift` found keys: PostgreSQL
    /// names up to 20 in the error, the `sqlite3` shell prints every one before its guard fails.
    /// SQLite's guard passes when the skip switch is set; PostgreSQL's is left out by psql's `\if`.
    /// A rollback's rows were edited since the bundle was applied, an upsert's since the one
    /// before it.
    func driftGuard(bundle: BundleIdentity, rollingBack: Bool, ledger: LedgerStatements) -> String {
        let since = rollingBack ? "bundle \(bundle.paddedSequence) was applied" : "the previous bundle"
        let problem =
            "airlock: \(entity.name): \(ScriptSwitches.driftMarker) \(bundle.paddedSequence) expects (edited on the target since \(since)?); nothing was changed"
        switch dialect {
        case .postgres:
            let body = """
                DECLARE drift_count bigint; drift_keys text;
                BEGIN
                  SELECT count(*), string_agg(d.airlock_drifted || ' (' || d.airlock_drift || ')', '; ') FILTER (WHERE d.n <= 20) INTO drift_count, drift_keys
                  FROM (SELECT airlock_drifted, airlock_drift, row_number() OVER (ORDER BY airlock_drifted) AS n FROM \(driftTable)) AS d;
                  IF drift_count > 0 THEN
                    RAISE EXCEPTION USING MESSAGE = \(dialect.literal(problem + ". ")) || drift_count || ' drifted row(s): ' || drift_keys;
                  END IF;
                END
                """
            return ledger.procedure(body)
        case .sqlite:
            return """
                SELECT \(dialect.literal("airlock: \(entity.name): drifted: ")) || airlock_drifted || ' (' || airlock_drift || ')' FROM \(driftTable) WHERE NOT \(Self.sqliteSkipping) ORDER BY 1;
                \(ledger.refuse(when: "NOT \(Self.sqliteSkipping) AND EXISTS (SELECT 1 FROM \(driftTable))", message: problem + "; the drifted keys are listed above", label: "drift_\(ordinal)"))
                """
        }
    }

    /// Leaves the drifted keys out of both row sets, so the script changes none of them, and
    /// prints each one. Where drift stops the script this has nothing left to remove.
    var skipDrift: [String] {
        [
            "SELECT \(dialect.literal("airlock: \(entity.name)\(ScriptSwitches.skippedMarker)")) || airlock_drifted FROM \(driftTable) ORDER BY 1;",
            "DELETE FROM \(oldTable) WHERE (\(sql.key)) IN (SELECT \(sql.key) FROM \(driftTable));",
            "DELETE FROM \(newTable) WHERE (\(sql.key)) IN (SELECT \(sql.key) FROM \(driftTable));"
        ]
    }

    // MARK: - Changes

    /// SQLite skips a row its table's constraints refuse (`OR IGNORE`: a CHECK, a NOT NULL, a
    /// UNIQUE index of the site's), so that `refused` can name every such row before the
    /// script stops; PostgreSQL checked them before anything changed (`airlock_take_rows`).
    private var orIgnore: String { dialect == .sqlite ? " OR IGNORE" : "" }

    /// Inserts and updates: the new rows, the entity's columns only. Run parents first.
    var write: [String] {
        let updates = entity.valueColumns.map { "\(sql.name($0.name)) = excluded.\(sql.name($0.name))" }
        switch entity.upsertMethod {
        case .onConflict:
            let conflict = updates.isEmpty ? "DO NOTHING" : "DO UPDATE SET " + updates.joined(separator: ", ")
            // `WHERE true` keeps SQLite from reading ON CONFLICT as part of the SELECT's join.
            return [
                "INSERT\(orIgnore) INTO \(table) (\(sql.columns)) SELECT \(sql.columns) FROM \(newTable) WHERE true ON CONFLICT (\(sql.key)) \(conflict);"
            ]
        case .updateThenInsert:
            var statements: [String] = []
            if !entity.valueColumns.isEmpty {
                let set = entity.valueColumns.map { "\(sql.name($0.name)) = n.\(sql.name($0.name))" }.joined(
                    separator: ", ")
                statements.append(
                    "UPDATE\(orIgnore) \(table) AS t SET \(set) FROM \(newTable) AS n WHERE \(sql.keyMatch("t", "n"));")
            }
            statements.append(
                """
                INSERT\(orIgnore) INTO \(table) (\(sql.columns)) SELECT \(sql.columns) FROM \(newTable) AS n
                WHERE NOT EXISTS (SELECT 1 FROM \(table) AS t WHERE \(sql.keyMatch("t", "n")));
                """)
            return statements
        }
    }

    /// SQLite, after the writes: the new rows the table refused (skipped by `OR IGNORE`: the
    /// key is missing, or the row still holds the value it had while the bundle changes it),
    /// printed, and then the script stops. A trigger that rewrote a row is not a refusal;
    /// verify.sql reports that table as differing.
    var refused: [String] {
        guard dialect == .sqlite else { return [] }
        let refusedTable = "airlock_refused_\(ordinal)"
        let kept =
            "EXISTS (SELECT 1 FROM \(oldTable) AS o WHERE \(sql.keyMatch("o", "n")) AND (\(sql.valuesDiffer("o", "n"))) AND NOT (\(sql.valuesDiffer("t", "o"))))"
        return [
            """
            CREATE TEMP TABLE \(refusedTable) AS
            SELECT \(sql.keyText(of: "n")) AS airlock_refused FROM \(newTable) AS n LEFT JOIN \(table) AS t ON \(sql.keyMatch("t", "n"))
            WHERE t.\(sql.name(entity.key[0])) IS NULL OR \(kept);
            """,
            "SELECT \(dialect.literal("airlock: \(entity.name): refused: ")) || airlock_refused FROM \(refusedTable) ORDER BY 1;",
            LedgerStatements(dialect: dialect).refuse(
                when: "EXISTS (SELECT 1 FROM \(refusedTable))",
                message:
                    "airlock: \(entity.name): \(ScriptSwitches.doesNotFitMarker) bundle \(bundle.paddedSequence): table \(entity.table.name) refused rows of it (listed above: a CHECK, NOT NULL or UNIQUE constraint of the table, or a trigger); nothing was changed",
                label: "refused_\(ordinal)")
        ]
    }

    // MARK: - Rows the bundle deletes, kept whole for the rollback

    /// Where an upsert keeps the whole rows it deletes (the site's own columns too: ids,
    /// created_at), so that its rollback restores them exactly; beside the table, in its schema.
    var removed: TableName { entity.table.suffixed("__removed_" + bundle.paddedSequence) }

    /// Upsert, after the drift guard: the target's rows of the keys it is about to delete.
    var keepRemoved: [String] {
        let removedTable = removed.qualified(dialect)
        return [
            "DROP TABLE IF EXISTS \(removedTable);",
            """
            CREATE TABLE \(removedTable) AS SELECT t.* FROM \(oldTable) AS o JOIN \(table) AS t ON \(sql.keyMatch("t", "o"))
            WHERE NOT EXISTS (SELECT 1 FROM \(newTable) AS n WHERE \(sql.keyMatch("n", "o")));
            """
        ]
    }

    /// Rollback, before the writes: the deleted rows back, whole, unless the target holds their
    /// key again (a drifted row left alone).
    var restoreRemoved: String {
        let removedTable = removed.qualified(dialect)
        switch dialect {
        case .postgres:
            return LedgerStatements(dialect: dialect).procedure(
                "BEGIN PERFORM pg_temp.airlock_restore_removed(\(dialect.literal(table))::regclass, \(dialect.literal(removedTable))::regclass, \(TargetCheckStatements.textArray(entity.key, dialect))); END"
            )
        case .sqlite:
            return
                "INSERT INTO \(table) SELECT r.* FROM \(removedTable) AS r WHERE NOT EXISTS (SELECT 1 FROM \(table) AS t WHERE \(sql.keyMatch("t", "r")));"
        }
    }

    /// Rollback, at the end: the kept rows are back in the table.
    var dropRemoved: String { "DROP TABLE \(removed.qualified(dialect));" }

    // MARK: - Checksum offsets

    /// PostgreSQL, after the drift guard: the checksum offsets of the rows this script writes
    /// and of those it replaces (non-zero only for rows typed by `airlock_take_rows`).
    var countOffsets: [String] {
        guard dialect == .postgres else { return [] }
        let key = dialect.literal(table)
        return [(newTable, 1), (oldTable, -1)].map { typed, sign in
            LedgerStatements(dialect: dialect).procedure(
                "BEGIN PERFORM pg_temp.airlock_add_offsets(\(key), \(dialect.literal(typed))::regclass, \(sign)); END")
        }
    }

    /// Deletes: keys among the old rows and not among the new. Run children first.
    var delete: String {
        "DELETE FROM \(table) WHERE (\(sql.key)) IN (SELECT \(sql.key) FROM \(oldTable) AS o WHERE NOT EXISTS (SELECT 1 FROM \(newTable) AS n WHERE \(sql.keyMatch("n", "o"))));"
    }
}
