import AirlockBase
import AirlockSite
import AirlockSpec

/// The frame every script shares: its header and settings, the apply lock, the ledger guards
/// and the check of the target, which all come before the first change.
extension ScriptEmitter {
    /// What every PostgreSQL script sets for itself, so that no setting of the site's session
    /// changes how values are read, rendered or compared.
    static let postgresSettings = [
        "SET client_encoding = 'UTF8';", "SET standard_conforming_strings = on;", "SET client_min_messages = warning;",
        "SET TimeZone = 'UTC';", "SET DateStyle = 'ISO, YMD';"
    ]

    /// `replacesTables`: a cutover or its rollback, which turn SQLite's foreign keys off and
    /// check every key themselves before COMMIT.
    func writePreamble(_ out: ScriptWriter, kind: String, file: String, replacesTables: Bool = false) throws {
        try out.line(
            "-- Airlock bundle \(bundle.paddedSequence) (\(bundle.id)): \(kind) for \(dialect == .postgres ? "PostgreSQL" : "SQLite")."
        )
        try out.line(
            "-- Digest \(bundle.digest); parent \(bundle.parentDigest.isEmpty ? "(none)" : bundle.parentDigest).")
        switch dialect {
        case .postgres:
            try out.line(
                "-- Run from the unpacked bundle's folder: psql -v ON_ERROR_STOP=1 -1 -f \(BundleLayout.scriptFolder(dialect))/\(file)"
            )
            try out.line("\\set ON_ERROR_STOP on")
            // Airlock's errors are raised in its own functions; where in them is noise to a DBA.
            try out.line("\\set SHOW_CONTEXT never")
            for setting in Self.postgresSettings { try out.line(setting) }
            // Before any query: each statement then sees what committed before it, so a script
            // that waited for the lock below reads the ledger row of the apply it waited for.
            try out.line("SET TRANSACTION ISOLATION LEVEL READ COMMITTED;")
            try out.line(ledger.requireSingleTransaction)
        case .sqlite:
            try out.line(
                "-- Run from the unpacked bundle's folder: sqlite3 -bail TARGET.db < \(BundleLayout.scriptFolder(dialect))/\(file)"
            )
            try out.line(ScriptSwitches.sqliteBail)
            // Foreign keys are off by default in SQLite and cannot be switched inside a
            // transaction. A cutover replaces whole tables and checks every key itself at the end.
            try out.line("PRAGMA foreign_keys = \(replacesTables ? "OFF" : "ON");")
        }
        for statement in ledger.takeLock { try out.line(statement) }
        try out.line(ledger.createTable)
        if dialect == .postgres { try out.line(ledger.createChecksumOffsets) }
    }

    /// Ends `script` with a line saying what it did and where the target's ledger now stands.
    /// SQLite prints it after COMMIT. PostgreSQL prints it just before the COMMIT psql -1 sends
    /// after the last line, having checked the target's deferred constraints, so that no check
    /// of the target's is left for that COMMIT.
    func writeEpilogue(_ out: ScriptWriter, script: BundleScript) throws {
        let done: String
        if script.undo != nil {
            done = "applied (\(script.fileName)); this target is now at bundle \(bundle.paddedSequence)"
        } else if bundle.parentDigest.isEmpty {
            done = "rolled back (\(script.fileName)); this target now has no bundle applied"
        } else {
            done = "rolled back (\(script.fileName)); this target is now at \(parentName)"
        }
        switch dialect {
        case .postgres: try out.line("SET CONSTRAINTS ALL IMMEDIATE;")
        case .sqlite: try out.line("COMMIT;")
        }
        try out.line(dialect.printing("airlock: bundle \(bundle.paddedSequence) (\(bundle.id)) \(done)"))
        try out.close()
    }

    /// Refuses a re-apply and a target whose last bundle is not this one's parent (saying so
    /// apart when the target has none yet).
    func writeApplyGuards(_ out: ScriptWriter) throws {
        try out.line(
            ledger.refuse(
                when: "\(ledger.head) = \(dialect.literal(bundle.appliedDigest))",
                message: "airlock: bundle \(bundle.paddedSequence) (\(bundle.id)) is already applied to this target",
                label: "reapply"))
        if !bundle.parentDigest.isEmpty {
            try out.line(
                ledger.refuse(
                    when: "\(ledger.head) = ''",
                    message:
                        "airlock: bundle \(bundle.paddedSequence) applies on top of \(parentDescription); this target has no bundle applied yet: apply the bundles before it first",
                    label: "first"))
        }
        try out.line(
            ledger.refuse(
                when: "\(ledger.head) <> \(dialect.literal(bundle.parentDigest))",
                message:
                    "airlock: bundle \(bundle.paddedSequence) applies on top of \(parentDescription); this target's last applied bundle is another (see airlock_ledger)",
                label: "parent"))
    }

    /// Refuses to roll back anything but this bundle, applied last, the way (`applied`: upsert
    /// or cutover) this script undoes.
    func writeRollbackGuards(_ out: ScriptWriter, of applied: BundleScript) throws {
        try out.line(
            ledger.refuse(
                when: "\(ledger.head) <> \(dialect.literal(bundle.appliedDigest))",
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

    /// The parent bundle as messages name it: by its number where known (`bundle 000001`),
    /// else by its digest.
    private var parentName: String {
        bundle.parentSequence.map { "bundle \(BundleIdentity.pad($0))" } ?? "bundle digest \(bundle.parentDigest)"
    }

    private var parentDescription: String {
        guard !bundle.parentDigest.isEmpty else { return "an empty ledger" }
        return bundle.parentSequence == nil ? parentName : "\(parentName) (digest \(bundle.parentDigest))"
    }

    /// The check of the target, before anything changes: each table the script writes against
    /// what the script needs of it (`TargetCheckStatements.Needs`), tables the target lacks
    /// made as the spec defines them (upsert, cutover), the rows `loads` writes into temporary
    /// and staging tables checked against the tables' types and constraints, then every
    /// problem reported at once (`TargetCheckStatements.report`).
    func writeChecks(
        _ out: ScriptWriter, script: BundleScript, facts: RowFacts, loads: (ScriptWriter) throws -> Void = { _ in }
    ) throws {
        let creates = script == .upsert || script == .cutover
        if dialect == .postgres {
            try out.line(PostgresTargetCheckFunctions.definitions)
            try out.line(PostgresTargetRowFunctions.definitions)
        }
        for statement in TargetCheckStatements.begin(dialect) { try out.line(statement) }
        let changed = Set(entities.map(\.name))
        for (ordinal, entity) in schema.enumerated() where creates || changed.contains(entity.name) {
            let check = TargetCheckStatements(dialect: dialect, entity: entity, ordinal: ordinal + 1)
            let writesOnConflict = (script == .upsert || script == .rollback) && entity.upsertMethod == .onConflict
            let needs = TargetCheckStatements.Needs(
                creates: creates, inserts: creates, unique: writesOnConflict, columns: changed.contains(entity.name))
            for statement in check.structure(needs) { try out.line(statement) }
        }
        for (check, changes) in zip(checks, changeSets) {
            if script == .rollback && facts.deleting.contains(check.entity.name) {
                try out.line(
                    check.requireTable(changes.removed, role: "keeps the rows bundle \(bundle.paddedSequence) deleted"))
            }
        }
        for cutover in cutovers where script == .cutoverRollback {
            try out.line(
                checks[cutover.ordinal - 1].requireTable(
                    cutover.entity.table.suffixed(cutover.backupSuffix),
                    role: "keeps the table as it was before the cutover of bundle \(bundle.paddedSequence)"))
        }
        if creates {
            for (ordinal, entity) in schema.enumerated() {
                try out.line(
                    TargetCheckStatements(dialect: dialect, entity: entity, ordinal: ordinal + 1).createMissing)
            }
        }
        try loads(out)
        let subject = "bundle \(bundle.paddedSequence)"
        for statement in TargetCheckStatements.report(dialect, subject: subject, script: script.fileName) {
            try out.line(statement)
        }
    }
}
