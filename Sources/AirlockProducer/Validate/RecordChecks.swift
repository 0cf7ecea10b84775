import AirlockBase
import AirlockSite
import AirlockSpec
import GRDB

/// The spec's checks on one entity's records, as SQL over the normalizer's table
/// (`NormalizedRecords`: one row per record, with each column's cleaned text and normalized
/// value). Every violation becomes a finding in `QuarantineRecords` naming the record, the
/// field, the check and its severity; the normalizer then holds back the quarantined ones.
/// A record that deletes its key (a delta drop's tombstone) needs only a key: the checks of
/// values pass it by.
struct RecordChecks {
    let entity: EntitySpec
    private let norm: NormalizedRecords
    private let dialect = SQLDialect.sqlite

    /// Where the parents' rows stand, for the references whose orphans are held back.
    private let parents: CurrentRows?

    init(_ entity: EntitySpec, parents: CurrentRows? = nil) {
        self.entity = entity
        self.parents = parents
        norm = NormalizedRecords(entity: entity)
    }

    /// Why a record with no key value is quarantined.
    static let emptyKeyReason = "the key is empty"

    func run(in db: Database) throws {
        try findEmptyValues(in: db)
        for (index, column) in entity.columns.enumerated() where column.rules.derivation == nil {
            try typeCheck(column, index, in: db)
            for check in column.rules.checks {
                try record(
                    check.name, check.severity, column, index, where: violation(check.kind, column, index),
                    reason: reason(check.kind, norm.value(index)), in: db)
            }
            if let transitions = column.rules.transitions {
                try transitionCheck(transitions, column, index, in: db)
            }
            if let parents, let parent = column.references, column.referenceSeverity == .quarantine {
                try orphanCheck(column, index, parent: parents.spec.entity(named: parent), in: parents, db)
            }
        }
        try db.execute(sql: "DROP TABLE \(Self.emptyValues)")
        for rule in entity.uniqueTogether { try uniqueTogether(rule, in: db) }
        if case let .tombstone(field) = entity.source.deletion { try tombstoneCheck(field, in: db) }
    }

    /// Records whose tombstone field is neither empty nor a boolean: whether they delete their
    /// key cannot be told, so they are held back and the key keeps its row.
    private func tombstoneCheck(_ field: String, in db: Database) throws {
        try QuarantineRecords.insert(
            entity: entity.name, field: dialect.literal(field), value: NormalizedRecords.tombstone,
            reason:
                "quote(\(NormalizedRecords.tombstone)) || ' is not true or false, so whether the record deletes its key cannot be told'",
            check: "'tombstone'", severity: dialect.literal(Severity.quarantine.rawValue), key: recordKey,
            from: NormalizedRecords.table, where: "\(NormalizedRecords.deletes) IS NULL", in: db)
    }

    /// Records whose reference names no row of the parent as it stands after this run (its
    /// snapshot when the drop feeds it, parents being normalized first, else its baseline):
    /// held back, naming the record's key and the missing parent key.
    private func orphanCheck(
        _ column: ColumnSpec, _ index: Int, parent: EntitySpec, in current: CurrentRows, _ db: Database
    ) throws {
        let value = norm.value(index), parentKey = dialect.identifier(parent.key[0])
        try record(
            "references", .quarantine, column, index,
            where:
                "\(value) IS NOT NULL AND NOT EXISTS (SELECT 1 FROM \(current.table(of: parent.name)) AS p WHERE p.\(parentKey) = \(value))",
            reason:
                "\(recordKey) || \(dialect.literal(": \(column.name) ")) || quote(\(value)) || \(dialect.literal(" names no row of \(parent.name)"))",
            in: db)
    }

    /// Records whose values of the rule's columns, together, are also another key's.
    private func uniqueTogether(_ rule: UniqueTogether, in db: Database) throws {
        let indices = rule.columns.map(entity.index(ofColumn:))
        let values = "json_array(\(indices.map(norm.value).joined(separator: ", ")))"
        let present = indices.map { "\(norm.value($0)) IS NOT NULL" }.joined(separator: " AND ")
        try QuarantineRecords.insert(
            entity: entity.name, field: indices.map(norm.field).joined(separator: " || ', ' || "),
            value: "json_array(\(indices.map(norm.text).joined(separator: ", ")))",
            reason: "\(values) || ' is also the value of another record with a different key'", check: "'unique'",
            severity: dialect.literal(rule.severity.rawValue), key: recordKey, from: NormalizedRecords.writingRecords,
            where: """
                \(present) AND \(values) IN
                  (SELECT \(values) FROM \(NormalizedRecords.writingRecords) WHERE \(present) GROUP BY 1 HAVING count(DISTINCT json_array(\(norm.keyValues))) > 1)
                """, in: db)
    }

    /// The record's key as text, each part as a literal (`order_id='O-1', line=2`); a key
    /// column that did not parse shows NULL.
    private var recordKey: String {
        entity.key.map { "\(dialect.literal($0 + "=")) || quote(\(norm.value(of: $0)))" }
            .joined(separator: " || ', ' || ")
    }

    /// Why the record's text for this column does not parse as its type (and its declared
    /// timestamp format), as SQL; NULL when it does, or when there is no text.
    private func parseError(_ column: ColumnSpec, _ index: Int) -> String {
        ColumnParsing(column: column, format: entity.source.format).error(norm.text(index))
    }

    /// The records with a column of no value (`emptyValues`): a type check finds only
    /// those, so each column's check reads them rather than every record (1M records, ten
    /// columns: 1.0 s of ten passes, against one pass).
    private func findEmptyValues(in db: Database) throws {
        let empty = entity.columns.indices.filter { entity.columns[$0].rules.derivation == nil }.map {
            "\(norm.value($0)) IS NULL"
        }
        try db.execute(sql: "DROP TABLE IF EXISTS \(Self.emptyValues)")
        try db.execute(
            sql: """
                CREATE TEMP TABLE \(Self.emptyValues) AS SELECT rowid AS record FROM \(NormalizedRecords.table)
                WHERE \(empty.isEmpty ? "0" : empty.joined(separator: " OR "))
                """)
    }

    /// The rowids of `NormalizedRecords.table` that `findEmptyValues` found.
    private static let emptyValues = "temp.airlock_empty_values"

    private func typeCheck(_ column: ColumnSpec, _ index: Int, in db: Database) throws {
        let isKey = entity.key.contains(column.name)
        let reason =
            isKey
            ? "coalesce(\(parseError(column, index)), \(dialect.literal(Self.emptyKeyReason)))"
            : parseError(column, index)
        let text = norm.text(index)
        let check = isKey ? "CASE WHEN \(text) IS NULL OR trim(\(text)) = '' THEN 'key' ELSE 'type' END" : "'type'"
        try QuarantineRecords.insert(
            entity: entity.name, field: norm.field(index), value: text, reason: reason, check: check,
            severity: dialect.literal(Severity.quarantine.rawValue), key: recordKey,
            from: "(SELECT * FROM \(NormalizedRecords.table) WHERE rowid IN (SELECT record FROM \(Self.emptyValues))"
                + (isKey ? "" : " AND \(NormalizedRecords.deletes) = 0") + ")",
            where: "\(norm.value(index)) IS NULL AND \(reason) IS NOT NULL", in: db)
    }

    private func record(
        _ check: String, _ severity: Severity, _ column: ColumnSpec, _ index: Int, where condition: String,
        reason: String, from source: String = NormalizedRecords.writingRecords, in db: Database
    ) throws {
        try QuarantineRecords.insert(
            entity: entity.name, field: norm.field(index), value: norm.text(index), reason: reason,
            check: dialect.literal(check), severity: dialect.literal(severity.rawValue), key: recordKey,
            from: source, where: condition, in: db)
    }

    /// True for a record whose normalized value `v` breaks the check; NULL passes every check but not_null.
    private func violation(_ kind: ColumnCheck.Kind, _ column: ColumnSpec, _ index: Int) -> String {
        let v = norm.value(index)
        switch kind {
        case .notNull:
            // A value that failed to parse is the type check's finding, not this one's.
            return "\(v) IS NULL AND \(parseError(column, index)) IS NULL"
        case .unique:
            return
                "\(v) IN (SELECT \(v) FROM \(NormalizedRecords.writingRecords) WHERE \(v) IS NOT NULL GROUP BY \(v) HAVING count(DISTINCT json_array(\(norm.keyValues))) > 1)"
        case let .accepted(values):
            return "\(v) IS NOT NULL AND \(v) NOT IN (\(values.map(dialect.literal).joined(separator: ", ")))"
        case let .pattern(pattern):
            return "\(v) IS NOT NULL AND NOT airlock_matches(\(v), \(dialect.literal(pattern)))"
        case let .range(min, max):
            let below = min.map { "airlock_compare_numbers(\(v), \(dialect.literal($0))) < 0" }
            let above = max.map { "airlock_compare_numbers(\(v), \(dialect.literal($0))) > 0" }
            return "\(v) IS NOT NULL AND (" + ([below, above].compactMap { $0 } + ["0"]).joined(separator: " OR ") + ")"
        case let .length(min, max):
            let short = min.map { "length(\(v)) < \($0)" }, long = max.map { "length(\(v)) > \($0)" }
            return "\(v) IS NOT NULL AND (" + ([short, long].compactMap { $0 } + ["0"]).joined(separator: " OR ") + ")"
        }
    }

    private func reason(_ kind: ColumnCheck.Kind, _ v: String) -> String {
        let value = "quote(\(v))"
        switch kind {
        case .notNull: return "'no value where one is required'"
        case .unique: return "\(value) || ' is also the value of another record with a different key'"
        case let .accepted(values):
            return "\(value) || \(dialect.literal(" is not an accepted value (\(values.joined(separator: ", ")))"))"
        case let .pattern(pattern): return "\(value) || \(dialect.literal(" does not match the pattern \(pattern)"))"
        case let .range(min, max):
            return "\(value) || \(dialect.literal(" is outside the range \(min ?? "…") to \(max ?? "…")"))"
        case let .length(min, max):
            return
                "\(value) || ' has ' || length(\(v)) || \(dialect.literal(" characters, outside \(min.map(String.init) ?? "0") to \(max.map(String.init) ?? "…")"))"
        }
    }

    /// A row of the baseline in a terminal state must stay in it; with `allowed`, a row moves
    /// only along the listed transitions. The finding names both values.
    private func transitionCheck(_ transitions: StateTransitions, _ column: ColumnSpec, _ index: Int, in db: Database)
        throws
    {
        let tables = EntityTables(entity)
        let keyMatch = entity.key.map { key in "b.\(dialect.identifier(key)) = n.\(norm.value(of: key))" }.joined(
            separator: " AND ")
        let old = "b.\(dialect.identifier(column.name))", new = "n.\(norm.value(index))"
        var broken: [String] = []
        if !transitions.terminal.isEmpty {
            broken.append("\(old) IN (\(transitions.terminal.map(dialect.literal).joined(separator: ", ")))")
        }
        if !transitions.allowed.isEmpty {
            let pairs = transitions.allowed.sorted { $0.key < $1.key }.flatMap { from, targets in
                targets.map { "(\(dialect.literal(from)), \(dialect.literal($0)))" }
            }
            broken.append(pairs.isEmpty ? "1" : "(\(old), \(new)) NOT IN (VALUES \(pairs.joined(separator: ", ")))")
        }
        guard !broken.isEmpty else { return }
        let source =
            "(SELECT n.*, \(old) AS airlock_old FROM \(NormalizedRecords.writingRecords) AS n JOIN \(tables.baseline) AS b ON \(keyMatch) WHERE \(old) IS NOT NULL AND \(new) IS NOT \(old) AND (\(broken.joined(separator: " OR "))))"
        let terminal = transitions.terminal.map(dialect.literal).joined(separator: ", ")
        let reason = """
            'moves from ' || quote(airlock_old) || ' to ' || quote(\(norm.value(index))) || \
            CASE WHEN airlock_old IN (\(terminal.isEmpty ? "NULL" : terminal)) THEN ', out of a terminal state' ELSE ', not an allowed transition' END
            """
        try record("transition", transitions.severity, column, index, where: "1", reason: reason, from: source, in: db)
    }
}
