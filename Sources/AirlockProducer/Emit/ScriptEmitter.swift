import AirlockBase
import AirlockSite
import AirlockSpec
import Foundation
import GRDB
import GRDBSQLite

/// Writes a bundle's scripts for one dialect, streaming rows out of the workspace:
/// `upsert.sql` and `rollback.sql` carry the changed rows, `cutover.sql` the full snapshot of
/// each changed entity, `cutover-rollback.sql` none. Each script is one transaction guarded by
/// the target's ledger (it refuses a re-apply, a wrong parent, or a rollback of anything but
/// the last bundle, applied the way it undoes); upserts also carry a drift guard (they refuse
/// a target whose rows are not as they expect).
struct ScriptEmitter {
    let dialect: SQLDialect
    let bundle: BundleIdentity
    /// Every entity of the spec, parents first: a target that lacks a table gets it.
    let schema: [EntitySpec]
    /// The entities this bundle changes, parents first.
    let entities: [EntitySpec]

    /// Rows per multi-row INSERT when SQLite loads the temporary tables.
    static let rowsPerStatement = 500

    private var ledger: LedgerStatements { LedgerStatements(dialect: dialect) }

    private var cutovers: [CutoverStatements] {
        entities.enumerated().map {
            CutoverStatements(dialect: dialect, entity: $0.element, bundle: bundle, ordinal: $0.offset + 1)
        }
    }

    private var changeSets: [ChangeSetStatements] {
        entities.enumerated().map { ChangeSetStatements(dialect: dialect, entity: $0.element, ordinal: $0.offset + 1) }
    }

    /// Adds every `BundleScript` of this dialect to the bundle; `checksums` are what
    /// `verify.sql` expects of each changed entity's table (`TableChecksum`).
    func writeAll(into writer: inout BundleWriter, from db: Database, checksums: [String: String]) throws {
        for script in BundleScript.allCases {
            try writer.add(BundleLayout.script(script, for: dialect)) { url in
                switch script {
                case .upsert: try writeUpsert(to: url, from: db)
                case .rollback: try writeRollback(to: url, from: db)
                case .cutover: try writeCutover(to: url, from: db)
                case .cutoverRollback: try writeCutoverRollback(to: url)
                case .verify: try writeVerify(to: url, checksums: checksums)
                }
            }
        }
    }

    func writeUpsert(to url: URL, from db: Database) throws {
        let out = try ScriptWriter(path: url)
        try writePreamble(out, kind: "upsert", file: url.lastPathComponent)
        try writeApplyGuards(out)
        try writeChanges(out, old: \.beforeImages, new: \.upsertRows, db: db)
        try out.line(ledger.record(bundle, kind: .upsert, headAfter: bundle.digest))
        try writeEpilogue(out)
    }

    func writeRollback(to url: URL, from db: Database) throws {
        let out = try ScriptWriter(path: url)
        try writePreamble(out, kind: "rollback", file: url.lastPathComponent)
        try writeRollbackGuards(out, of: .upsert)
        try writeChanges(out, old: \.upsertRows, new: \.beforeImages, db: db)
        try out.line(ledger.record(bundle, kind: .rollback, headAfter: bundle.parentDigest))
        try writeEpilogue(out)
    }

    /// The cutover: each changed entity's full snapshot replaces its table (see `CutoverStatements`).
    func writeCutover(to url: URL, from db: Database) throws {
        let out = try ScriptWriter(path: url)
        try writePreamble(out, kind: "cutover", file: url.lastPathComponent, replacesTables: true)
        try writeApplyGuards(out)
        if dialect == .postgres { try out.line(PostgresCutoverFunctions.definitions) }
        for cutover in cutovers { try out.line(cutover.refuseUnmanagedDependents(managed: schema, action: "cutover")) }
        for cutover in cutovers {
            try out.line("-- \(cutover.entity.name): the bundle's full snapshot into \(cutover.staging).")
            for statement in cutover.createStaging { try out.line(statement) }
            let rows = try load(
                out, cutover.entity, into: cutover.staging, rows: EntityDiff(cutover.entity).snapshotRows, db: db)
            try out.line(cutover.checkStaging(rows: rows))
            for check in cutover.checkMinimums(rows: rows) { try out.line(check) }
            if dialect == .postgres { try out.line(cutover.prepareStaging) }
        }
        try writeSwap(out, postgres: CutoverStatements.postgresCutover, sqlite: \.sqliteCutover, action: "the cutover")
        try out.line(ledger.record(bundle, kind: .cutover, headAfter: bundle.digest))
        try writeEpilogue(out)
    }

    /// Undoes the cutover: the backup tables take their tables' places again, and the rows the
    /// cutover brought stay in the staging tables.
    func writeCutoverRollback(to url: URL) throws {
        let out = try ScriptWriter(path: url)
        try writePreamble(out, kind: "rollback of the cutover", file: url.lastPathComponent, replacesTables: true)
        try writeRollbackGuards(out, of: .cutover)
        for cutover in cutovers { try out.line(cutover.requireBackup) }
        if dialect == .postgres { try out.line(PostgresCutoverFunctions.definitions) }
        for cutover in cutovers {
            try out.line(cutover.refuseUnmanagedDependents(managed: schema, action: "rollback of the cutover"))
        }
        try writeSwap(
            out, postgres: CutoverStatements.postgresRollback, sqlite: \.sqliteRollback,
            action: "the rollback of the cutover")
        try out.line(ledger.record(bundle, kind: .rollback, headAfter: bundle.parentDigest))
        try writeEpilogue(out)
    }

    /// Compares each changed entity's table with the bundle: row count and content checksum.
    /// It reads only; run it after applying the bundle, before a later one changes the tables.
    func writeVerify(to url: URL, checksums: [String: String]) throws {
        let out = try ScriptWriter(path: url)
        try out.line(
            "-- Airlock bundle \(bundle.paddedSequence) (\(bundle.id)): verify for \(dialect == .postgres ? "PostgreSQL" : "SQLite"), after apply."
        )
        try out.line(
            dialect == .postgres
                ? "-- Run: psql -v ON_ERROR_STOP=1 -f \(url.lastPathComponent)"
                : "-- Run: sqlite3 -bail TARGET.db < \(url.lastPathComponent)")
        if dialect == .postgres { try out.line("\\set ON_ERROR_STOP on") }
        let rows = entities.map { entity in
            "SELECT \(dialect.literal(entity.name)) AS entity, (\(TableChecksum(entity: entity).query(dialect, table: dialect.identifier(entity.name)))) AS actual, \(dialect.literal(checksums[entity.name] ?? "")) AS expected"
        }
        try out.line("CREATE TEMP TABLE airlock_verify AS\n\(rows.joined(separator: "\nUNION ALL\n"));")
        try out.line(
            """
            SELECT 'airlock: ' || entity || ': ' || CASE WHEN actual = expected THEN 'ok, ' || actual
              ELSE 'DIFFERS: the table has ' || actual || ', bundle \(bundle.paddedSequence) expects ' || expected || ' (rows:checksum)' END
            FROM airlock_verify ORDER BY entity;
            """)
        try out.line(
            ledger.refuse(
                when: "EXISTS (SELECT 1 FROM airlock_verify WHERE actual <> expected)",
                message:
                    "airlock: verify: the target's tables differ from bundle \(bundle.paddedSequence) (listed above)",
                label: "verify"))
        try out.line("DROP TABLE airlock_verify;")
        try out.close()
    }

    /// Refuses a re-apply and a target whose last bundle is not this one's parent, then makes
    /// the tables a target that is new to the bundle's entities lacks.
    private func writeApplyGuards(_ out: ScriptWriter) throws {
        try out.line(
            ledger.refuse(
                when: "\(ledger.head) = \(dialect.literal(bundle.digest))",
                message: "airlock: bundle \(bundle.paddedSequence) (\(bundle.id)) is already applied to this target",
                label: "reapply"))
        try out.line(
            ledger.refuse(
                when: "\(ledger.head) <> \(dialect.literal(bundle.parentDigest))",
                message:
                    "airlock: bundle \(bundle.paddedSequence) applies on top of \(parentDescription); this target's last applied bundle is another (see airlock_ledger)",
                label: "parent"))
        for entity in schema {
            try out.line(EntitySQL(entity, dialect).createTargetTable)
        }
    }

    /// Refuses to roll back anything but this bundle, applied last, the way (`applied`: upsert
    /// or cutover) this script undoes.
    private func writeRollbackGuards(_ out: ScriptWriter, of applied: BundleScript) throws {
        try out.line(
            ledger.refuse(
                when: "\(ledger.head) <> \(dialect.literal(bundle.digest))",
                message:
                    "airlock: bundle \(bundle.paddedSequence) (\(bundle.id)) is not the last bundle applied to this target; only the last one can be rolled back",
                label: "last"))
        let other: BundleScript = applied == .cutover ? .upsert : .cutover
        try out.line(
            ledger.refuse(
                when: "\(ledger.appliedKind(bundle.digest)) <> \(dialect.literal(applied.ledgerKind!.rawValue))",
                message:
                    "airlock: bundle \(bundle.paddedSequence) (\(bundle.id)) was not applied as \(applied == .cutover ? "a cutover" : "an upsert"); roll it back with \(other.undo!.fileName)",
                label: "kind"))
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

    private var parentDescription: String {
        bundle.parentDigest.isEmpty ? "an empty ledger" : "bundle digest \(bundle.parentDigest)"
    }

    // MARK: - Script frame

    /// `replacesTables`: a cutover or its rollback, which turn SQLite's foreign keys off and
    /// check every key themselves before COMMIT.
    private func writePreamble(_ out: ScriptWriter, kind: String, file: String, replacesTables: Bool = false) throws {
        try out.line(
            "-- Airlock bundle \(bundle.paddedSequence) (\(bundle.id)): \(kind) for \(dialect == .postgres ? "PostgreSQL" : "SQLite")."
        )
        try out.line(
            "-- Digest \(bundle.digest); parent \(bundle.parentDigest.isEmpty ? "(none)" : bundle.parentDigest).")
        switch dialect {
        case .postgres:
            try out.line("-- Run: psql -v ON_ERROR_STOP=1 -1 -f \(file)")
            try out.line("\\set ON_ERROR_STOP on")
            try out.line("SET client_encoding = 'UTF8';")
            try out.line("SET standard_conforming_strings = on;")
            try out.line("SET client_min_messages = warning;")
            try out.line(ledger.requireSingleTransaction)
        case .sqlite:
            try out.line("-- Run: sqlite3 -bail TARGET.db < \(file)")
            // Foreign keys are off by default in SQLite and cannot be switched inside a
            // transaction. A cutover replaces whole tables and checks every key itself at the end.
            try out.line("PRAGMA foreign_keys = \(replacesTables ? "OFF" : "ON");")
            try out.line("BEGIN IMMEDIATE;")
        }
        try out.line(ledger.createTable)
    }

    private func writeEpilogue(_ out: ScriptWriter) throws {
        if dialect == .sqlite { try out.line("COMMIT;") }
        try out.close()
    }

    // MARK: - Changes

    /// Loads every entity's old and new rows, checks them all against the target, then writes
    /// new rows parents first and deletes children first, so foreign keys hold after every
    /// statement (a child can move to a new parent before its old parent goes).
    private func writeChanges(
        _ out: ScriptWriter, old: KeyPath<EntityDiff, String>,
        new: KeyPath<EntityDiff, String>, db: Database
    ) throws {
        for changes in changeSets {
            try out.line(
                "-- \(changes.entity.name): rows as the target holds them now (\(changes.oldTable)) and as this script leaves them (\(changes.newTable))."
            )
            for statement in changes.createTemporaryTables { try out.line(statement) }
            let diff = EntityDiff(changes.entity)
            try load(out, changes.entity, into: changes.oldTable, rows: diff[keyPath: old], db: db)
            try load(out, changes.entity, into: changes.newTable, rows: diff[keyPath: new], db: db)
        }
        try writeDriftHandling(out)
        for changes in changeSets {
            for statement in changes.write { try out.line(statement) }
        }
        for changes in changeSets.reversed() { try out.line(changes.delete) }
    }

    /// Collects each entity's drifted keys, then stops on them or, when the script is run with
    /// the skip switch, leaves them out and prints them.
    private func writeDriftHandling(_ out: ScriptWriter) throws {
        for changes in changeSets { try out.line(changes.collectDrift) }
        let guards = changeSets.map { $0.driftGuard(bundle: bundle, ledger: ledger) }
        let skips = changeSets.flatMap(\.skipDrift)
        switch dialect {
        case .postgres:
            let name = ScriptSwitches.skipDrift
            // psql's \if needs the variable set; unset means stop.
            try out.line("\\if :{?\(name)}\n\\else\n\\set \(name) off\n\\endif")
            try out.line("\\if :\(name)")
            for statement in skips { try out.line(statement) }
            try out.line("\\else")
            for statement in guards { try out.line(statement) }
            try out.line("\\endif")
        case .sqlite:
            for statement in guards + skips { try out.line(statement) }
        }
    }

    /// Writes the rows `sql` selects as data for `table`: inline COPY data for PostgreSQL,
    /// multi-row INSERTs for SQLite. Returns the number of rows.
    @discardableResult
    private func load(_ out: ScriptWriter, _ entity: EntitySpec, into table: String, rows sql: String, db: Database)
        throws -> Int
    {
        let columns = EntitySQL(entity, dialect).columns
        let types = entity.columns.map(\.type)
        let statement = try db.makeStatement(sql: sql)
        let rows = try Row.fetchCursor(statement)
        var count = 0
        var line: [UInt8] = []
        /// The current row's values, `separator` between them, into `line`.
        func format(separator: [UInt8]) {
            for (index, type) in types.enumerated() {
                if index > 0 { line += separator }
                WorkspaceValue.append(
                    statement.sqliteStatement, column: Int32(index), type: type, dialect: dialect, to: &line)
            }
        }
        switch dialect {
        case .postgres:
            try out.line("COPY \(table) (\(columns)) FROM STDIN;")
            while try rows.next() != nil {
                line.removeAll(keepingCapacity: true)
                format(separator: [UInt8(ascii: "\t")])
                line.append(UInt8(ascii: "\n"))
                try out.write(line)
                count += 1
            }
            try out.line(PostgresCopy.endOfData)
        case .sqlite:
            while try rows.next() != nil {
                if count % Self.rowsPerStatement == 0 {
                    if count > 0 { try out.line(";") }
                    try out.line("INSERT INTO \(table) (\(columns)) VALUES")
                } else {
                    try out.write(",\n")
                }
                line.removeAll(keepingCapacity: true)
                line.append(UInt8(ascii: "("))
                format(separator: Array(", ".utf8))
                line.append(UInt8(ascii: ")"))
                try out.write(line)
                count += 1
            }
            if count > 0 { try out.line(";") }
        }
        return count
    }
}
