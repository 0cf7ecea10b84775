import AirlockSite
import AirlockSpec
import GRDB

/// The difference between an entity's snapshot and its baseline, as SQL over the two keyed
/// workspace tables: the diff is set work in SQL, never a loop over rows.
///
/// `findChanges` compares the two tables once and keeps the keys that differ with what happens
/// to each (`insert`, `update`, `delete`) in `EntityTables.changed`. Every later question of
/// the bundle (its counts, change file, checksum groups, before-images and baseline update)
/// reads that table, so each touches the changed rows only. It holds from `findChanges` until
/// the snapshot or the baseline changes: a run finds the changes after the snapshot is final
/// and promotes last.
struct EntityDiff {
    let entity: EntitySpec
    private let tables: EntityTables

    init(_ entity: EntitySpec) {
        self.entity = entity
        tables = EntityTables(entity)
    }

    /// Baseline row `b` and snapshot row `s` share a key.
    private var keyMatch: String { tables.sql.keyMatch("b", "s") }

    /// True where a snapshot row differs from its baseline row (NULL-safe).
    private var rowDiffers: String { tables.sql.valuesDiffer("s", "b") }

    /// Finds the keys where the snapshot and the baseline differ, in two passes: the
    /// snapshot's rows the baseline lacks as they are (inserted keys, where the baseline has
    /// no row of the key, and updated ones), and the baseline's keys the snapshot lacks
    /// (deleted ones), which is skipped when the first pass's count of inserts says there are
    /// none. Against an empty baseline (a first bundle) every snapshot row is an insert.
    ///
    /// A pass either merges or joins. An `EXCEPT` of two lists in key order is answered by
    /// SQLite as a merge of two scans in primary-key order; a join looks each row up in the
    /// other table. Each row the merge finds costs more than a lookup, so the merge is quicker
    /// for a small change only (1,000,000 rows, sqlite3 shell: 20,000 changed, 0.63 s merged
    /// and 1.15 s joined; every row updated, 2.5 s merged and 1.4 s joined). A pass merges
    /// until it has found a tenth of the rows it scans, and then joins instead. `EXCEPT`
    /// compares NULLs as equal, as `IS NOT` does.
    func findChanges(in db: Database) throws {
        let keyColumns = entity.keyColumns.map {
            "\(tables.sql.name($0.name)) \(tables.sql.dialect.columnType($0.type))"
        }
        try db.execute(sql: "DROP TABLE IF EXISTS \(tables.changed)")
        try db.execute(
            sql: """
                CREATE TABLE \(tables.changed) (\(keyColumns.joined(separator: ", ")), airlock_op TEXT NOT NULL,
                    PRIMARY KEY (\(tables.sql.key))) WITHOUT ROWID
                """)
        let baselineRows = try Int.fetchOne(db, sql: "SELECT count(*) FROM \(tables.baseline)") ?? 0
        guard baselineRows > 0 else {
            try db.execute(
                sql: """
                    INSERT INTO \(tables.changed) (\(tables.sql.key), airlock_op)
                    SELECT \(tables.sql.key), 'insert' FROM \(tables.snapshot)
                    """)
            return
        }
        // Key columns first, so that "in key order" is by the first columns of the lists.
        let rows = (entity.key + entity.valueColumns.map(\.name)).map(tables.sql.name).joined(separator: ", ")
        let keyOrder = entity.key.indices.map { String($0 + 1) }.joined(separator: ", ")
        let missing = "b.\(tables.sql.name(entity.key[0])) IS NULL"
        let snapshotCount = try Int.fetchOne(db, sql: "SELECT count(*) FROM \(tables.snapshot)") ?? 0
        try findChanges(
            merged: """
                SELECT \(tables.sql.key(of: "s")),
                  CASE WHEN EXISTS (SELECT 1 FROM \(tables.baseline) AS b WHERE \(keyMatch)) THEN 'update' ELSE 'insert' END
                FROM (SELECT \(rows) FROM \(tables.snapshot) EXCEPT SELECT \(rows) FROM \(tables.baseline)
                  ORDER BY \(keyOrder) LIMIT ?) AS s
                """,
            joined: """
                SELECT \(tables.sql.key(of: "s")), CASE WHEN \(missing) THEN 'insert' ELSE 'update' END
                FROM \(tables.snapshot) AS s LEFT JOIN \(tables.baseline) AS b ON \(keyMatch)
                WHERE \(missing) OR \(rowDiffers)
                """,
            found: "airlock_op <> 'delete'", scanning: snapshotCount, in: db)
        // Each snapshot key not inserted is a baseline key, so the baseline holds this many keys
        // the snapshot lacks. With none, as when a source only adds and changes rows, the
        // second pass, another read of both tables (1,000,000 rows: 0.2 s), is not needed.
        let inserted =
            try Int.fetchOne(db, sql: "SELECT count(*) FROM \(tables.changed) WHERE airlock_op = 'insert'") ?? 0
        guard baselineRows - (snapshotCount - inserted) > 0 else { return }
        try findChanges(
            merged: """
                SELECT \(tables.sql.key), 'delete' FROM (
                  SELECT \(tables.sql.key) FROM \(tables.baseline) EXCEPT SELECT \(tables.sql.key) FROM \(tables.snapshot)
                  ORDER BY \(keyOrder) LIMIT ?)
                """,
            joined: """
                SELECT \(tables.sql.key(of: "b")), 'delete' FROM \(tables.baseline) AS b
                WHERE NOT EXISTS (SELECT 1 FROM \(tables.snapshot) AS s WHERE \(keyMatch))
                """,
            found: "airlock_op = 'delete'", scanning: baselineRows, in: db)
    }

    /// One pass of `findChanges`: adds to the changed keys the rows of `merged`, a SELECT of
    /// keys and operations ending in `LIMIT ?`, with a tenth of `scanning` rows as the limit.
    /// When the merge finds that many, the rows it added (those `found` selects) go, and
    /// `joined` finds every one.
    private func findChanges(merged: String, joined: String, found: String, scanning: Int, in db: Database) throws {
        let insert = "INSERT INTO \(tables.changed) (\(tables.sql.key), airlock_op)"
        let limit = max(scanning / 10, 1)
        try db.execute(sql: "\(insert) \(merged)", arguments: [limit])
        guard db.changesCount == limit else { return }
        try db.execute(sql: "DELETE FROM \(tables.changed) WHERE \(found)")
        try db.execute(sql: "\(insert) \(joined)")
    }

    /// Changed key `c` and the row `alias` share a key.
    func changedKey(_ alias: String) -> String { tables.sql.keyMatch("c", alias) }

    /// True for a snapshot row `s` the baseline holds as it is: one the bundle leaves unchanged.
    var unchangedRow: String {
        "NOT EXISTS (SELECT 1 FROM \(tables.changed) AS c WHERE \(changedKey("s")))"
    }

    private func columns(of alias: String) -> String { tables.sql.columns(of: alias) }

    /// Every snapshot row: what a cutover leaves in the target.
    var snapshotRows: String {
        "SELECT \(columns(of: "s")) FROM \(tables.snapshot) AS s ORDER BY \(tables.sql.key)"
    }

    /// Baseline rows that the upsert changes or deletes: the before-images the upsert expects
    /// to find and a rollback restores.
    private var beforeImages: String {
        """
        SELECT \(columns(of: "b")) FROM \(tables.changed) AS c JOIN \(tables.baseline) AS b ON \(changedKey("b"))
        WHERE c.airlock_op <> 'insert' ORDER BY \(tables.sql.key(of: "c"))
        """
    }

    /// How many keys the bundle inserts, updates and deletes, and how many snapshot rows it
    /// leaves as they are.
    func counts(in db: Database) throws -> EntityCounts {
        let row = try Row.fetchOne(
            db,
            sql: """
                SELECT coalesce(sum(airlock_op = 'insert'), 0) AS inserted, coalesce(sum(airlock_op = 'update'), 0) AS updated,
                  coalesce(sum(airlock_op = 'delete'), 0) AS deleted, (SELECT count(*) FROM \(tables.snapshot)) AS rows
                FROM \(tables.changed)
                """)!
        let (inserted, updated): (Int, Int) = (row["inserted"], row["updated"])
        return EntityCounts(
            inserted: inserted, updated: updated, deleted: row["deleted"], unchanged: row["rows"] - inserted - updated)
    }

    /// Whether the bundle deletes rows: keys of the baseline the snapshot no longer has.
    func deletes(in db: Database) throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM \(tables.changed) WHERE airlock_op = 'delete')")
            ?? false
    }

    /// The value columns that are NULL in some snapshot row, in one pass.
    func columnsWithNulls(in db: Database) throws -> [String] {
        let columns = entity.valueColumns
        guard !columns.isEmpty else { return [] }
        let tests = columns.map { "max(\(tables.sql.name($0.name)) IS NULL)" }.joined(separator: ", ")
        guard let row = try Row.fetchOne(db, sql: "SELECT \(tests) FROM \(tables.snapshot)") else { return [] }
        return columns.indices.filter { (row[$0] as Int?) == 1 }.map { columns[$0].name }
    }

    /// The counts per value of the category column: the snapshot's value for a row it holds,
    /// the baseline's for a deleted row.
    func countsByCategory(_ column: String, in db: Database) throws -> [String?: EntityCounts] {
        let category = tables.sql.name(column)
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT category, sum(change = 'insert'), sum(change = 'update'), sum(change = 'delete'), sum(change = 'unchanged') FROM (
                  SELECT CAST(s.\(category) AS TEXT) AS category, coalesce(c.airlock_op, 'unchanged') AS change
                  FROM \(tables.snapshot) AS s LEFT JOIN \(tables.changed) AS c ON \(changedKey("s"))
                  UNION ALL
                  SELECT CAST(b.\(category) AS TEXT), 'delete' FROM \(tables.changed) AS c JOIN \(tables.baseline) AS b ON \(changedKey("b"))
                  WHERE c.airlock_op = 'delete'
                ) GROUP BY category
                """)
        // SQLite groups by bytes; values that are one Swift String (precomposed and decomposed
        // é) are one category, their counts added up, where a duplicate key used to trap.
        return Dictionary(
            rows.map { row in
                (row[0] as String?, EntityCounts(inserted: row[1], updated: row[2], deleted: row[3], unchanged: row[4]))
            },
            uniquingKeysWith: { a, b in
                EntityCounts(
                    inserted: a.inserted + b.inserted, updated: a.updated + b.updated, deleted: a.deleted + b.deleted,
                    unchanged: a.unchanged + b.unchanged)
            })
    }

    /// From how many snapshot rows `promote` renames the snapshot into the baseline rather than
    /// copying it: each of the three `ALTER TABLE … RENAME` reads the whole schema again (about
    /// 3 ms together, whatever the rows), where a copy takes 0.05 ms for 1,000 rows and 0.55 s
    /// for 1,000,000 (the `sqlite3` shell, 2026-12-07).
    static let renamedFromRows = 10_000

    /// Makes the snapshot the new baseline, once its bundle is safely staged, keeping the
    /// before-images of what `bundle` changes so `restore` can undo it. `renamedFrom` is
    /// `renamedFromRows` but in tests, which take both ways with tables of any size.
    func promote(bundle: Int, renamedFrom: Int = Self.renamedFromRows, in db: Database) throws {
        let columns = tables.sql.columns
        try db.execute(
            sql:
                "INSERT INTO \(tables.undo) (airlock_bundle, airlock_existed, \(columns)) SELECT ?, 1, \(columns) FROM (\(beforeImages))",
            arguments: [bundle])
        // A key the bundle inserts needs no before-image: restoring removes it. Only the key is
        // kept (a first bundle of 1M rows wrote every row a second time here).
        try db.execute(
            sql: """
                INSERT INTO \(tables.undo) (airlock_bundle, airlock_existed, \(tables.sql.key))
                SELECT ?, 0, \(tables.sql.key) FROM \(tables.changed) WHERE airlock_op = 'insert' ORDER BY \(tables.sql.key)
                """,
            arguments: [bundle])
        // The baseline becomes the snapshot. They differ only at the keys the bundle changes,
        // which the undo table now lists (a key it updated or deleted, a key it inserted): the
        // other rows are the same, as the diff compared them. Where those are few, only they
        // are replaced (a copy of the whole snapshot took 1.8 s of the 1M-row benchmark's v2
        // drop, replacing its 20,000 changed rows 1.2 s); where most rows change, as in a
        // first bundle, the snapshot becomes the baseline whole: renamed, or if small copied.
        let changed =
            try Int.fetchOne(
                db, sql: "SELECT count(*) FROM \(tables.undo) WHERE airlock_bundle = ?", arguments: [bundle]) ?? 0
        let rows = try Int.fetchOne(db, sql: "SELECT count(*) FROM \(tables.snapshot)") ?? 0
        if changed * 2 < rows {
            let undone = "SELECT \(tables.sql.key) FROM \(tables.undo) WHERE airlock_bundle = ?"
            try db.execute(
                sql: "DELETE FROM \(tables.baseline) WHERE (\(tables.sql.key)) IN (\(undone))", arguments: [bundle])
            try db.execute(
                sql: """
                    INSERT INTO \(tables.baseline) (\(columns)) SELECT \(tables.sql.columns(of: "s")) FROM \(tables.undo) AS b
                    JOIN \(tables.snapshot) AS s ON \(keyMatch) WHERE b.airlock_bundle = ? ORDER BY \(tables.sql.key(of: "b"))
                    """, arguments: [bundle])
        } else if rows >= renamedFrom {
            try tables.moveSnapshotToBaseline(in: db)
        } else {
            try tables.copy(.snapshot, to: .baseline, in: db)
        }
        // The baseline is the snapshot now: the keys found between them are changed no more.
        try db.execute(sql: "DROP TABLE \(tables.changed)")
    }

    /// Whether `promote` (or `airlock recover`) kept before-images of `bundle` for this entity.
    func hasBeforeImages(bundle: Int, in db: Database) throws -> Bool {
        try Bool.fetchOne(
            db, sql: "SELECT EXISTS (SELECT 1 FROM \(tables.undo) WHERE airlock_bundle = ?)", arguments: [bundle])
            ?? false
    }

    /// Puts the baseline back to where it was before `bundle`, for a discarded bundle.
    func restore(bundle: Int, in db: Database) throws {
        try db.execute(
            sql:
                "DELETE FROM \(tables.baseline) WHERE (\(tables.sql.key)) IN (SELECT \(tables.sql.key) FROM \(tables.undo) WHERE airlock_bundle = ?)",
            arguments: [bundle])
        try db.execute(
            sql:
                "INSERT INTO \(tables.baseline) (\(tables.sql.columns)) SELECT \(tables.sql.columns) FROM \(tables.undo) WHERE airlock_bundle = ? AND airlock_existed",
            arguments: [bundle])
        try db.execute(sql: "DELETE FROM \(tables.undo) WHERE airlock_bundle = ?", arguments: [bundle])
    }
}
