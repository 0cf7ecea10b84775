import Foundation
import GRDB

@testable import AirlockBase
@testable import AirlockProducer
@testable import AirlockSite
@testable import AirlockSpec

/// Emits bundle scripts straight from workspace tables the test fills, without inbox files or
/// signatures, so laws about the scripts can be checked on many random snapshots quickly.
/// The scripts are the ones bundles carry; sites run them with `sqlite3 -bail` and `psql -1`.
final class ScriptHarness {
    let entities: [EntitySpec]
    private let database: DatabaseQueue
    private let folder: URL
    private var sequence = 0
    /// Each entity's baseline sums, as the producer keeps them (`BaselineSums`), so that
    /// bundles after the first take their checksums from the changed rows, as the producer's do.
    private var baselineSums: [String: RowSums] = [:]

    init(entities: [EntitySpec]) throws {
        self.entities = entities
        database = try DatabaseQueue()
        try WorkspaceSchema.migrator.migrate(database)
        try database.write { db in
            SQLiteShellFunctions.register(in: db)
            for entity in entities { try EntityTables(entity).create(in: db) }
        }
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("airlock-scripts-\(UUID().uuidString)")
    }

    deinit { try? FileManager.default.removeItem(at: folder) }

    /// One bundle's scripts for both dialects.
    struct Scripts {
        let folder: URL
        func script(_ script: BundleScript, _ dialect: SQLDialect) -> URL {
            folder.appendingPathComponent(BundleLayout.script(script, for: dialect))
        }
        func upsert(_ dialect: SQLDialect) -> URL { script(.upsert, dialect) }
        func rollback(_ dialect: SQLDialect) -> URL { script(.rollback, dialect) }
        func cutover(_ dialect: SQLDialect) -> URL { script(.cutover, dialect) }
        func cutoverRollback(_ dialect: SQLDialect) -> URL { script(.cutoverRollback, dialect) }
        func verify(_ dialect: SQLDialect) -> URL { script(.verify, dialect) }
    }

    /// The next bundle: from the last bundle's state to `snapshot` (rows per entity name, in
    /// column order, as canonical workspace values). Entities not named keep their rows.
    func bundle(_ snapshot: [String: [[DatabaseValueConvertible?]]]) throws -> Scripts {
        sequence += 1
        let identity = BundleIdentity(
            id: "test-\(sequence)", sequence: sequence, digest: "digest-\(sequence)",
            parentDigest: sequence == 1 ? "" : "digest-\(sequence - 1)",
            parentSequence: sequence == 1 ? nil : sequence - 1)
        let scripts = Scripts(folder: folder.appendingPathComponent("bundle-\(sequence)"))
        let changed = entities.filter { snapshot[$0.name] != nil }
        try database.write { db in
            for entity in changed {
                let tables = EntityTables(entity)
                try db.execute(sql: "DELETE FROM \(tables.snapshot)")
                let placeholders = entity.columns.map { _ in "?" }.joined(separator: ", ")
                let insert = try db.makeStatement(
                    sql: "INSERT INTO \(tables.snapshot) (\(tables.sql.columns)) VALUES (\(placeholders))")
                for row in snapshot[entity.name]! { try insert.execute(arguments: StatementArguments(row)) }
                try EntityDiff(entity).findChanges(in: db)
            }
            var writer = try BundleWriter(folder: scripts.folder)
            let hashes = try Dictionary(
                uniqueKeysWithValues: changed.map {
                    ($0.name, try TableChecksum(entity: $0).snapshotHashes(from: baselineSums[$0.name], in: db))
                })
            for entity in changed {
                try writer.add(BundleLayout.changes(of: entity.name)) {
                    try ChangeLog(entity).write(to: $0, bundle: identity.digest, from: db)
                }
            }
            // Every script, the cutover's among them.
            let facts = try ScriptEmitter.rowFacts(of: changed, cutover: true, in: db)
            for dialect in SQLDialect.allCases {
                let emitter = ScriptEmitter(dialect: dialect, bundle: identity, schema: entities, entities: changed)
                try emitter.write(BundleScript.allCases, into: &writer, from: db, hashes: hashes, facts: facts)
            }
            for entity in changed {
                try EntityDiff(entity).promote(bundle: sequence, in: db)
                baselineSums[entity.name] = hashes[entity.name]?.sums
            }
        }
        return scripts
    }

    /// The baseline (the last bundle's state) as `CanonicalRows` renders it.
    func baseline() throws -> String {
        try database.read { db in
            try entities.map { try CanonicalRows.sqlite(db, entity: $0, table: "base_" + $0.name) }.joined()
        }
    }

    /// A target's managed tables as `CanonicalRows` renders them.
    func rows(of target: ScriptTarget) throws -> String {
        switch target {
        case let .sqlite(path):
            return try DatabaseQueue(path: path.path).read { db in
                try entities.map { try CanonicalRows.sqlite(db, entity: $0, table: $0.table.name) }.joined()
            }
        case let .postgres(postgres):
            return try entities.map { try CanonicalRows.postgres(postgres, entity: $0) }.joined()
        }
    }
}

/// An empty target database for harness scripts, run with the tool a site uses.
enum ScriptTarget {
    case sqlite(URL)
    case postgres(Postgres)

    static func fresh(_ dialect: SQLDialect) throws -> ScriptTarget {
        switch dialect {
        case .sqlite:
            return .sqlite(
                FileManager.default.temporaryDirectory.appendingPathComponent("airlock-target-\(UUID().uuidString).db"))
        case .postgres: return .postgres(try Postgres.freshDatabase())
        }
    }

    /// `sqlite3 -bail TARGET < FILE` or `psql -v ON_ERROR_STOP=1 -1 -f FILE`, from the
    /// unpacked bundle's folder.
    func run(_ script: URL) throws -> Shell.Result {
        switch self {
        case let .sqlite(path):
            return try Shell.run(
                ["sqlite3", "-bail", path.path], input: try String(contentsOf: script, encoding: .utf8),
                in: BundleLayout.bundleFolder(ofScript: script))
        case let .postgres(postgres): return try postgres.apply(script)
        }
    }

    /// The target as `airlock apply` names it.
    var target: Target {
        get throws {
            switch self {
            case let .sqlite(path): return try Target("sqlite:" + path.path)
            case let .postgres(postgres): return try Target("postgres:" + postgres.conninfo)
            }
        }
    }

    /// Rows as `a|b|c` lines, as `sqlite3 FILE SQL` and `psql -At -F '|'` print them.
    func query(_ sql: String) throws -> String {
        switch self {
        case let .sqlite(path): return try Shell.run(["sqlite3", path.path, sql]).output
        case let .postgres(postgres): return try postgres.query(sql)
        }
    }

    /// Runs SQL (the site's DDL, say) outside any bundle.
    func execute(_ sql: String) throws {
        switch self {
        case let .sqlite(path):
            let result = try Shell.run(["sqlite3", "-bail", path.path], input: sql)
            guard result.status == 0 else { throw ShellError(description: "sqlite3: \(result.error)") }
        case let .postgres(postgres): _ = try postgres.query(sql)
        }
    }

    /// Every column of `tables` (PostgreSQL: the whole database, as `SeedsFixture.dump`), rows
    /// sorted.
    func dump(tables: [String]) throws -> String {
        switch self {
        case let .sqlite(path):
            return try Shell.run(["sqlite3", path.path, ".dump " + tables.joined(separator: " ")]).output
                .split(separator: "\n").sorted().joined(separator: "\n")
        case let .postgres(postgres): return try SeedsFixture.dump(postgres)
        }
    }

    /// Removes an SQLite target's file; test databases on the PostgreSQL server stay with it.
    func remove() {
        if case let .sqlite(path) = self { try? FileManager.default.removeItem(at: path) }
    }
}

/// Rows in a form that is equal across the workspace, SQLite targets and PostgreSQL targets:
/// each value as the hex of its canonical UTF-8 text (NULL as `NULL`), rows sorted as text.
/// Hex keeps every byte, NUL and line breaks included, visible to the comparison.
enum CanonicalRows {
    static func sqlite(_ db: Database, entity: EntitySpec, table: String) throws -> String {
        let columns = entity.columns.map { column -> String in
            let name = SQLDialect.sqlite.identifier(column.name)
            return "CASE WHEN \(name) IS NULL THEN 'NULL' ELSE lower(hex(CAST(\(name) AS TEXT))) END"
        }
        return try rows(
            String.fetchAll(db, sql: select(columns, entity: entity, table: SQLDialect.sqlite.identifier(table))))
    }

    /// Values as the spec's canonical text, whatever column type the target gave them: an
    /// integer in a numeric(30,5) column is `5`, a decimal in numeric(16,4) has its scale.
    static func postgres(_ postgres: Postgres, entity: EntitySpec) throws -> String {
        let columns = entity.columns.map { column -> String in
            let name = SQLDialect.postgres.identifier(column.name)
            let text: String
            switch column.type {
            case .integer: text = "trunc(\(name)::numeric)::text"
            case let .decimal(_, scale): text = "round(\(name)::numeric, \(scale))::text"
            default: text = TableChecksum.postgresText(column)
            }
            return "CASE WHEN \(name) IS NULL THEN 'NULL' ELSE encode(convert_to(\(text), 'UTF8'), 'hex') END"
        }
        let output = try postgres.query(
            "SET TimeZone = 'UTC'; " + select(columns, entity: entity, table: entity.table.qualified(.postgres)))
        return rows(output.split(separator: "\n").map(String.init))
    }

    private static func select(_ columns: [String], entity: EntitySpec, table: String) -> String {
        "SELECT \(columns.joined(separator: " || '|' || ")) FROM \(table)"
    }

    /// Sorted here, not by SQL: the two databases may collate text differently.
    private static func rows(_ lines: [String]) -> String {
        lines.sorted().map { $0 + "\n" }.joined()
    }
}
