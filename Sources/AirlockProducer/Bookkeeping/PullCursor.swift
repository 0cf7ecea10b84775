import AirlockSite
import AirlockSpec
import GRDB

/// One row of `airlock_pull_cursors`: the high-water mark of an incremental pull source as a
/// bundle left it, the value of `pull.incremental.from` over the entity's rows as that bundle
/// has them. The stager computes it over the snapshot, shows it in the manifest's sources, and
/// the producer inserts it in the transaction that records the bundle, so a mark only ever
/// covers rows that were bundled: a pull that failed or a drop that was blocked leaves it
/// where it was. The newest row of an entity is its committed cursor; discarding a bundle
/// drops its rows. This type is the table's only writer.
struct PullCursor: SnakeCaseColumns {
    static let databaseTableName = "airlock_pull_cursors"

    var entity: String
    var bundleSequence: Int
    /// The `from` expression that gave the mark; a mark of another expression is not used.
    var expression: String
    var mark: String

    private static var table: String { databaseTableName }

    /// The committed cursor of `entity`: the mark of the newest bundle that gave it one.
    static func committed(entity: String, in db: Database) throws -> PullCursor? {
        try fetchOne(
            db, sql: "SELECT * FROM \(table) WHERE entity = ? ORDER BY bundle_sequence DESC LIMIT 1",
            arguments: [entity])
    }

    /// The marks bundle `sequence` commits: one for each entity of `entities` with a pulled
    /// file in the bundle (`pulled`), over the snapshot that becomes its baseline. An aggregate
    /// without a value (no rows) gives no mark, and the entity's cursor stays as it was.
    static func marks(of entities: [EntitySpec], pulled: Set<String>, bundle sequence: Int, in db: Database) throws
        -> [PullCursor]
    {
        try entities.compactMap { entity in
            guard pulled.contains(entity.name), let incremental = entity.source.pull?.incremental else { return nil }
            let mark = try failing(entity, incremental) {
                try String.fetchOne(db, sql: markQuery(entity, incremental, over: EntityTables(entity).snapshot))
            }
            return mark.map {
                PullCursor(entity: entity.name, bundleSequence: sequence, expression: incremental.from, mark: $0)
            }
        }
    }

    /// The marks a bundle committed, as its manifest's sources show them, for `airlock recover`.
    /// The manifest does not say which `from` gave them, so they are taken as the spec's now:
    /// recovering after changing `from` makes the next pull ask from a mark of the old one.
    static func marks(committedBy manifest: Manifest, spec: Spec) -> [PullCursor] {
        spec.entities.compactMap { entity in
            guard let incremental = entity.source.pull?.incremental,
                let mark = manifest.sources.lazy.compactMap({
                    $0.entity == entity.name ? $0.cursor?.committed : nil
                }).first
            else { return nil }
            return PullCursor(
                entity: entity.name, bundleSequence: manifest.sequence, expression: incremental.from, mark: mark)
        }
    }

    /// Inserts the marks `marks(of:pulled:bundle:in:)` gave, in the bundle's transaction.
    static func commit(_ marks: [PullCursor], in db: Database) throws {
        for mark in marks { try mark.insert(db) }
    }

    /// Runs the mark's query of every incremental entity over no rows, so that an expression
    /// SQLite cannot read stops the workspace from opening rather than a bundle's commit. Over
    /// no rows an aggregate still gives one value, and an expression per row gives none.
    static func check(_ entities: [EntitySpec], in db: Database) throws {
        for entity in entities {
            guard let incremental = entity.source.pull?.incremental else { continue }
            let rows = try failing(entity, incremental) {
                try Row.fetchAll(
                    db, sql: markQuery(entity, incremental, over: EntityTables(entity).baseline) + " WHERE 0"
                )
                .count
            }
            guard rows == 1 else {
                throw WorkspaceError.cursorExpression(
                    entity: entity.name, expression: incremental.from,
                    reason:
                        "it gives a value per row, not one for all of them; write an aggregate such as max(updated_at)")
            }
        }
    }

    /// Takes back the marks of a discarded bundle: the cursor returns to the one before it.
    static func discard(bundle sequence: Int, in db: Database) throws {
        try db.execute(sql: "DELETE FROM \(table) WHERE bundle_sequence = ?", arguments: [sequence])
    }

    /// The operator's aggregate over one of the entity's tables, as text (an integer mark
    /// reads `42`).
    private static func markQuery(_ entity: EntitySpec, _ incremental: IncrementalPull, over table: String) -> String {
        "SELECT CAST((\(incremental.from)) AS TEXT) FROM \(table)"
    }

    private static func failing<T>(_ entity: EntitySpec, _ incremental: IncrementalPull, _ body: () throws -> T)
        throws -> T
    {
        do {
            return try body()
        } catch let error as DatabaseError {
            throw WorkspaceError.cursorExpression(
                entity: entity.name, expression: incremental.from, reason: error.message ?? "\(error)")
        }
    }
}
