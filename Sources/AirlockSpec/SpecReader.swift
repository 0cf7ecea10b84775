import AirlockBase
import Yams

/// Reads a composed YAML tree into a `Spec`, keeping the order of entities and columns and
/// naming the exact place of every problem (`entities.products.columns.amount.type`). Every
/// mapping refuses the keys it does not read (`checkKeys`), so no written rule goes unapplied.
struct SpecReader: YAMLSettings {
    let path: String

    func invalid(_ place: String, _ reason: String) -> SpecError {
        .invalid(path: path, at: place, reason: reason)
    }

    func spec(from root: Node) throws -> Spec {
        let top = try mapping(root, at: "top level")
        try checkKeys(top, known: ["producer", "entities", "approvals", "inbox", "targets"], at: "top level")
        let producer = try mapping(try required(top, "producer", at: "top level"), at: "producer")
        try checkKeys(producer, known: ["key", "expires_after", "signatures"], at: "producer")
        let producerKey = try string(try required(producer, "key", at: "producer"), at: "producer.key")
        guard producerKey.wholeMatch(of: #/[A-Za-z0-9_.-]+/#) != nil else {
            throw invalid("producer.key", "a key name may hold only letters, digits, '.', '_' and '-'")
        }
        let entitiesNode = try mapping(try required(top, "entities", at: "top level"), at: "entities")
        var entities: [EntitySpec] = []
        for (nameNode, entityNode) in entitiesNode {
            let name = try string(nameNode, at: "entities")
            try checkIdentifier(name, at: "entities.\(name)")
            try checkTableName(name, at: "entities.\(name)")
            guard !entities.contains(where: { $0.name == name }) else {
                throw invalid("entities.\(name)", "the entity is declared twice")
            }
            entities += try family(named: name, from: entityNode, at: "entities.\(name)")
        }
        guard !entities.isEmpty else { throw invalid("entities", "declare at least one entity") }
        try checkConsistency(entities)
        try checkExclusivePatterns(entities)
        try checkDistinctTables(entities)
        var spec = Spec(producerKey: producerKey, entities: try parentsFirst(entities))
        if let node = producer["expires_after"] {
            spec.bundleLifetime = try lifetime(
                try string(node, at: "producer.expires_after"), at: "producer.expires_after")
        }
        if let node = producer["signatures"] {
            guard let count = Int(try string(node, at: "producer.signatures")), (1...9).contains(count) else {
                throw invalid(
                    "producer.signatures", "expected how many producer keys sign each bundle, 1 to 9\(line(node))")
            }
            spec.producerSignatures = count
        }
        if let node = top["approvals"] {
            spec.approvals = try approvalPolicy(node, at: "approvals")
        }
        if let node = top["inbox"] {
            spec.inbox = try inboxSettings(try mapping(node, at: "inbox"))
        }
        if let node = top["targets"] {
            spec.targets = try targets(node)
        }
        return spec
    }

    /// `targets: [postgres, sqlite]`: the dialects bundles carry scripts for.
    private func targets(_ node: Node) throws -> [SQLDialect] {
        let names =
            try node.sequence.map { try $0.map { try string($0, at: "targets") } } ?? [string(node, at: "targets")]
        var dialects: Set<SQLDialect> = []
        for name in names {
            guard let dialect = SQLDialect(rawValue: name) else {
                throw invalid(
                    "targets",
                    "unknown target '\(name)'; name postgres, sqlite or both (the default)\(line(node))")
            }
            dialects.insert(dialect)
        }
        guard !dialects.isEmpty else {
            throw invalid("targets", "name at least one of postgres and sqlite\(line(node))")
        }
        return SQLDialect.allCases.filter(dialects.contains)
    }

    private func inboxSettings(_ node: Node.Mapping) throws -> InboxSettings {
        try checkKeys(node, known: ["processed", "max_member_size"], at: "inbox")
        var settings = InboxSettings()
        if let valueNode = node["processed"] {
            let value = try string(valueNode, at: "inbox.processed")
            guard ["move", "keep"].contains(value) else {
                throw invalid(
                    "inbox.processed",
                    "expected move (to inbox/processed/, the default) or keep, got '\(value)'\(line(valueNode))")
            }
            settings.keepProcessed = value == "keep"
        }
        if let valueNode = node["max_member_size"] {
            let value = try string(valueNode, at: "inbox.max_member_size")
            guard let bytes = InboxSettings.byteCount(value) else {
                throw invalid(
                    "inbox.max_member_size", "expected a size such as 512MB or 2GB, got '\(value)'\(line(valueNode))")
            }
            settings.maxMemberSize = bytes
        }
        return settings
    }

    /// `30d`, `12h`, `90m`; `never` for bundles that do not expire.
    private func lifetime(_ text: String, at place: String) throws -> Int? {
        if text == "never" { return nil }
        guard let seconds = DurationText.seconds(text), seconds >= 1 else {
            throw invalid(place, "'\(text)' is not a duration such as 30d, 12h, 90m or never")
        }
        return Int(seconds)
    }

    /// A duration for pull settings (`timeout: 30s`).
    func duration(_ node: Node, at place: String) throws -> Double {
        let text = try string(node, at: place)
        guard let seconds = DurationText.seconds(text) else {
            throw invalid(place, "'\(text)' is not a duration such as \(DurationText.examples)\(line(node))")
        }
        return seconds
    }

    /// Two entities writing one table would undo each other's rows. SQLite has no schemas and
    /// compares names without case, so `auth.users` and `public.users` are one table there.
    private func checkDistinctTables(_ entities: [EntitySpec]) throws {
        for (index, entity) in entities.enumerated() {
            for earlier in entities[..<index] {
                let samePostgres = earlier.table == entity.table
                let sameSQLite = earlier.table.name.lowercased() == entity.table.name.lowercased()
                guard samePostgres || sameSQLite else { continue }
                throw invalid(
                    "entities.\(entity.name).table",
                    "entities \(earlier.name) and \(entity.name) both write table \(entity.table)\(samePostgres ? "" : " on SQLite targets, which have no schemas (SQLite table \(entity.table.name))"); give each entity a table of its own"
                )
            }
        }
    }

    /// Checks every `references:` against the entity it names, points the foreign key at that
    /// entity's table, and orders entities parents first.
    private func parentsFirst(_ entities: [EntitySpec]) throws -> [EntitySpec] {
        var entities = entities
        for entityIndex in entities.indices {
            let entity = entities[entityIndex]
            for (columnIndex, column) in entity.columns.enumerated() {
                guard let parentName = column.references else { continue }
                let place = "entities.\(entity.name).columns.\(column.name).references"
                guard let parent = entities.first(where: { $0.name == parentName }) else {
                    throw invalid(place, "no entity is named '\(parentName)'")
                }
                guard parent.key.count == 1, let parentKey = parent.columns.first(where: { $0.name == parent.key[0] })
                else {
                    throw invalid(
                        place, "'\(parentName)' has a composite key; a foreign key can refer to a one-column key only")
                }
                guard parentKey.type == column.type else {
                    throw invalid(
                        place,
                        "'\(parentName).\(parentKey.name)' is \(parentKey.type) but this column is \(column.type); make them the same type"
                    )
                }
                entities[entityIndex].columns[columnIndex].referencedTable = parent.table
            }
        }
        switch ForeignKeyOrder.parentsFirst(entities) {
        case let .ordered(ordered):
            return ordered
        case let .cycle(names):
            let child = entities.first { $0.name == names[0] }!
            let column = child.columns.first { $0.references == names[1] }!
            throw invalid(
                "entities.\(child.name).columns.\(column.name).references",
                "foreign keys form a cycle (\(names.joined(separator: " → "))); scripts could not order their inserts and deletes"
            )
        }
    }
}
