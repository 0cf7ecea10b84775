import AirlockBase
import AirlockSite
import AirlockSpec

/// The statements that replace one entity's target table with the bundle's full snapshot (a
/// cutover), and that put the old table back (its rollback).
///
/// The snapshot is loaded into `<table>__staging_<seq>` and checked before the live table is
/// touched. PostgreSQL then swaps tables by renaming: the live table becomes
/// `<table>__backup_<seq>` with its indexes, and the staging table, given the live table's
/// indexes, constraints, grants and foreign keys, takes its name. SQLite has no dynamic SQL to
/// copy indexes and triggers it cannot know in advance, so there the live table keeps its
/// identity and its contents are swapped: copied to the backup, replaced by the staging rows.
/// A rollback does the reverse and keeps the bundle's rows in the staging table for a retry.
struct CutoverStatements {
    let dialect: SQLDialect
    let entity: EntitySpec
    let bundle: BundleIdentity
    /// Position of the entity in the script, for unique guard names.
    let ordinal: Int

    var stagingSuffix: String { "__staging_" + bundle.paddedSequence }
    var backupSuffix: String { "__backup_" + bundle.paddedSequence }
    var live: String { EntitySQL(entity, dialect).targetTable }
    /// Beside the live table, in its schema.
    var staging: String { entity.table.suffixed(stagingSuffix).qualified(dialect) }
    var backup: String { entity.table.suffixed(backupSuffix).qualified(dialect) }

    private var ledger: LedgerStatements { LedgerStatements(dialect: dialect) }
    private var columnList: String { EntitySQL(entity, dialect).columns }

    /// A fresh staging table for the COPY of the bundle's snapshot; one kept by a rollback of
    /// this same bundle is replaced. PostgreSQL shapes it after the live table when the rows
    /// can go in as they are (`airlock_begin_staging`; `nullable`: the columns the snapshot
    /// leaves empty in some row) and otherwise loads a plain table that `finishStaging` checks
    /// and moves into the target's types.
    func createStaging(nullable: [String]) -> [String] {
        let definition = EntitySQL(entity, dialect).tableDefinition(foreignKeys: false)
        switch dialect {
        case .postgres:
            let arguments = [
                dialect.literal(entity.name), schema, dialect.literal(entity.table.name), dialect.literal(staging),
                TargetCheckStatements.textArray(entity.columns.map(\.name), dialect),
                TargetCheckStatements.textArray(entity.columns.map { Self.postgresTypeName($0.type) }, dialect),
                TargetCheckStatements.textArray(nullable, dialect), dialect.literal(definition),
                dialect.literal("bundle \(bundle.paddedSequence)")
            ]
            return [
                "DROP TABLE IF EXISTS \(staging);",
                perform("pg_temp.airlock_begin_staging(\(arguments.joined(separator: ", ")))")
            ]
        case .sqlite:
            return ["DROP TABLE IF EXISTS \(staging);", "CREATE TABLE \(staging) \(definition);"]
        }
    }

    /// PostgreSQL, after the COPY: the rows checked and typed when they went to a plain table.
    func finishStaging(rows: Int) -> [String] {
        guard dialect == .postgres else { return [] }
        let sql = EntitySQL(entity, dialect)
        let arguments = [
            dialect.literal(entity.name), schema, dialect.literal(entity.table.name), dialect.literal(staging),
            dialect.literal(entity.table.name + "__loading_" + bundle.paddedSequence), "\(ordinal)",
            TargetCheckStatements.textArray(entity.columns.map(\.name), dialect),
            TargetCheckStatements.textArray(entity.key, dialect), dialect.literal(sql.keyText(of: "t")),
            dialect.literal(TableChecksum(entity: entity).postgresLine), dialect.literal(live)
        ]
        return [perform("pg_temp.airlock_finish_staging(\(arguments.joined(separator: ", ")))")]
    }

    /// After the check, before the swap: PostgreSQL gives the staging rows the site's own
    /// columns of the rows whose key stays; both check the staging table's rows against the
    /// bundle and the spec's minimums; PostgreSQL then gives it the live table's indexes.
    func checkBeforeSwap(rows: Int) -> [String] {
        var statements: [String] = []
        if dialect == .postgres {
            statements.append(
                perform(
                    "pg_temp.airlock_keep_unmanaged(\(regclass(live)), \(regclass(staging)), \(TargetCheckStatements.textArray(entity.columns.map(\.name), dialect)), \(TargetCheckStatements.textArray(entity.key, dialect)))"
                ))
        }
        statements.append(checkStaging(rows: rows))
        statements += checkMinimums(rows: rows)
        if dialect == .postgres { statements.append(prepareStaging) }
        return statements
    }

    /// How PostgreSQL's `format_type` names the column type the spec's type is loaded as.
    static func postgresTypeName(_ type: ColumnType) -> String {
        type == .timestamp ? "timestamp with time zone" : SQLDialect.postgres.columnType(type)
    }

    private var schema: String { entity.table.schema.map(dialect.literal) ?? "NULL" }

    private func perform(_ call: String) -> String { ledger.procedure("BEGIN PERFORM \(call); END") }

    /// Stops the script when the staging table does not hold exactly the rows the bundle carries.
    func checkStaging(rows: Int) -> String {
        ledger.refuse(
            when: "(SELECT count(*) FROM \(staging)) <> \(rows)",
            message:
                "airlock: cutover of \(entity.name) stopped before any change: the staging table does not hold the \(rows) rows of bundle \(bundle.paddedSequence)",
            label: "staging_\(ordinal)")
    }

    /// The spec's `cutover:` minimums: the snapshot's row count, and its share of the rows the
    /// live table holds now. Run before anything changes.
    func checkMinimums(rows: Int) -> [String] {
        let minimums = entity.cutoverMinimums
        let stopped =
            "airlock: cutover of \(entity.name) stopped before any change: bundle \(bundle.paddedSequence) holds \(rows) rows"
        var checks: [String] = []
        if let minimum = minimums.rows {
            checks.append(
                ledger.refuse(
                    when: "\(rows) < \(minimum)",
                    message: "\(stopped), fewer than the spec's cutover.min_rows \(minimum)",
                    label: "min_rows_\(ordinal)"))
        }
        if let share = minimums.shareOfCurrent {
            checks.append(
                ledger.refuse(
                    when: "\(rows) < \(share) * (SELECT count(*) FROM \(live))",
                    message:
                        "\(stopped), fewer than the spec's cutover.min_share_of_current \(share) of the rows table \(entity.table) holds now",
                    label: "min_share_\(ordinal)"))
        }
        return checks
    }

    /// PostgreSQL: stops on views, rules, triggers, policies, inheritance and foreign keys of
    /// tables outside `managed`, which a swap would leave on the old table. SQLite: stops on
    /// triggers, which the content swap would fire for every row; views and foreign keys keep
    /// working there because the table stays the same.
    func refuseUnmanagedDependents(managed: [EntitySpec], action: String) -> String {
        switch dialect {
        case .postgres:
            let names = managed.map { dialect.literal($0.table.qualified(dialect)) }.joined(separator: ", ")
            return
                "SELECT pg_temp.airlock_refuse_dependents(\(regclass(live)), ARRAY[\(names)]::text[], \(dialect.literal("\(action) of \(entity.name)")));"
        case .sqlite:
            return ledger.refuse(
                when:
                    "EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND tbl_name = \(dialect.literal(entity.table.name)) COLLATE NOCASE)",
                message:
                    "airlock: \(action) of \(entity.name) stopped before any change: table \(entity.table.name) has triggers, which would fire for every row it replaces; drop them and run the script again, or apply the bundle with --mode upsert",
                label: "dependents_\(ordinal)")
        }
    }

    /// PostgreSQL: gives the staging table the live table's indexes, constraints and grants.
    var prepareStaging: String {
        "SELECT pg_temp.airlock_prepare(\(regclass(live)), \(regclass(staging)), \(dialect.literal(stagingSuffix)));"
    }

    /// SQLite: the live table's rows go to the backup, and the live table becomes the
    /// staging rows in place: rows whose key stays are updated (keeping the site's own
    /// columns and their rowids), the others deleted or inserted. Rows the table's
    /// constraints refuse stop the script, named.
    var sqliteCutover: [String] {
        let sql = EntitySQL(entity, dialect)
        let values = entity.valueColumns.map { "\(sql.name($0.name)) = s.\(sql.name($0.name))" }
        var statements = [
            "CREATE TABLE \(backup) AS SELECT * FROM \(live);",
            "DELETE FROM \(live) WHERE NOT EXISTS (SELECT 1 FROM \(staging) AS s WHERE \(sql.keyMatch("s", live)));"
        ]
        if !values.isEmpty {
            statements.append(
                "UPDATE OR IGNORE \(live) AS t SET \(values.joined(separator: ", ")) FROM \(staging) AS s WHERE \(sql.keyMatch("t", "s"));"
            )
        }
        statements.append(
            "INSERT OR IGNORE INTO \(live) (\(columnList)) SELECT \(columnList) FROM \(staging) AS s WHERE NOT EXISTS (SELECT 1 FROM \(live) AS t WHERE \(sql.keyMatch("t", "s")));"
        )
        let refused = "airlock_refused_\(ordinal)"
        statements += [
            """
            CREATE TEMP TABLE \(refused) AS SELECT \(sql.keyText(of: "s")) AS airlock_refused FROM \(staging) AS s LEFT JOIN \(live) AS t ON \(sql.keyMatch("t", "s"))
            WHERE t.\(sql.name(entity.key[0])) IS NULL OR \(sql.valuesDiffer("t", "s"));
            """,
            "SELECT \(dialect.literal("airlock: \(entity.name): refused: ")) || airlock_refused FROM \(refused) ORDER BY 1;",
            ledger.refuse(
                when: "EXISTS (SELECT 1 FROM \(refused))",
                message:
                    "airlock: cutover of \(entity.name) stopped: \(ScriptSwitches.doesNotFitMarker) bundle \(bundle.paddedSequence): table \(entity.table.name) refused rows of it (listed above: a CHECK, NOT NULL or UNIQUE constraint of the table); nothing was changed",
                label: "refused_\(ordinal)"),
            "DROP TABLE \(staging);"
        ]
        return statements
    }

    /// SQLite: the live rows go back to the staging table and the backup's take their place.
    var sqliteRollback: [String] {
        [
            "DROP TABLE IF EXISTS \(staging);",
            "CREATE TABLE \(staging) AS SELECT * FROM \(live);",
            "DELETE FROM \(live);",
            "INSERT INTO \(live) SELECT * FROM \(backup);",
            "DROP TABLE \(backup);"
        ]
    }

    /// PostgreSQL, first thing after the guards: every table a cutover or its rollback renames or
    /// drops that exists already (live, staging, backup), held in SHARE UPDATE EXCLUSIVE mode
    /// until the end. Autovacuum takes that lock too, so none starts on them meanwhile; one
    /// running now is waited for, and cancelled by the server after deadlock_timeout. Without
    /// it an autovacuum that began during the script could hold a table the swap must rename
    /// while it waited on a catalog row this transaction changed: a deadlock (seen in
    /// ScriptLawTests under load), which the server settled by failing the script. Readers and
    /// writers of the tables are not held up.
    static func postgresHoldAgainstAutovacuum(_ cutovers: [CutoverStatements]) -> String {
        let dialect = SQLDialect.postgres
        let tables = cutovers.flatMap { [$0.live, $0.staging, $0.backup] }.map(dialect.literal)
        return LedgerStatements(dialect: dialect).procedure(
            """
            DECLARE relation text; BEGIN FOREACH relation IN ARRAY ARRAY[\(tables.joined(separator: ", "))]::text[] LOOP \
            IF to_regclass(relation) IS NOT NULL THEN EXECUTE format('LOCK TABLE %s IN SHARE UPDATE EXCLUSIVE MODE', relation); END IF; \
            END LOOP; END
            """)
    }

    /// PostgreSQL: swaps every staging table in at once.
    static func postgresCutover(_ cutovers: [CutoverStatements]) -> String {
        swap(cutovers, incoming: \.staging, incomingSuffix: \.stagingSuffix, outgoingSuffix: \.backupSuffix)
    }

    /// PostgreSQL: swaps every backup table back; the live tables become the staging tables.
    static func postgresRollback(_ cutovers: [CutoverStatements]) -> String {
        swap(cutovers, incoming: \.backup, incomingSuffix: \.backupSuffix, outgoingSuffix: \.stagingSuffix)
    }

    private static func swap(
        _ cutovers: [CutoverStatements], incoming: KeyPath<CutoverStatements, String>,
        incomingSuffix: KeyPath<CutoverStatements, String>, outgoingSuffix: KeyPath<CutoverStatements, String>
    ) -> String {
        let dialect = SQLDialect.postgres
        let lives = cutovers.map { $0.regclass($0.live) }.joined(separator: ", ")
        let incomings = cutovers.map { $0.regclass($0[keyPath: incoming]) }.joined(separator: ", ")
        // One bundle, one suffix: every entity shares the bundle's sequence number.
        return
            "SELECT pg_temp.airlock_swap(ARRAY[\(lives)], ARRAY[\(incomings)], \(dialect.literal(cutovers[0][keyPath: incomingSuffix])), \(dialect.literal(cutovers[0][keyPath: outgoingSuffix])));"
    }

    /// SQLite: names every row whose foreign key lost its parent, then stops the script if any did.
    static func sqliteForeignKeyCheck(managed: [EntitySpec], action: String) -> String {
        let dialect = SQLDialect.sqlite
        let names = managed.map { dialect.literal($0.table.name.lowercased()) }.joined(separator: ", ")
        let broken =
            "SELECT * FROM pragma_foreign_key_check WHERE lower(\"table\") IN (\(names)) OR lower(parent) IN (\(names))"
        return """
            SELECT 'airlock: foreign key broken: ' || "table" || ' row ' || coalesce(rowid, '(without rowid)') || ' refers to a missing row of ' || parent FROM (\(broken));
            \(LedgerStatements(dialect: dialect).refuse(when: "EXISTS (\(broken))", message: "airlock: \(action) would leave rows whose foreign keys refer to missing rows (listed above); nothing was changed", label: "foreign_keys"))
            """
    }

    private func regclass(_ identifier: String) -> String {
        "\(dialect.literal(identifier))::regclass"
    }
}
