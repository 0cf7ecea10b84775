import AirlockBase
import AirlockSite

/// How PostgreSQL scripts keep `airlock_checksum_offsets` (`LedgerStatements.checksumOffsets`):
/// what a table's checksum on the target is off from the bundle's, because the target's column
/// types render some values their own way (jsonb reorders keys, uuid lower-cases, numeric(14,3)
/// writes 12.500). The rows typed by `airlock_take_rows` carry their share; a script adds the
/// shares of what it wrote and takes away those of what it replaced (`airlock_offset_parts`),
/// and verify.sql takes a table's offsets off before it compares. Tables whose types are the
/// spec's have none.
enum ChecksumOffsetStatements {
    private static var table: String { LedgerStatements.checksumOffsets }

    /// Upsert and rollback: each table's current offsets change by the parts this script counted.
    static var add: String {
        """
        INSERT INTO \(table) (table_name, slot, first, second)
        SELECT table_key, 'current', sum(first), sum(second) FROM pg_temp.airlock_offset_parts GROUP BY table_key
        ON CONFLICT (table_name, slot) DO UPDATE SET first = \(table).first + excluded.first, second = \(table).second + excluded.second;
        """
    }

    /// Cutover: the replaced tables' offsets are kept under `backup_SEQ` for the rollback, and
    /// the new tables' are those of their staging rows.
    static func cutover(tables: [String], suffix: String) -> [String] {
        let keys = TargetCheckStatements.textArray(tables, .postgres)
        let slot = SQLDialect.postgres.literal(suffix)
        return [
            "DELETE FROM \(table) WHERE table_name = ANY (\(keys)) AND slot = \(slot);",
            "UPDATE \(table) SET slot = \(slot) WHERE table_name = ANY (\(keys)) AND slot = 'current';",
            "INSERT INTO \(table) (table_name, slot, first, second) SELECT table_key, 'current', sum(first), sum(second) FROM pg_temp.airlock_offset_parts GROUP BY table_key;"
        ]
    }

    /// Cutover rollback: the tables put back take back their offsets.
    static func cutoverRollback(tables: [String], suffix: String) -> [String] {
        let keys = TargetCheckStatements.textArray(tables, .postgres)
        return [
            "DELETE FROM \(table) WHERE table_name = ANY (\(keys)) AND slot = 'current';",
            "UPDATE \(table) SET slot = 'current' WHERE table_name = ANY (\(keys)) AND slot = \(SQLDialect.postgres.literal(suffix));"
        ]
    }

    /// verify.sql: a table's offsets, none when the target has no offsets table (no script of
    /// a bundle with offsets ran on it).
    static let lookup = #"""
        CREATE OR REPLACE FUNCTION pg_temp.airlock_offsets(table_key text, OUT first bigint, OUT second bigint) LANGUAGE plpgsql AS $airlock$
        BEGIN
          IF to_regclass('\#(table)') IS NOT NULL THEN
            EXECUTE 'SELECT first, second FROM \#(table) WHERE table_name = $1 AND slot = ''current''' INTO first, second USING table_key;
          END IF;
          first := coalesce(first, 0);
          second := coalesce(second, 0);
        END $airlock$;
        """#
}
