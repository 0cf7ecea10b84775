import Foundation
import GRDB

/// Writes a bundle's `upsert.sql` and `rollback.sql` for one dialect, streaming the changed
/// rows out of the workspace diff. Each script is one transaction guarded by the target's
/// ledger: it refuses a re-apply, a wrong parent, or a rollback of anything but the last bundle.
struct ScriptEmitter {
    let dialect: SQLDialect
    let bundle: BundleIdentity
    /// Entities in spec order: parents first for inserts, reversed for deletes.
    let entities: [EntitySpec]

    static let rowsPerStatement = 500

    private var ledger: LedgerStatements { LedgerStatements(dialect: dialect) }

    func writeUpsert(to url: URL, from db: Database) throws {
        let out = try ScriptWriter(path: url)
        try writePreamble(out, kind: "upsert", file: url.lastPathComponent)
        try out.line(ledger.refuse(when: "\(ledger.head) = \(dialect.literal(bundle.digest))",
                                   message: "airlock: bundle \(bundle.paddedSequence) (\(bundle.id)) is already applied to this target",
                                   number: 1))
        try out.line(ledger.refuse(when: "\(ledger.head) <> \(dialect.literal(bundle.parentDigest))",
                                   message: "airlock: bundle \(bundle.paddedSequence) applies on top of \(parentDescription); this target's last applied bundle is another (see airlock_ledger)",
                                   number: 2))
        for entity in entities { try out.line(createTable(entity)) }
        try writeChanges(out, deleting: \.deletedRows, upserting: \.upsertRows, db: db)
        try out.line(ledger.record(bundle, kind: "upsert", headAfter: bundle.digest))
        try writeEpilogue(out)
    }

    func writeRollback(to url: URL, from db: Database) throws {
        let out = try ScriptWriter(path: url)
        try writePreamble(out, kind: "rollback", file: url.lastPathComponent)
        try out.line(ledger.refuse(when: "\(ledger.head) <> \(dialect.literal(bundle.digest))",
                                   message: "airlock: bundle \(bundle.paddedSequence) (\(bundle.id)) is not the last bundle applied to this target; only the last one can be rolled back",
                                   number: 1))
        try writeChanges(out, deleting: \.insertedRows, upserting: \.beforeImages, db: db)
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
            try out.line("SET standard_conforming_strings = on;")
            try out.line("SET client_min_messages = warning;")
            try out.line(ledger.requireSingleTransaction)
        case .sqlite:
            try out.line("-- Run: sqlite3 -bail TARGET.db < \(file)")
            try out.line("BEGIN IMMEDIATE;")
        }
        try out.line(ledger.createTable)
    }

    private func writeEpilogue(_ out: ScriptWriter) throws {
        if dialect == .sqlite { try out.line("COMMIT;") }
        try out.close()
    }

    // MARK: - Statements

    private func createTable(_ entity: EntitySpec) -> String {
        let columns = entity.columns.map { "\(dialect.identifier($0.name)) \(dialect.columnType($0.type))" }
        let key = entity.key.map { dialect.identifier($0) }.joined(separator: ", ")
        return "CREATE TABLE IF NOT EXISTS \(dialect.identifier(entity.name)) (\(columns.joined(separator: ", ")), PRIMARY KEY (\(key)));"
    }

    /// Deletes run children first (reverse spec order), upserts parents first (spec order).
    private func writeChanges(_ out: ScriptWriter, deleting: KeyPath<EntityDiff, String>,
                              upserting: KeyPath<EntityDiff, String>, db: Database) throws {
        for entity in entities.reversed() {
            try writeDeletes(out, entity: entity, rows: EntityDiff(entity)[keyPath: deleting], db: db)
        }
        for entity in entities {
            try writeUpserts(out, entity: entity, rows: EntityDiff(entity)[keyPath: upserting], db: db)
        }
    }

    private func writeDeletes(_ out: ScriptWriter, entity: EntitySpec, rows sql: String, db: Database) throws {
        let keyIndices = entity.key.map { key in entity.columns.firstIndex { $0.name == key }! }
        let keyList = entity.key.map { dialect.identifier($0) }.joined(separator: ", ")
        try forEachBatch(sql, db: db) { rows in
            let tuples = rows.map { row in "(" + keyIndices.map { literal(row[$0], entity.columns[$0]) }.joined(separator: ", ") + ")" }
            try out.line("DELETE FROM \(dialect.identifier(entity.name)) WHERE (\(keyList)) IN (VALUES\n\(tuples.joined(separator: ",\n")));")
        }
    }

    private func writeUpserts(_ out: ScriptWriter, entity: EntitySpec, rows sql: String, db: Database) throws {
        let columnList = entity.columns.map { dialect.identifier($0.name) }.joined(separator: ", ")
        let keyList = entity.key.map { dialect.identifier($0) }.joined(separator: ", ")
        let updates = entity.valueColumns.map { "\(dialect.identifier($0.name)) = excluded.\(dialect.identifier($0.name))" }
        let conflict = updates.isEmpty ? "DO NOTHING" : "DO UPDATE SET " + updates.joined(separator: ", ")
        try forEachBatch(sql, db: db) { rows in
            let tuples = rows.map { row in "(" + entity.columns.indices.map { literal(row[$0], entity.columns[$0]) }.joined(separator: ", ") + ")" }
            try out.line("INSERT INTO \(dialect.identifier(entity.name)) (\(columnList)) VALUES\n\(tuples.joined(separator: ",\n"))\nON CONFLICT (\(keyList)) \(conflict);")
        }
    }

    private func literal(_ value: DatabaseValue, _ column: ColumnSpec) -> String {
        dialect.literal(WorkspaceValue(value), type: column.type)
    }

    /// Streams the rows of `sql` in batches of `rowsPerStatement`.
    private func forEachBatch(_ sql: String, db: Database, _ body: ([[DatabaseValue]]) throws -> Void) throws {
        let cursor = try Row.fetchCursor(db, sql: sql)
        var batch: [[DatabaseValue]] = []
        batch.reserveCapacity(Self.rowsPerStatement)
        while let row = try cursor.next() {
            batch.append(Array(row.databaseValues))
            if batch.count == Self.rowsPerStatement {
                try body(batch)
                batch.removeAll(keepingCapacity: true)
            }
        }
        if !batch.isEmpty { try body(batch) }
    }
}
