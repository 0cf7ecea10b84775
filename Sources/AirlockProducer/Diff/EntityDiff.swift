import AirlockSite
import AirlockSpec
import GRDB

/// The difference between an entity's snapshot and its baseline, as SQL over the two keyed
/// workspace tables: the diff is a join on the key, never a loop over rows.
struct EntityDiff {
    let entity: EntitySpec
    private let tables: EntityTables

    init(_ entity: EntitySpec) {
        self.entity = entity
        tables = EntityTables(entity)
    }

    /// Baseline row `b` and snapshot row `s` share a key.
    var keyMatch: String { tables.sql.keyMatch("b", "s") }

    /// True where a snapshot row differs from its baseline row (NULL-safe).
    var rowDiffers: String { tables.sql.valuesDiffer("s", "b") }

    /// True for a snapshot row `s` the baseline holds as it is: one the bundle leaves unchanged.
    var unchangedRow: String {
        "EXISTS (SELECT 1 FROM \(tables.baseline) AS b WHERE \(keyMatch) AND NOT (\(rowDiffers)))"
    }

    private func columns(of alias: String) -> String { tables.sql.columns(of: alias) }

    private var keyOrder: String { tables.sql.key }

    /// Every snapshot row: what a cutover leaves in the target.
    var snapshotRows: String {
        "SELECT \(columns(of: "s")) FROM \(tables.snapshot) AS s ORDER BY \(keyOrder)"
    }

    /// Snapshot rows with no baseline row: what the bundle inserts.
    var insertedRows: String {
        """
        SELECT \(columns(of: "s")) FROM \(tables.snapshot) AS s
        WHERE NOT EXISTS (SELECT 1 FROM \(tables.baseline) AS b WHERE \(keyMatch))
        ORDER BY \(keyOrder)
        """
    }

    /// Baseline rows that the upsert changes or deletes: the before-images the upsert expects
    /// to find and a rollback restores.
    var beforeImages: String {
        """
        SELECT \(columns(of: "b")) FROM \(tables.baseline) AS b
        WHERE NOT EXISTS (SELECT 1 FROM \(tables.snapshot) AS s WHERE \(keyMatch) AND NOT (\(rowDiffers)))
        ORDER BY \(keyOrder)
        """
    }

    func counts(in db: Database) throws -> EntityCounts {
        let row = try Row.fetchOne(
            db,
            sql: """
                SELECT
                  (SELECT count(*) FROM \(tables.snapshot) AS s WHERE NOT EXISTS (SELECT 1 FROM \(tables.baseline) AS b WHERE \(keyMatch))) AS inserted,
                  (SELECT count(*) FROM \(tables.baseline) AS b WHERE NOT EXISTS (SELECT 1 FROM \(tables.snapshot) AS s WHERE \(keyMatch))) AS deleted,
                  (SELECT count(*) FROM \(tables.snapshot) AS s JOIN \(tables.baseline) AS b ON \(keyMatch) WHERE \(rowDiffers)) AS updated,
                  (SELECT count(*) FROM \(tables.snapshot) AS s JOIN \(tables.baseline) AS b ON \(keyMatch) WHERE NOT (\(rowDiffers))) AS unchanged
                """)!
        return EntityCounts(
            inserted: row["inserted"], updated: row["updated"], deleted: row["deleted"], unchanged: row["unchanged"])
    }

    /// Whether the bundle deletes rows: keys of the baseline the snapshot no longer has.
    func deletes(in db: Database) throws -> Bool {
        try Bool.fetchOne(
            db,
            sql:
                "SELECT EXISTS (SELECT 1 FROM \(tables.baseline) AS b WHERE NOT EXISTS (SELECT 1 FROM \(tables.snapshot) AS s WHERE \(keyMatch)))"
        ) ?? false
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
                SELECT category, sum(change = 'inserted'), sum(change = 'updated'), sum(change = 'deleted'), sum(change = 'unchanged') FROM (
                  SELECT CAST(s.\(category) AS TEXT) AS category,
                         CASE WHEN b.\(tables.sql.name(entity.key[0])) IS NULL THEN 'inserted' WHEN \(rowDiffers) THEN 'updated' ELSE 'unchanged' END AS change
                  FROM \(tables.snapshot) AS s LEFT JOIN \(tables.baseline) AS b ON \(keyMatch)
                  UNION ALL
                  SELECT CAST(b.\(category) AS TEXT), 'deleted' FROM \(tables.baseline) AS b
                  WHERE NOT EXISTS (SELECT 1 FROM \(tables.snapshot) AS s WHERE \(keyMatch))
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

    /// Makes the snapshot the new baseline, once its bundle is safely staged, keeping the
    /// before-images of what `bundle` changes so `restore` can undo it.
    func promote(bundle: Int, in db: Database) throws {
        let columns = tables.sql.columns
        try db.execute(
            sql:
                "INSERT INTO \(tables.undo) (airlock_bundle, airlock_existed, \(columns)) SELECT ?, 1, \(columns) FROM (\(beforeImages))",
            arguments: [bundle])
        try db.execute(
            sql:
                "INSERT INTO \(tables.undo) (airlock_bundle, airlock_existed, \(columns)) SELECT ?, 0, \(columns) FROM (\(insertedRows))",
            arguments: [bundle])
        // The baseline becomes the snapshot. They differ only at the keys the bundle changes,
        // which the undo table now lists (a key it updated or deleted, a key it inserted): the
        // other rows are the same, as the diff compared them. Where those are few, only they
        // are replaced (a copy of the whole snapshot took 1.8 s of the 1M-row benchmark's v2
        // drop, replacing its 20,000 changed rows 1.2 s); where most rows change, as in a
        // first bundle, a copy is quicker than a join.
        let changed =
            try Int.fetchOne(
                db, sql: "SELECT count(*) FROM \(tables.undo) WHERE airlock_bundle = ?", arguments: [bundle]) ?? 0
        let rows = try Int.fetchOne(db, sql: "SELECT count(*) FROM \(tables.snapshot)") ?? 0
        guard changed * 2 < rows else {
            try tables.copy(.snapshot, to: .baseline, in: db)
            return
        }
        let undone = "SELECT \(tables.sql.key) FROM \(tables.undo) WHERE airlock_bundle = ?"
        try db.execute(
            sql: "DELETE FROM \(tables.baseline) WHERE (\(tables.sql.key)) IN (\(undone))", arguments: [bundle])
        try db.execute(
            sql: """
                INSERT INTO \(tables.baseline) (\(columns)) SELECT \(tables.sql.columns(of: "s")) FROM \(tables.undo) AS b
                JOIN \(tables.snapshot) AS s ON \(keyMatch) WHERE b.airlock_bundle = ? ORDER BY \(tables.sql.key(of: "b"))
                """, arguments: [bundle])
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
