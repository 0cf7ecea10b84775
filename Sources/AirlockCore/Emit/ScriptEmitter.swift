import Foundation
import GRDB

/// Writes a bundle's `upsert.sql` and `rollback.sql` for one dialect, streaming the changed
/// rows out of the workspace diff. Each script is one transaction guarded by the target's
/// ledger (it refuses a re-apply, a wrong parent, or a rollback of anything but the last
/// bundle) and by a drift guard (it refuses a target whose rows are not as it expects).
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

    private var changeSets: [ChangeSetStatements] {
        entities.enumerated().map { ChangeSetStatements(dialect: dialect, entity: $0.element, ordinal: $0.offset + 1) }
    }

    func writeUpsert(to url: URL, from db: Database) throws {
        let out = try ScriptWriter(path: url)
        try writePreamble(out, kind: "upsert", file: url.lastPathComponent)
        try out.line(ledger.refuse(when: "\(ledger.head) = \(dialect.literal(bundle.digest))",
                                   message: "airlock: bundle \(bundle.paddedSequence) (\(bundle.id)) is already applied to this target",
                                   number: 1))
        try out.line(ledger.refuse(when: "\(ledger.head) <> \(dialect.literal(bundle.parentDigest))",
                                   message: "airlock: bundle \(bundle.paddedSequence) applies on top of \(parentDescription); this target's last applied bundle is another (see airlock_ledger)",
                                   number: 2))
        for entity in schema {
            try out.line(dialect.createTable(entity))
        }
        try writeChanges(out, old: \.beforeImages, new: \.upsertRows, db: db)
        try out.line(ledger.record(bundle, kind: "upsert", headAfter: bundle.digest))
        try writeEpilogue(out)
    }

    func writeRollback(to url: URL, from db: Database) throws {
        let out = try ScriptWriter(path: url)
        try writePreamble(out, kind: "rollback", file: url.lastPathComponent)
        try out.line(ledger.refuse(when: "\(ledger.head) <> \(dialect.literal(bundle.digest))",
                                   message: "airlock: bundle \(bundle.paddedSequence) (\(bundle.id)) is not the last bundle applied to this target; only the last one can be rolled back",
                                   number: 1))
        try writeChanges(out, old: \.upsertRows, new: \.beforeImages, db: db)
        try out.line(ledger.record(bundle, kind: "rollback", headAfter: bundle.parentDigest))
        try writeEpilogue(out)
    }

    private var parentDescription: String {
        bundle.parentDigest.isEmpty ? "an empty ledger" : "bundle digest \(bundle.parentDigest)"
    }

    // MARK: - Script frame

    private func writePreamble(_ out: ScriptWriter, kind: String, file: String) throws {
        try out.line("-- Airlock bundle \(bundle.paddedSequence) (\(bundle.id)): \(kind) for \(dialect == .postgres ? "PostgreSQL" : "SQLite").")
        try out.line("-- Digest \(bundle.digest); parent \(bundle.parentDigest.isEmpty ? "(none)" : bundle.parentDigest).")
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
            // Foreign keys are off by default in SQLite and cannot be switched inside a transaction.
            try out.line("PRAGMA foreign_keys = ON;")
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
    private func writeChanges(_ out: ScriptWriter, old: KeyPath<EntityDiff, String>,
                              new: KeyPath<EntityDiff, String>, db: Database) throws {
        for changes in changeSets {
            try out.line("-- \(changes.entity.name): rows as the target holds them now (\(changes.oldTable)) and as this script leaves them (\(changes.newTable)).")
            for statement in changes.createTemporaryTables { try out.line(statement) }
            let diff = EntityDiff(changes.entity)
            try load(out, changes, into: changes.oldTable, rows: diff[keyPath: old], db: db)
            try load(out, changes, into: changes.newTable, rows: diff[keyPath: new], db: db)
        }
        for changes in changeSets { try out.line(changes.driftGuard(bundle: bundle, ledger: ledger)) }
        for changes in changeSets {
            for statement in changes.write { try out.line(statement) }
        }
        for changes in changeSets.reversed() { try out.line(changes.delete) }
    }

    private func load(_ out: ScriptWriter, _ changes: ChangeSetStatements, into table: String, rows sql: String, db: Database) throws {
        let cursor = try Row.fetchCursor(db, sql: sql)
        switch dialect {
        case .postgres:
            try out.line(changes.copyHeader(into: table))
            while let row = try cursor.next() {
                try out.line(PostgresCopy.line(row.databaseValues.map(WorkspaceValue.init), types: changes.entity.columns.map(\.type)))
            }
            try out.line(PostgresCopy.endOfData)
        case .sqlite:
            var tuples: [String] = []
            tuples.reserveCapacity(Self.rowsPerStatement)
            while let row = try cursor.next() {
                tuples.append("(" + row.databaseValues.map { WorkspaceValue($0).sqliteLiteral }.joined(separator: ", ") + ")")
                if tuples.count == Self.rowsPerStatement {
                    try out.line(changes.insert(into: table, tuples: tuples))
                    tuples.removeAll(keepingCapacity: true)
                }
            }
            if !tuples.isEmpty { try out.line(changes.insert(into: table, tuples: tuples)) }
        }
    }
}
