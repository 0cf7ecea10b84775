import AirlockSpec
import GRDB

/// Where each entity's rows stand after this run, for rules that look across entities
/// (consistency, models, foreign keys): the snapshot of an entity the run bundles, the
/// baseline of the others.
struct CurrentRows {
    let spec: Spec
    /// The entities the bundle carries so far.
    private(set) var bundled: Set<String>

    init(spec: Spec, bundling entities: [EntitySpec]) {
        self.spec = spec
        bundled = Set(entities.map(\.name))
    }

    /// The workspace table holding `entity`'s rows after this run.
    func table(of entity: String) -> String {
        let tables = EntityTables(spec.entity(named: entity))
        return bundled.contains(entity) ? tables.snapshot : tables.baseline
    }

    /// Puts `entity` into the bundle: its snapshot starts as a copy of its baseline (when it
    /// was not in the bundle yet), so a rule can change some of its rows.
    mutating func include(_ entity: EntitySpec, in db: Database) throws {
        guard !bundled.contains(entity.name) else { return }
        try EntityTables(entity).copyBaselineToSnapshot(in: db)
        bundled.insert(entity.name)
    }

    /// Puts a model, whose snapshot was just built, into the bundle.
    mutating func includeModel(_ entity: EntitySpec) {
        bundled.insert(entity.name)
    }

    /// Takes `entity` out of the bundle again: a model or a repaired entity with nothing to change.
    mutating func exclude(_ entity: EntitySpec) {
        bundled.remove(entity.name)
    }
}
