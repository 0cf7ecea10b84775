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
    var staging: String { dialect.identifier(entity.name + stagingSuffix) }
    var backup: String { dialect.identifier(entity.name + backupSuffix) }

    private var ledger: LedgerStatements { LedgerStatements(dialect: dialect) }
    private var columnList: String { EntitySQL(entity, dialect).columns }

    /// A fresh staging table; one kept by a rollback of this same bundle is replaced.
    var createStaging: [String] {
        let definition =
            dialect == .postgres
            ? "(LIKE \(live) INCLUDING ALL EXCLUDING INDEXES)"
            : EntitySQL(entity, dialect).tableDefinition(foreignKeys: false)
        return ["DROP TABLE IF EXISTS \(staging);", "CREATE TABLE \(staging) \(definition);"]
    }

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
                        "\(stopped), fewer than the spec's cutover.min_share_of_current \(share) of the rows table \(entity.name) holds now",
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
            let names = managed.map { dialect.literal(dialect.identifier($0.name)) }.joined(separator: ", ")
            return
                "SELECT pg_temp.airlock_refuse_dependents(\(regclass(live)), ARRAY[\(names)]::text[], \(dialect.literal("\(action) of \(entity.name)")));"
        case .sqlite:
            return ledger.refuse(
                when:
                    "EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND tbl_name = \(dialect.literal(entity.name)) COLLATE NOCASE)",
                message:
                    "airlock: \(action) of \(entity.name) stopped before any change: table \(entity.name) has triggers, which would fire for every row it replaces; drop them and run the script again, or apply the bundle with --mode upsert",
                label: "dependents_\(ordinal)")
        }
    }

    /// PostgreSQL: gives the staging table the live table's indexes, constraints and grants.
    var prepareStaging: String {
        "SELECT pg_temp.airlock_prepare(\(regclass(live)), \(regclass(staging)), \(dialect.literal(stagingSuffix)));"
    }

    /// Stops a rollback whose backup table is gone.
    var requireBackup: String {
        let missing =
            dialect == .postgres
            ? "to_regclass(\(dialect.literal(backup))) IS NULL"
            : "NOT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = \(dialect.literal(entity.name + backupSuffix)))"
        return ledger.refuse(
            when: missing,
            message:
                "airlock: the backup table \(entity.name + backupSuffix) is gone, so the cutover of bundle \(bundle.paddedSequence) cannot be rolled back; nothing was changed",
            label: "backup_\(ordinal)")
    }

    /// SQLite: the live table's rows go to the backup and the staging rows take their place.
    var sqliteCutover: [String] {
        [
            "CREATE TABLE \(backup) AS SELECT * FROM \(live);",
            "DELETE FROM \(live);",
            "INSERT INTO \(live) (\(columnList)) SELECT \(columnList) FROM \(staging);",
            "DROP TABLE \(staging);"
        ]
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
        let names = managed.map { dialect.literal($0.name.lowercased()) }.joined(separator: ", ")
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
