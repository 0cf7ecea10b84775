import AirlockSpec
import GRDB

/// A run after `airlock.yml` changed: the workspace follows the spec before the drop is read.
extension Producer {
    /// Migrates the tables of the entities whose definition changed (`WorkspaceMigration`) and
    /// makes pending again the files behind the current rows of every entity whose part of
    /// the spec changed (all of them with `renormalize`), so the run reads their records
    /// under the spec as it stands. Returns the migrations, which the bundle carries.
    func followSpec(renormalize: Bool, in db: Database) throws -> [EntityMigration] {
        let sequence = try BundleRecord.nextSequence(in: db)
        let migrations = try WorkspaceMigration.migrate(to: spec, bundle: sequence, in: db)
        let rewritten = try spec.entities.filter { try EntityRecord.isRewritten($0, in: db) }
        let reread = Set(migrations.compactMap { $0.entity?.filesEntity } + rewritten.map(\.filesEntity))
        if renormalize || !reread.isEmpty { try reopenCurrentFiles(of: renormalize ? nil : reread, in: db) }
        try EntityRecord.noteWritten(spec.entities, in: db)
        return migrations
    }

    /// Makes pending again the files behind the current rows of `entities` (nil: every
    /// entity), except a snapshot source's that a new file of this run replaces anyway.
    private func reopenCurrentFiles(of entities: Set<String>?, in db: Database) throws {
        let arrived = try WorkspaceFile.pendingEntities(in: db)
        for entity in spec.entities where entity.nesting == nil && entity.model == nil {
            if let entities, !entities.contains(entity.name) { continue }
            let delta = entity.source.mode == .delta
            if arrived.contains(entity.name) && !delta { continue }
            // Without its records a file would read as empty, and the bundle would delete its rows.
            let missing = try WorkspaceFile.currentWithoutRecords(of: entity.name, delta: delta, in: db)
            guard missing.isEmpty else {
                throw WorkspaceError.recordsMissing(entity: entity.name, files: missing, delta: delta)
            }
            try WorkspaceFile.reopenCurrent(of: entity.name, delta: delta, in: db)
        }
    }
}
