import AirlockBase
import AirlockSite
import AirlockSpec

/// What `verify.sql` prints on request (`ScriptSwitches.listKeys`) about one entity's table
/// when it differs from the bundle, carrying data that costs what the change costs, not what
/// the table costs:
///
/// - each key the bundle changed, with the hash its row must have (none for a key it deleted),
///   so that each of those that differs is named exactly: `id=3: holds other values`,
///   `missing on the target`, `the bundle deletes it, the target holds it`. The keys and rows
///   come from the bundle's change file (`ChangedRows`), hashed on the target as its table's
///   rows are, so the script carries none of them;
/// - for the rows it did not change, a count and a sum of row hashes per group of keys (the
///   first two hex digits of the key text's hash: 256 groups), so that a row edited on the
///   target outside Airlock is narrowed to its group, whose keys on the target are listed
///   (the first 20, so in a table of more than ~5,000 rows the edited key may not be among
///   them): `rows this bundle did not change differ among the keys of group 3f (the table has
///   4 there, the bundle expects 4): id=17, id=230`.
struct VerifyKeyListing {
    let entity: EntitySpec
    let dialect: SQLDialect
    /// The entity's place in the script, which names its temporary tables.
    let ordinal: Int
    let bundle: BundleIdentity
    /// The unchanged rows of the snapshot per key group in this dialect
    /// (`SnapshotHashes.unchanged`).
    let groups: SnapshotHashes.Groups

    /// Keys of each group listed when the group differs.
    static let keysPerGroup = 20

    private var changed: String { "airlock_changed_\(ordinal)" }
    private var lines: String { ChangedRows.loadedTable(ordinal: ordinal) }
    private var after: String { "airlock_after_\(ordinal)" }
    private var before: String { "airlock_before_\(ordinal)" }
    private var groupsTable: String { "airlock_groups_\(ordinal)" }
    private var found: String { "airlock_found_\(ordinal)" }
    private var foundGroups: String { "airlock_found_groups_\(ordinal)" }

    /// Writes the listing; `on` is the SQL condition that says it was asked for.
    func write(_ out: ScriptWriter, on: String) throws {
        let checksum = TableChecksum(entity: entity)
        try writeChangedKeys(out, on: on, checksum: checksum)
        try out.line("CREATE TEMP TABLE \(groupsTable) (g TEXT, n BIGINT, s BIGINT);")
        // At most 256 rows of numbers: one statement.
        let values = (0..<256).filter { groups.rows[$0] > 0 }.map {
            "('\([UInt8($0)].hexString)', \(groups.rows[$0]), \(groups.sums[$0]))"
        }
        if !values.isEmpty {
            try out.line(
                "INSERT INTO \(groupsTable) (g, n, s) SELECT * FROM (VALUES \(values.joined(separator: ",\n"))) AS v WHERE \(on);"
            )
        }
        try writeComparison(out, on: on, checksum: checksum)
    }

    /// The changed keys, keyed as every target row is looked up in them: those of the change
    /// file's `after` rows with their hash, then those only among its `before` rows (the
    /// deleted ones) without.
    private func writeChangedKeys(_ out: ScriptWriter, on: String, checksum: TableChecksum) throws {
        let member = ChangedRows(entity), definition = EntitySQL(entity, dialect).tableDefinition(foreignKeys: false)
        try out.line("CREATE TEMP TABLE \(changed) (key TEXT PRIMARY KEY, h TEXT);")
        for table in [after, before] { try out.line("CREATE TEMP TABLE \(table) \(definition);") }
        for statement in member.load(into: lines, dialect) { try out.line(statement) }
        try out.line(
            member.checkBundle(
                loaded: lines, bundle: bundle.digest, sequence: bundle.paddedSequence, asked: on, dialect))
        try out.line(member.fill(after, from: lines, with: .after, dialect))
        try out.line(member.fill(before, from: lines, with: .before, dialect))
        try out.line(
            """
            INSERT INTO \(changed) (key, h) SELECT a.key, a.h FROM (\(checksum.rowQuery(dialect, table: after))) AS a WHERE \(on);
            INSERT INTO \(changed) (key, h) SELECT b.key, NULL FROM (\(checksum.rowQuery(dialect, table: before))) AS b
            WHERE \(on) AND NOT EXISTS (SELECT 1 FROM \(changed) AS c WHERE c.key = b.key);
            DROP TABLE \(lines);
            DROP TABLE \(after);
            DROP TABLE \(before);
            """)
    }

    private func writeComparison(_ out: ScriptWriter, on: String, checksum: TableChecksum) throws {
        let label = dialect.literal("airlock: \(entity.name): ")
        let target = checksum.rowQuery(dialect, table: EntitySQL(entity, dialect).targetTable)
        try out.line(
            "CREATE TEMP TABLE \(found) AS SELECT t.key AS key, t.h AS h, \(groupExpression("t.key")) AS g FROM (\(target)) AS t WHERE \(on);"
        )
        try out.line(
            """
            CREATE TEMP TABLE \(foundGroups) AS SELECT g, count(*) AS n, sum(\(first32Bits("h"))) AS s FROM \(found) AS t
            WHERE NOT EXISTS (SELECT 1 FROM \(changed) AS c WHERE c.key = t.key) GROUP BY g;
            """)
        let keys =
            "(SELECT \(joinedKeys) FROM (SELECT key FROM \(found) AS t WHERE t.g = x.g AND NOT EXISTS (SELECT 1 FROM \(changed) AS c WHERE c.key = t.key) ORDER BY key LIMIT \(Self.keysPerGroup)) AS k)"
        try out.line(
            """
            SELECT \(label) || c.key || CASE WHEN c.h IS NULL THEN ': the bundle deletes it, the target holds it'
              WHEN t.key IS NULL THEN ': missing on the target' ELSE ': holds other values' END
            FROM \(changed) AS c LEFT JOIN \(found) AS t ON t.key = c.key
            WHERE CASE WHEN c.h IS NULL THEN t.key IS NOT NULL ELSE t.key IS NULL OR t.h <> c.h END
            UNION ALL
            SELECT \(label) || 'rows this bundle did not change differ among the keys of group ' || x.g || ' (the table has '
              || coalesce(f.n, 0) || ' there, the bundle expects ' || coalesce(e.n, 0) || ')' || coalesce(': ' || \(keys), '')
            FROM (SELECT g FROM \(groupsTable) UNION SELECT g FROM \(foundGroups)) AS x
            LEFT JOIN \(groupsTable) AS e ON e.g = x.g LEFT JOIN \(foundGroups) AS f ON f.g = x.g
            WHERE coalesce(e.n, 0) <> coalesce(f.n, 0) OR coalesce(e.s, 0) <> coalesce(f.s, 0)
            ORDER BY 1;
            """)
        try out.line(
            "DROP TABLE \(foundGroups);\nDROP TABLE \(found);\nDROP TABLE \(groupsTable);\nDROP TABLE \(changed);")
    }

    /// SQL: the first two hex digits (lower case) of the hash of the key text `key`.
    private func groupExpression(_ key: String) -> String {
        switch dialect {
        case .postgres: return "substr(encode(sha256(convert_to(\(key), 'UTF8')), 'hex'), 1, 2)"
        case .sqlite: return "lower(substr(hex(sha3(\(key), 256)), 1, 2))"
        }
    }

    /// SQL: the number the first 8 hex digits (lower case) of `hash` spell.
    private func first32Bits(_ hash: String) -> String {
        switch dialect {
        case .postgres: return "('x' || substr(\(hash), 1, 8))::bit(32)::bigint"
        case .sqlite:
            return (0..<8).map { "((instr('0123456789abcdef', substr(\(hash), \($0 + 1), 1)) - 1) << \(28 - 4 * $0))" }
                .joined(separator: " | ")
        }
    }

    /// SQL: the `key` column of the rows selected, joined by commas.
    private var joinedKeys: String {
        dialect == .postgres ? "string_agg(key, ', ' ORDER BY key)" : "group_concat(key, ', ')"
    }
}
