import AirlockBase
import Yams

/// Reads a composed YAML tree into a `Spec`, keeping the order of entities and columns and
/// naming the exact place of every problem (`entities.products.columns.amount.type`). Every
/// mapping refuses the keys it does not read (`checkKeys`), so no written rule goes unapplied.
struct SpecReader {
    let path: String

    /// Entity and column names become SQL identifiers and workspace table names; keeping them
    /// to lower-case identifiers avoids surprises in every dialect.
    private static var identifierPattern: Regex<Substring> { #/[a-z_][a-z0-9_]{0,62}/# }

    func spec(from root: Node) throws -> Spec {
        let top = try mapping(root, at: "top level")
        try checkKeys(top, known: ["producer", "entities", "approvals", "inbox"], at: "top level")
        let producer = try mapping(try required(top, "producer", at: "top level"), at: "producer")
        try checkKeys(producer, known: ["key", "expires_after"], at: "producer")
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
            entities.append(try entity(named: name, from: entityNode, at: "entities.\(name)"))
        }
        guard !entities.isEmpty else { throw invalid("entities", "declare at least one entity") }
        try checkConsistency(entities)
        try checkExclusivePatterns(entities)
        var spec = Spec(producerKey: producerKey, entities: try parentsFirst(entities))
        if let node = producer["expires_after"] {
            spec.bundleLifetime = try lifetime(
                try string(node, at: "producer.expires_after"), at: "producer.expires_after")
        }
        if let node = top["approvals"] {
            spec.approvals = try approvalPolicy(try mapping(node, at: "approvals"))
        }
        if let node = top["inbox"] {
            spec.inbox = try inboxSettings(try mapping(node, at: "inbox"))
        }
        return spec
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

    private func approvalPolicy(_ node: Node.Mapping) throws -> ApprovalPolicy {
        try checkKeys(node, known: ["required", "roles"], at: "approvals")
        var policy = ApprovalPolicy()
        if let required = node["required"] {
            guard let count = Int(try string(required, at: "approvals.required")), count >= 0 else {
                throw invalid("approvals.required", "expected a whole number of approvals\(line(required))")
            }
            policy.required = count
        }
        if let roles = node["roles"] {
            guard let sequence = roles.sequence else {
                throw invalid("approvals.roles", "expected a list of principals\(line(roles))")
            }
            policy.roles = try sequence.map { try string($0, at: "approvals.roles") }
        }
        return policy
    }

    private func entity(named name: String, from node: Node, at place: String) throws -> EntitySpec {
        let fields = try mapping(node, at: place)
        try checkKeys(
            fields,
            known: [
                "source", "model", "key", "columns", "upsert", "cutover", "category",
                "overrides", "dedupe", "checks", "thresholds", "consistency"
            ], at: place)
        // A model is computed from other entities and has no source of its own.
        let model = try fields["model"].map { try string($0, at: "\(place).model") }
        guard (model == nil) != (fields["source"] == nil) else {
            throw invalid(
                place,
                model == nil
                    ? "missing 'source' (or a 'model' query over other entities)"
                    : "a model has no source; remove one of them")
        }
        let source =
            try fields["source"].map { try self.source($0, at: "\(place).source") }
            ?? SourceSpec(filePattern: "", format: .json)
        let columnsNode = try mapping(try required(fields, "columns", at: place), at: "\(place).columns")
        var columns: [ColumnSpec] = []
        for (columnNameNode, columnNode) in columnsNode {
            let columnName = try string(columnNameNode, at: "\(place).columns")
            let columnPlace = "\(place).columns.\(columnName)"
            try checkIdentifier(columnName, at: columnPlace)
            columns.append(try column(named: columnName, from: columnNode, at: columnPlace))
        }
        guard !columns.isEmpty else { throw invalid("\(place).columns", "declare at least one column") }
        let keyNode = try required(fields, "key", at: place)
        let key: [String]
        if let list = keyNode.sequence {
            key = try list.map { try string($0, at: "\(place).key") }
        } else {
            key = [try string(keyNode, at: "\(place).key")]
        }
        guard !key.isEmpty else { throw invalid("\(place).key", "name at least one key column") }
        for keyColumn in key where !columns.contains(where: { $0.name == keyColumn }) {
            throw invalid("\(place).key", "'\(keyColumn)' is not one of this entity's columns")
        }
        guard Set(key).count == key.count else { throw invalid("\(place).key", "a key column is named twice") }
        var entity = EntitySpec(name: name, source: source, key: key, columns: columns)
        entity.model = model
        if let node = fields["upsert"] {
            let spelling = try string(node, at: "\(place).upsert")
            guard let method = EntitySpec.UpsertMethod(rawValue: spelling) else {
                throw invalid(
                    "\(place).upsert",
                    "unknown method '\(spelling)'; use on_conflict (the default) or update_then_insert\(line(node))")
            }
            entity.upsertMethod = method
        }
        if let node = fields["cutover"] {
            entity.cutoverMinimums = try cutoverMinimums(node, at: "\(place).cutover")
        }
        if let node = fields["category"] {
            let column = try string(node, at: "\(place).category")
            guard columns.contains(where: { $0.name == column }) else {
                throw invalid("\(place).category", "'\(column)' is not one of this entity's columns\(line(node))")
            }
            entity.category = column
        }
        try readRules(of: &entity, from: fields, at: place)
        if let category = entity.category, let column = entity.columns.first(where: { $0.name == category }) {
            // Records are counted by the category they arrive with, so it must come from the source as is.
            guard column.rules.derivation == nil,
                !entity.overrides.contains(where: { $0.set.contains { $0.column == category } })
            else {
                throw invalid(
                    "\(place).category",
                    "'\(category)' is derived or set by an override; group the counts by a column the source gives")
            }
        }
        try checkPullFileName(of: entity, at: "\(place).source")
        return entity
    }

    private func cutoverMinimums(_ node: Node, at place: String) throws -> CutoverMinimums {
        let fields = try mapping(node, at: place)
        try checkKeys(fields, known: ["min_rows", "min_share_of_current"], at: place)
        var minimums = CutoverMinimums()
        if let valueNode = fields["min_rows"] {
            let value = try string(valueNode, at: "\(place).min_rows")
            guard let rows = Int(value), rows >= 0 else {
                throw invalid("\(place).min_rows", "expected a whole number of rows, got '\(value)'\(line(valueNode))")
            }
            minimums.rows = rows
        }
        if let valueNode = fields["min_share_of_current"] {
            let value = try string(valueNode, at: "\(place).min_share_of_current")
            // Written into the scripts as a numeric literal, so only plain digits pass.
            guard value.wholeMatch(of: #/0?\.[0-9]{1,6}|0|1(\.0*)?/#) != nil else {
                throw invalid(
                    "\(place).min_share_of_current",
                    "expected a share from 0 to 1 such as 0.9, got '\(value)'\(line(valueNode))")
            }
            minimums.shareOfCurrent = value
        }
        return minimums
    }

    private func source(_ node: Node, at place: String) throws -> SourceSpec {
        let fields = try mapping(node, at: place)
        try checkKeys(
            fields, known: ["files", "format", "records", "pull", "delimiter", "encoding", "all_or_nothing"],
            at: place)
        let pattern = try string(try required(fields, "files", at: place), at: "\(place).files")
        let format: SourceSpec.Format
        if let formatNode = fields["format"] {
            let spelling = try string(formatNode, at: "\(place).format")
            guard let parsed = SourceSpec.Format(rawValue: spelling.lowercased()) else {
                throw invalid("\(place).format", "unknown format '\(spelling)'; use csv, json or ndjson")
            }
            format = parsed
        } else if let parsed = SourceSpec.Format(fileName: pattern) {
            format = parsed
        } else {
            throw invalid(
                "\(place).format", "cannot tell the format from '\(pattern)'; add format: csv, json or ndjson")
        }
        let recordsPath = try fields["records"].map { try string($0, at: "\(place).records") } ?? ""
        if format != .json && !recordsPath.isEmpty {
            throw invalid("\(place).records", "a records path applies to JSON documents only (format: json)")
        }
        if !recordsPath.isEmpty {
            do {
                _ = try JSONRecordsPath(recordsPath)
            } catch {
                throw invalid("\(place).records", "\(error)")
            }
        }
        var source = SourceSpec(filePattern: pattern, format: format, recordsPath: recordsPath)
        if let node = fields["pull"] {
            source.pull = try pull(node, for: source, at: "\(place).pull")
        }
        if let node = fields["delimiter"] {
            let spelling = try string(node, at: "\(place).delimiter")
            guard format == .csv else {
                throw invalid("\(place).delimiter", "a delimiter applies to CSV sources only\(line(node))")
            }
            guard let delimiter = SourceSpec.delimiter(spelling: spelling) else {
                throw invalid(
                    "\(place).delimiter",
                    "'\(spelling)' is not a delimiter; write one character such as ';' or '|', or tab\(line(node))")
            }
            source.delimiter = delimiter
        }
        if let node = fields["encoding"] {
            let name = try string(node, at: "\(place).encoding")
            guard EncodingName.isKnown(name) else {
                throw invalid(
                    "\(place).encoding",
                    "unknown encoding '\(name)'; use a name such as utf-8, latin1, windows-1252 or utf-16\(line(node))")
            }
            source.encoding = name
        }
        if let node = fields["all_or_nothing"] {
            source.allOrNothing = try boolean(node, at: "\(place).all_or_nothing")
        }
        return source
    }

    private func column(named name: String, from node: Node, at place: String) throws -> ColumnSpec {
        // `amount: decimal(12,2)` is shorthand for `amount: {type: decimal(12,2)}`.
        if let shorthand = node.scalar?.string {
            guard let type = ColumnType(spelling: shorthand) else { throw unknownType(shorthand, at: place) }
            return ColumnSpec(name: name, from: name, type: type)
        }
        let fields = try mapping(node, at: place)
        try checkKeys(
            fields,
            known: [
                "type", "from", "references", "trim", "case", "nulls", "thousands", "map",
                "values", "checks", "transitions", "format", "zone", "derive"
            ], at: place)
        let spelling = try string(try required(fields, "type", at: place), at: "\(place).type")
        guard let type = ColumnType(spelling: spelling) else { throw unknownType(spelling, at: "\(place).type") }
        let from = try fields["from"].map { try string($0, at: "\(place).from") } ?? name
        guard !from.isEmpty, !from.contains("\"") else {
            throw invalid("\(place).from", "a source field name must be non-empty and hold no double quote")
        }
        let references = try fields["references"].map { try string($0, at: "\(place).references") }
        var column = ColumnSpec(name: name, from: from, type: type, references: references)
        column.rules = try columnRules(fields, type: type, at: place)
        return column
    }

    /// Checks every `references:` against the entity it names and orders entities parents first.
    private func parentsFirst(_ entities: [EntitySpec]) throws -> [EntitySpec] {
        for entity in entities {
            for column in entity.columns {
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

    // MARK: - Helpers

    private func unknownType(_ spelling: String, at place: String) -> SpecError {
        invalid(place, "unknown type '\(spelling)'; use text, integer, decimal(P,S), boolean, timestamp, date or enum")
    }

    private func checkIdentifier(_ name: String, at place: String) throws {
        guard name.wholeMatch(of: Self.identifierPattern) != nil else {
            throw invalid(place, "'\(name)' must be a lower-case identifier (a-z, 0-9, _; not starting with a digit)")
        }
        guard !name.hasPrefix("airlock_") else {
            throw invalid(place, "names starting with 'airlock_' are reserved for Airlock's own tables")
        }
    }

    /// Cutovers put `<name>__staging_000042` and `<name>__backup_000042` beside an entity's
    /// table; those names must fit PostgreSQL's 63 bytes and never be another entity's name.
    private func checkTableName(_ name: String, at place: String) throws {
        guard name.utf8.count <= 47 else {
            throw invalid(
                place,
                "'\(name)' is longer than 47 characters; cutover tables named '\(name)__staging_000001' would not fit PostgreSQL's 63-byte names"
            )
        }
        guard !name.contains("__") else {
            throw invalid(
                place,
                "'\(name)' holds '__', which Airlock keeps for its staging and backup tables ('\(name)__backup_000001')"
            )
        }
    }

    func boolean(_ node: Node, at place: String) throws -> Bool {
        guard let value = node.scalar.flatMap(Bool.construct) else {
            throw invalid(place, "expected true or false\(line(node))")
        }
        return value
    }

    func required(_ mapping: Node.Mapping, _ key: String, at place: String) throws -> Node {
        guard let node = mapping[key] else { throw invalid(place, "missing '\(key)'") }
        return node
    }

    func mapping(_ node: Node, at place: String) throws -> Node.Mapping {
        guard let mapping = node.mapping else {
            throw invalid(place, "expected a mapping (key: value lines)\(line(node))")
        }
        return mapping
    }

    func string(_ node: Node, at place: String) throws -> String {
        guard let scalar = node.scalar else { throw invalid(place, "expected a single value\(line(node))") }
        return scalar.string
    }

    func line(_ node: Node) -> String {
        node.mark.map { " (line \($0.line))" } ?? ""
    }

    func invalid(_ place: String, _ reason: String) -> SpecError {
        .invalid(path: path, at: place, reason: reason)
    }
}
