import AirlockBase
import AirlockSite
import AirlockSpec
import GRDB
import Logging

/// What one drop makes of the workspace, inside the run's transaction: the entities it feeds
/// are normalized, their records checked; consistency rules repair or block, models are
/// built, every entity in the bundle is diffed and counted, and thresholds and foreign keys
/// are checked. One value comes out, `Result`; the bundle is written from it.
struct DropRun {
    let spec: Spec
    let logger: Logger
    var progress: ProgressHandler?

    /// What the drop changes and what validation found.
    struct Result {
        var findings: [ValidationFinding] = []
        /// Per entity the bundle carries: its counts, and its counts per category value.
        var counts: [String: EntityCounts] = [:]
        var categories: [String: [Manifest.Category]] = [:]
        /// The entities the bundle carries, parents first.
        var entities: [EntitySpec] = []
        /// Per entity with overrides, the rows each override changed.
        var overridden: [String: [Int]] = [:]
        /// The spec changes the bundle makes to the targets' tables before their rows.
        var migrations: [EntityMigration] = []

        /// A finding of severity block: no bundle.
        var isBlocked: Bool { findings.contains { $0.severity == .block } }
        var changesSomething: Bool {
            migrations.contains(where: \.altersTables) || counts.values.contains { $0.changed > 0 }
        }
    }

    private var timer: StageTimer { StageTimer(logger: logger) }

    /// Runs every step on the entities the drop's files feed (`changed`). The bundle holds
    /// them, the entities a consistency rule repaired and the models whose rows changed.
    func run(_ changed: [EntitySpec], in db: Database) throws -> Result {
        var result = Result()
        var normalized: [String: Normalizer.Report] = [:]
        var current = CurrentRows(spec: spec, bundling: changed)
        for (index, entity) in changed.enumerated() {
            progress?(
                ProgressUpdate(
                    task: "normalizing \(entity.name)", done: Int64(index), total: Int64(changed.count), unit: .steps))
            let report = try timer.time("normalize", ["entity": "\(entity.name)"]) {
                // Parents come first, so a reference checks against the rows its parent holds now.
                try Normalizer(entity, parents: current).normalize(in: db)
            }
            if report.overridden.contains(where: { $0 > 0 }) {
                logger.info(
                    "overrides corrected rows",
                    metadata: ["entity": "\(entity.name)", "rows": "\(report.overridden.reduce(0, +))"])
            }
            if !entity.overrides.isEmpty { result.overridden[entity.name] = report.overridden }
            if report.withheldDeletes > 0 {
                result.findings.append(
                    ValidationFinding(
                        severity: .warn, check: "unread_records", entity: entity.name,
                        reason:
                            "some records of this drop could not be read (airlock status --unparsed lists them), so which keys the export lacks cannot be told: the \(report.withheldDeletes) rows it would delete are kept until a drop is read in full"
                    ))
            }
            normalized[entity.name] = report
        }
        progress?(ProgressUpdate(task: "normalizing", done: 1, total: 1, unit: .steps))
        result.findings += try timer.time("record findings") {
            try QuarantineRecords.findings(inFiles: WorkspaceFile.pendingFiles, in: db).map(Self.finding)
        }
        result.findings += try applyConsistency(to: &current, in: db)
        let (held, kept) = try DeletedParents(spec: spec).keep(in: current, db)
        result.findings += held
        for entity in spec.entities where entity.model != nil {
            let visible = spec.entities.filter { $0.name != entity.name }.map { ($0.name, current.table(of: $0.name)) }
            try ModelBuilder(entity).build(visible: visible, in: db)
            current.includeModel(entity)
        }
        let compared = spec.entities.filter { current.bundled.contains($0.name) }
        for (index, entity) in compared.enumerated() {
            progress?(
                ProgressUpdate(
                    task: "comparing \(entity.name) with the baseline", done: Int64(index),
                    total: Int64(compared.count), unit: .steps))
            let counting = DropCounts(
                entity: entity, normalized: normalized[entity.name], keptParents: kept[entity.name])
            let counts = try timer.time("diff", ["entity": "\(entity.name)"]) {
                try EntityDiff(entity).findChanges(in: db)
                return try counting.counts(in: db)
            }
            guard normalized[entity.name] != nil || counts.changed > 0 else {
                // A model or a repaired entity with nothing to change stays out of the bundle.
                current.exclude(entity)
                continue
            }
            result.counts[entity.name] = counts
            if let category = entity.category {
                result.categories[entity.name] = try counting.categories(column: category, in: db)
            }
            let rows = try Int.fetchOne(db, sql: "SELECT count(*) FROM \(EntityTables(entity).snapshot)") ?? 0
            result.findings += EntityChecks(entity).thresholds(counts: counts, rows: rows)
            if entity.nesting?.ordinal != nil, counts.updated + counts.deleted > 0 {
                result.findings.append(Self.positionsChurn(entity, counts))
            }
        }
        // References are checked for every entity a bundled one refers to or is referred to by.
        for entity in spec.entities
        where current.bundled.contains(entity.name) || entity.parents.contains(where: current.bundled.contains) {
            result.findings += try EntityChecks(entity).references(in: current, db)
        }
        result.entities = spec.entities.filter { current.bundled.contains($0.name) }
        return result
    }

    /// Checks every consistency rule that involves an entity of the bundle; a rule that
    /// repairs puts its entity into the bundle.
    private func applyConsistency(to current: inout CurrentRows, in db: Database) throws -> [ValidationFinding] {
        var findings: [ValidationFinding] = []
        for entity in spec.entities {
            for rule in entity.consistency
            where current.bundled.contains(entity.name) || current.bundled.contains(rule.authority) {
                let check = ConsistencyCheck(entity: entity, rule: rule)
                let violations = try check.violations(in: current, db)
                if rule.repairs && !violations.isEmpty {
                    try current.include(entity, in: db)
                    try check.repair(in: current, db)
                }
                findings += violations
            }
        }
        return findings
    }

    /// Said of a child keyed by position (`key: ordinal`) whose rows change: an element added or
    /// removed mid-array moves every later one, which shows as updates and deletes that may
    /// be no real change.
    private static func positionsChurn(_ entity: EntitySpec, _ counts: EntityCounts) -> ValidationFinding {
        ValidationFinding(
            severity: .warn, check: "ordinal_key", entity: entity.name,
            reason:
                "keyed by position (key: ordinal): \(counts.updated) updated and \(counts.deleted) deleted rows may only be elements that moved up or down their array; key the child by a field of its elements if they have one"
        )
    }

    /// A row of `QuarantineRecords.findings`.
    static func finding(_ row: Row) -> ValidationFinding {
        ValidationFinding(
            severity: Severity(rawValue: row[0]) ?? .quarantine, check: row[1], entity: row[2], file: row[3],
            sheet: row[9], line: row[4], record: row[5], field: row[6],
            cell: cell(row: row[4], column: row[10], width: row[11]),
            value: row[7], reason: row[8], key: row[12])
    }

    /// A spreadsheet finding's cell (`C7`), or its row's cells under the header (`A7:I7`) when
    /// its field is no one column; nil outside a sheet.
    private static func cell(row: Int?, column: Int?, width: Int?) -> String? {
        guard let row, let width else { return nil }
        if let column { return CellReference(column: column, row: row).description }
        return "A\(row):\(CellReference(column: max(width - 1, 0), row: row))"
    }
}
