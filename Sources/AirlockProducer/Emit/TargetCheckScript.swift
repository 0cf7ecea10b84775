import AirlockBase
import AirlockSite
import AirlockSpec
import Foundation

/// A script that checks a target against the workspace's spec alone, for `airlock check-target`
/// without a bundle: each entity's table as an upsert or cutover would need it (a table the
/// target lacks is noted, since the first bundle makes it), and on PostgreSQL the enum labels the
/// spec's `values:` allow. It is the check the bundles' scripts start with (`TargetCheckStatements`),
/// without rows to check, and it changes nothing: it is run in a transaction that is rolled back.
package struct TargetCheckScript {
    let dialect: SQLDialect
    let spec: Spec

    package init(dialect: SQLDialect, spec: Spec) {
        self.dialect = dialect
        self.spec = spec
    }

    /// What the target is checked against, in its messages.
    static let subject = "the workspace's spec"

    package func write(to url: URL) throws {
        let out = try ScriptWriter(path: url)
        try out.line("-- Airlock: the target's tables against the workspace's spec; reads only.")
        switch dialect {
        case .postgres:
            try out.line("\\set ON_ERROR_STOP on")
            try out.line("\\set SHOW_CONTEXT never")
            for setting in ScriptEmitter.postgresSettings { try out.line(setting) }
            try out.line(PostgresTargetCheckFunctions.definitions)
        case .sqlite:
            try out.line(ScriptSwitches.sqliteBail)
        }
        for statement in TargetCheckStatements.begin(dialect) { try out.line(statement) }
        for (ordinal, entity) in spec.entities.enumerated() {
            let check = TargetCheckStatements(dialect: dialect, entity: entity, ordinal: ordinal + 1)
            let needs = TargetCheckStatements.Needs(
                creates: true, inserts: true, unique: entity.upsertMethod == .onConflict)
            for statement in check.structure(needs) { try out.line(statement) }
            try out.line(missingNote(entity))
            if dialect == .postgres {
                for statement in labels(entity) { try out.line(statement) }
            }
        }
        for statement in TargetCheckStatements.report(dialect, subject: Self.subject, script: "airlock.yml") {
            try out.line(statement)
        }
        try out.close()
    }

    /// A table the target does not have yet is not a problem: the first upsert or cutover makes it.
    private func missingNote(_ entity: EntitySpec) -> String {
        let note = dialect.literal(
            "airlock: \(entity.name): table \(entity.table) does not exist yet; a bundle's upsert or cutover creates it"
        )
        switch dialect {
        case .postgres:
            let name = entity.table.qualified(dialect)
            return "SELECT \(note) WHERE to_regclass(\(dialect.literal(name))) IS NULL;"
        case .sqlite:
            return
                "SELECT \(note) WHERE NOT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = \(dialect.literal(entity.table.name)) COLLATE NOCASE);"
        }
    }

    /// PostgreSQL: each enum column's `values:` against the labels of an enum-typed column.
    private func labels(_ entity: EntitySpec) -> [String] {
        entity.columns.compactMap { column in
            let accepted = column.rules.checks.compactMap { check -> [String]? in
                if case let .accepted(values) = check.kind { return values }
                return nil
            }.flatMap { $0 }
            guard !accepted.isEmpty else { return nil }
            let schema = entity.table.schema.map(dialect.literal) ?? "NULL"
            let arguments = [
                dialect.literal(entity.name), schema, dialect.literal(entity.table.name), dialect.literal(column.name),
                TargetCheckStatements.textArray(accepted, dialect)
            ]
            return LedgerStatements(dialect: dialect).procedure(
                "BEGIN PERFORM pg_temp.airlock_check_labels(\(arguments.joined(separator: ", "))); END")
        }
    }
}
