import AirlockBase
import AirlockSite
import AirlockSpec
import Foundation
import GRDB

/// Writes a bundle's scripts for one dialect, streaming rows out of the workspace:
/// `upsert.sql` and `rollback.sql` load the changed rows from the bundle's change files
/// (`ChangedRows`), `cutover.sql` carries the full snapshot of each changed entity,
/// `cutover-rollback.sql` none. Each script is one transaction that takes
/// the target's apply lock, is guarded by the target's ledger (it refuses a re-apply, a wrong
/// parent, or a rollback of anything but the last bundle, applied the way it undoes), and
/// checks that the target's tables can take it before it changes anything
/// (`TargetCheckStatements`); upserts also carry a drift guard (they refuse a target whose
/// rows are not as they expect).
struct ScriptEmitter {
    let dialect: SQLDialect
    let bundle: BundleIdentity
    /// Every entity of the spec, parents first: a target that lacks a table gets it.
    let schema: [EntitySpec]
    /// The entities this bundle changes, parents first.
    let entities: [EntitySpec]
    /// The spec changes the scripts make to the target's tables before they write rows, and
    /// their rollbacks undo after they restore rows (`ScriptEmitter+Schema`).
    var migrations: [EntityMigration] = []

    /// Rows per multi-row INSERT when an SQLite cutover loads its staging tables.
    static let rowsPerStatement = 500

    var ledger: LedgerStatements { LedgerStatements(dialect: dialect) }

    var cutovers: [CutoverStatements] {
        entities.enumerated().map {
            CutoverStatements(dialect: dialect, entity: $0.element, bundle: bundle, ordinal: $0.offset + 1)
        }
    }

    var changeSets: [ChangeSetStatements] {
        entities.enumerated().map {
            ChangeSetStatements(dialect: dialect, entity: $0.element, ordinal: $0.offset + 1, bundle: bundle)
        }
    }

    var checks: [TargetCheckStatements] {
        entities.enumerated().map {
            TargetCheckStatements(dialect: dialect, entity: $0.element, ordinal: $0.offset + 1)
        }
    }

    /// What the workspace says of the rows each changed entity's scripts carry.
    struct RowFacts {
        /// The entities whose upsert deletes rows (their rollback restores them whole).
        var deleting: Set<String> = []
        /// Per entity, the value columns the snapshot leaves empty in some row: a cutover
        /// cannot load those straight into a table that holds them NOT NULL.
        var nullable: [String: [String]] = [:]
    }

    /// Adds `scripts` of this dialect to the bundle; `hashes` are what `verify.sql` expects of
    /// each changed entity's table (`TableChecksum.snapshotHashes`), by entity name, and `facts` what
    /// the workspace says of their rows (`rowFacts`), the same for every dialect.
    func write(
        _ scripts: [BundleScript], into writer: inout BundleWriter, from db: Database,
        hashes: [String: SnapshotHashes], facts: RowFacts
    ) throws {
        for script in scripts {
            try writer.add(BundleLayout.script(script, for: dialect)) { url in
                switch script {
                case .upsert: try writeUpsert(to: url, from: db, facts: facts)
                case .rollback: try writeRollback(to: url, from: db, facts: facts)
                case .cutover: try writeCutover(to: url, from: db, facts: facts)
                case .cutoverRollback: try writeCutoverRollback(to: url, from: db)
                case .verify: try writeVerify(to: url, hashes: hashes)
                }
            }
        }
    }

    /// The `RowFacts` of the changed entities `entities`, made once for both dialects' scripts.
    /// Only a `cutover` bundle's need a pass over each snapshot for its NULLs (1,000,000 rows:
    /// 0.4 s that an upsert bundle, the default, would spend for nothing).
    static func rowFacts(of entities: [EntitySpec], cutover: Bool, in db: Database) throws -> RowFacts {
        var facts = RowFacts()
        for entity in entities {
            if try EntityDiff(entity).deletes(in: db) { facts.deleting.insert(entity.name) }
            if cutover { facts.nullable[entity.name] = try EntityDiff(entity).columnsWithNulls(in: db) }
        }
        return facts
    }

    func writeUpsert(to url: URL, from db: Database, facts: RowFacts) throws {
        let out = try ScriptWriter(path: url)
        try writePreamble(out, kind: "upsert", file: url.lastPathComponent)
        try writeApplyGuards(out)
        try writeSchemaChanges(out, db: db)
        try writeChecks(out, script: .upsert, facts: facts) {
            try writeLoads($0, old: .before, new: .after)
        }
        try writeChanges(out, script: .upsert, facts: facts)
        try out.line(ledger.record(bundle, kind: .upsert, headAfter: bundle.appliedDigest))
        try writeEpilogue(out, script: .upsert)
    }

    func writeRollback(to url: URL, from db: Database, facts: RowFacts) throws {
        let out = try ScriptWriter(path: url)
        try writePreamble(out, kind: "rollback", file: url.lastPathComponent)
        try writeRollbackGuards(out, of: .upsert)
        try writeChecks(out, script: .rollback, facts: facts) {
            try writeLoads($0, old: .after, new: .before)
        }
        try writeChanges(out, script: .rollback, facts: facts)
        for changes in changeSets where facts.deleting.contains(changes.entity.name) {
            try out.line(changes.dropRemoved)
        }
        try writeSchemaChangesUndone(out, db: db)
        try out.line(ledger.record(bundle, kind: .rollback, headAfter: bundle.parentDigest))
        try writeEpilogue(out, script: .rollback)
    }

    /// The cutover: each changed entity's full snapshot replaces its table (see `CutoverStatements`).
    func writeCutover(to url: URL, from db: Database, facts: RowFacts) throws {
        let out = try ScriptWriter(path: url)
        try writePreamble(out, kind: "cutover", file: url.lastPathComponent, replacesTables: true)
        try writeApplyGuards(out)
        if dialect == .postgres { try out.line(CutoverStatements.postgresHoldAgainstAutovacuum(cutovers)) }
        try writeSchemaChanges(out, db: db)
        var rows: [Int] = []
        try writeChecks(out, script: .cutover, facts: facts) { out in
            for (cutover, check) in zip(cutovers, checks) {
                try out.line("-- \(cutover.entity.name): the bundle's full snapshot into \(cutover.staging).")
                guard let nullable = facts.nullable[cutover.entity.name] else {
                    preconditionFailure("a cutover's row facts are made with rowFacts(of:cutover: true)")
                }
                for statement in cutover.createStaging(nullable: nullable) {
                    try out.line(statement)
                }
                let count = try load(
                    out, cutover.entity, into: cutover.staging, rows: EntityDiff(cutover.entity).snapshotRows, db: db)
                rows.append(count)
                for statement in cutover.finishStaging(rows: count) { try out.line(statement) }
                if dialect == .sqlite {
                    for statement in check.rows(loaded: cutover.staging, writes: true) { try out.line(statement) }
                }
            }
        }
        if dialect == .postgres { try out.line(PostgresCutoverFunctions.definitions) }
        for cutover in cutovers { try out.line(cutover.refuseUnmanagedDependents(managed: schema, action: "cutover")) }
        for (cutover, count) in zip(cutovers, rows) {
            for statement in cutover.checkBeforeSwap(rows: count) { try out.line(statement) }
        }
        try writeSwap(out, postgres: CutoverStatements.postgresCutover, sqlite: \.sqliteCutover, action: "the cutover")
        if dialect == .postgres {
            let tables = cutovers.map(\.live)
            for statement in ChecksumOffsetStatements.cutover(tables: tables, suffix: "backup_\(bundle.paddedSequence)")
            {
                try out.line(statement)
            }
        }
        try out.line(ledger.record(bundle, kind: .cutover, headAfter: bundle.appliedDigest))
        try writeEpilogue(out, script: .cutover)
    }

    /// Undoes the cutover: the backup tables take their tables' places again, and the rows the
    /// cutover brought stay in the staging tables.
    func writeCutoverRollback(to url: URL, from db: Database) throws {
        let out = try ScriptWriter(path: url)
        try writePreamble(out, kind: "rollback of the cutover", file: url.lastPathComponent, replacesTables: true)
        try writeRollbackGuards(out, of: .cutover)
        if dialect == .postgres { try out.line(CutoverStatements.postgresHoldAgainstAutovacuum(cutovers)) }
        try writeChecks(out, script: .cutoverRollback, facts: RowFacts())
        if dialect == .postgres { try out.line(PostgresCutoverFunctions.definitions) }
        for cutover in cutovers {
            try out.line(cutover.refuseUnmanagedDependents(managed: schema, action: "rollback of the cutover"))
        }
        try writeSwap(
            out, postgres: CutoverStatements.postgresRollback, sqlite: \.sqliteRollback,
            action: "the rollback of the cutover")
        if dialect == .postgres {
            let tables = cutovers.map(\.live)
            let suffix = "backup_\(bundle.paddedSequence)"
            for statement in ChecksumOffsetStatements.cutoverRollback(tables: tables, suffix: suffix) {
                try out.line(statement)
            }
        }
        try writeSchemaChangesUndone(out, db: db)
        try out.line(ledger.record(bundle, kind: .rollback, headAfter: bundle.parentDigest))
        try writeEpilogue(out, script: .cutoverRollback)
    }

    private func writeSwap(
        _ out: ScriptWriter, postgres: ([CutoverStatements]) -> String,
        sqlite: KeyPath<CutoverStatements, [String]>, action: String
    ) throws {
        switch dialect {
        case .postgres:
            try out.line(postgres(cutovers))
            for cutover in cutovers { try out.line("ANALYZE \(cutover.live);") }
        case .sqlite:
            for cutover in cutovers {
                for statement in cutover[keyPath: sqlite] { try out.line(statement) }
            }
            try out.line(CutoverStatements.sqliteForeignKeyCheck(managed: schema, action: action))
        }
    }
}
