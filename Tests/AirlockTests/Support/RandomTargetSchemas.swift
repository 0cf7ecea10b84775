import Foundation
import GRDB

@testable import AirlockBase
@testable import AirlockSpec

/// Random target tables that a site could have made for a random entity (`RandomSnapshots`)
/// and that can take its values: wider types, domains, citext, enums holding every label the
/// rows use, SQLite declarations of a fitting affinity, and columns of the site's own with
/// defaults, an id of the site's, a CHECK that holds.
struct RandomTargetSchemas {
    private var random: SplitMix64

    init(seed: UInt64) {
        random = SplitMix64(seed: seed &+ 0x5EED)
    }

    private mutating func pick<T>(_ items: [T]) -> T { items.randomElement(using: &random)! }

    /// The DDL of `entity`'s table on PostgreSQL; `rows` are every row the test's bundles carry.
    mutating func postgres(_ entity: EntitySpec, rows: [[DatabaseValueConvertible?]]) -> [String] {
        let dialect = SQLDialect.postgres
        var statements: [String] = ["CREATE EXTENSION IF NOT EXISTS citext;"]
        var columns: [String] = []
        for (index, column) in entity.columns.enumerated() {
            let isKey = entity.key.contains(column.name)
            let domain = "\(entity.name)_\(column.name)_domain"
            var type: String
            switch column.type {
            case .text, .enumeration:
                // Distinct by UTF-8 bytes, as PostgreSQL tells enum labels apart: a Set of Strings
                // would merge canonically equivalent spellings ("é" and "e\u{0301}", both among the
                // hazards) and leave the enum without one the rows use. Byte order keeps it replayable.
                let labels = Set(rows.compactMap { ($0[index] as? String).map { Array($0.utf8) } })
                    .sorted { $0.lexicographicallyPrecedes($1) }.map { String(decoding: $0, as: UTF8.self) }
                var choices = ["text", "varchar(400)", "citext", "domain text"]
                if !isKey, labels.allSatisfy({ $0.utf8.count <= 63 }) { choices.append("enum") }
                type = pick(choices)
                if type == "enum" {
                    let name = "\(entity.name)_\(column.name)_labels"
                    let all = (labels + ["unused label"]).map(dialect.literal).joined(separator: ", ")
                    statements.append("CREATE TYPE \(name) AS ENUM (\(all));")
                    type = name
                }
            case .integer:
                type = pick(["bigint", "numeric", "numeric(30,0)", "domain bigint"] + (isKey ? [] : ["numeric(30,5)"]))
            case let .decimal(precision, scale):
                type = pick([
                    "numeric(\(precision),\(scale))", "numeric(\(precision + 4),\(scale))",
                    "numeric(\(precision + 4),\(scale + 2))", "numeric", "domain numeric(\(precision + 2),\(scale))"
                ])
            case .boolean: type = pick(["boolean", "domain boolean"])
            case .timestamp: type = pick(["timestamptz", "timestamp", "timestamptz(6)", "domain timestamptz"])
            case .date: type = pick(["date", "timestamp", "timestamptz", "domain date"])
            }
            if type.hasPrefix("domain ") {
                statements.append("CREATE DOMAIN \(domain) AS \(type.dropFirst(7)) CHECK (VALUE IS NULL OR true);")
                type = domain
            }
            columns.append("\(dialect.identifier(column.name)) \(type)")
        }
        columns += siteColumns(postgres: true)
        let key = entity.key.map(dialect.identifier).joined(separator: ", ")
        if entity.upsertMethod == .onConflict || Bool.random(using: &random) {
            columns.append(Bool.random(using: &random) ? "PRIMARY KEY (\(key))" : "UNIQUE (\(key))")
        }
        statements.append("CREATE TABLE \(dialect.identifier(entity.name)) (\(columns.joined(separator: ", ")));")
        statements.append("CREATE INDEX ON \(dialect.identifier(entity.name)) (\(key));")
        return statements
    }

    /// The DDL of `entity`'s table on SQLite.
    mutating func sqlite(_ entity: EntitySpec) -> [String] {
        let dialect = SQLDialect.sqlite
        var columns: [String] = []
        for column in entity.columns {
            let type: String
            switch column.type {
            case .text, .enumeration, .decimal: type = pick(["TEXT", "VARCHAR(300)", "CLOB", ""])
            case .integer, .boolean: type = pick(["INTEGER", "BIGINT", "NUMERIC", "BOOLEAN", ""])
            case .timestamp, .date: type = pick(["TEXT", "DATETIME", "DATE", "TIMESTAMP", ""])
            }
            columns.append("\(dialect.identifier(column.name)) \(type)")
        }
        let key = entity.key.map(dialect.identifier).joined(separator: ", ")
        columns += siteColumns(postgres: false)
        if Bool.random(using: &random) {
            // The site's own rowid id; the key is unique beside it.
            columns.insert("site_id INTEGER PRIMARY KEY", at: 0)
            if entity.upsertMethod == .onConflict || Bool.random(using: &random) { columns.append("UNIQUE (\(key))") }
        } else {
            columns.append("PRIMARY KEY (\(key))")
        }
        return ["CREATE TABLE \(dialect.identifier(entity.name)) (\(columns.joined(separator: ", ")));"]
    }

    /// Some of the columns a site adds: each has a default or takes NULL.
    private mutating func siteColumns(postgres: Bool) -> [String] {
        let all =
            postgres
            ? [
                "site_serial bigserial", "site_note text DEFAULT 'kept by the site'",
                "site_at timestamptz NOT NULL DEFAULT now()",
                "site_count integer CHECK (site_count IS NULL OR site_count >= 0)"
            ]
            : [
                "site_note TEXT DEFAULT 'kept by the site'", "site_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP",
                "site_count INTEGER CHECK (site_count IS NULL OR site_count >= 0)"
            ]
        return all.filter { _ in Bool.random(using: &random) }
    }
}
