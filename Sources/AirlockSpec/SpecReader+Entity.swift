import AirlockBase
import Yams

/// An entity and its columns: names, key, upsert method, delivery, cutover minimums, category.
extension SpecReader {
    /// Entity and column names become SQL identifiers and workspace table names; keeping them
    /// to lower-case identifiers avoids surprises in every dialect.
    private static var identifierPattern: Regex<Substring> { #/[a-z_][a-z0-9_]{0,62}/# }

    func entity(named name: String, from node: Node, at place: String) throws -> EntitySpec {
        let fields = try mapping(node, at: place)
        try checkKeys(
            fields,
            known: [
                "source", "model", "table", "key", "columns", "upsert", "cutover", "delivery", "category",
                "overrides", "dedupe", "checks", "thresholds", "consistency", "context", "children"
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
        let columns = try declaredColumns(fields, at: place)
        let key = try keyNames(try required(fields, "key", at: place), among: columns, at: "\(place).key")
        var entity = EntitySpec(name: name, source: source, key: key, columns: columns)
        entity.model = model
        entity.written = (try? Yams.serialize(node: node)) ?? ""
        try readTarget(of: &entity, from: fields, at: place)
        if let node = fields["category"] {
            let column = try string(node, at: "\(place).category")
            guard columns.contains(where: { $0.name == column }) else {
                throw invalid("\(place).category", "'\(column)' is not one of this entity's columns\(line(node))")
            }
            entity.category = column
        }
        if let node = fields["context"] {
            guard let list = node.sequence else {
                throw invalid("\(place).context", "expected a list of value columns\(line(node))")
            }
            for item in list {
                let column = try string(item, at: "\(place).context")
                guard entity.valueColumns.contains(where: { $0.name == column }) else {
                    throw invalid(
                        "\(place).context",
                        "'\(column)' is not one of this entity's value columns (\(entity.valueColumns.map(\.name).joined(separator: ", ")))\(line(item))"
                    )
                }
                entity.context.append(column)
            }
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
        try checkIncremental(of: entity, at: "\(place).source")
        return entity
    }

    /// The `columns` mapping, in spec order; at least one.
    func declaredColumns(_ fields: Node.Mapping, at place: String) throws -> [ColumnSpec] {
        let columnsNode = try mapping(try required(fields, "columns", at: place), at: "\(place).columns")
        var columns: [ColumnSpec] = []
        for (columnNameNode, columnNode) in columnsNode {
            let columnName = try string(columnNameNode, at: "\(place).columns")
            let columnPlace = "\(place).columns.\(columnName)"
            try checkIdentifier(columnName, at: columnPlace)
            columns.append(try column(named: columnName, from: columnNode, at: columnPlace))
        }
        guard !columns.isEmpty else { throw invalid("\(place).columns", "declare at least one column") }
        return columns
    }

    /// `key: id` or `key: [a, b]`: names of `columns`, each once.
    func keyNames(_ node: Node, among columns: [ColumnSpec], at place: String) throws -> [String] {
        let key: [String]
        if let list = node.sequence {
            key = try list.map { try string($0, at: place) }
        } else {
            key = [try string(node, at: place)]
        }
        guard !key.isEmpty else { throw invalid(place, "name at least one key column") }
        for keyColumn in key where !columns.contains(where: { $0.name == keyColumn }) {
            throw invalid(place, "'\(keyColumn)' is not one of this entity's columns")
        }
        guard Set(key).count == key.count else { throw invalid(place, "a key column is named twice") }
        return key
    }

    /// How the entity's rows are written to its target: `table`, `upsert`, `cutover`, `delivery`.
    func readTarget(of entity: inout EntitySpec, from fields: Node.Mapping, at place: String) throws {
        if let node = fields["table"] {
            entity.table = try targetTable(node, at: "\(place).table")
        }
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
        if let node = fields["delivery"] {
            let spelling = try string(node, at: "\(place).delivery")
            entity.delivery =
                switch spelling {
                case "upsert": [.upsert]
                case "cutover": [.cutover]
                case "both": [.upsert, .cutover]
                default:
                    throw invalid(
                        "\(place).delivery",
                        "unknown delivery '\(spelling)'; use upsert (the default), cutover or both\(line(node))")
                }
        }
    }

    func cutoverMinimums(_ node: Node, at place: String) throws -> CutoverMinimums {
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

    func column(named name: String, from node: Node, at place: String) throws -> ColumnSpec {
        // `amount: decimal(12,2)` is shorthand for `amount: {type: decimal(12,2)}`.
        if let shorthand = node.scalar?.string {
            guard let type = ColumnType(spelling: shorthand) else { throw unknownType(shorthand, at: place) }
            return ColumnSpec(name: name, from: name, type: type)
        }
        let fields = try mapping(node, at: place)
        try checkKeys(
            fields,
            known: [
                "type", "from", "references", "trim", "case", "nulls", "thousands", "decimal_separator", "map",
                "values", "checks", "transitions", "format", "zone", "derive", "renamed_from"
            ], at: place)
        let spelling = try string(try required(fields, "type", at: place), at: "\(place).type")
        guard let type = ColumnType(spelling: spelling) else { throw unknownType(spelling, at: "\(place).type") }
        let from = try fields["from"].map { try string($0, at: "\(place).from") } ?? name
        guard !from.isEmpty, !from.contains("\"") else {
            throw invalid("\(place).from", "a source field name must be non-empty and hold no double quote")
        }
        var column = ColumnSpec(name: name, from: from, type: type)
        if let node = fields["references"] {
            (column.references, column.referenceSeverity) = try reference(node, at: "\(place).references")
        }
        column.rules = try columnRules(fields, type: type, at: place)
        if let node = fields["renamed_from"] {
            let old = try string(node, at: "\(place).renamed_from")
            try checkIdentifier(old, at: "\(place).renamed_from")
            column.renamedFrom = old
        }
        return column
    }

    /// `references: ENTITY`, or `references: {entity: ENTITY, severity: quarantine | block}`.
    private func reference(_ node: Node, at place: String) throws -> (String, Severity) {
        if let name = node.scalar?.string { return (name, .block) }
        let fields = try mapping(node, at: place)
        try checkKeys(fields, known: ["entity", "severity"], at: place)
        let entity = try string(try required(fields, "entity", at: place), at: "\(place).entity")
        let severity = try fields["severity"].map { try self.severity($0, at: "\(place).severity") } ?? .block
        guard severity != .warn else {
            throw invalid(
                "\(place).severity",
                "a row that names no parent cannot go to the target; use block (the default) or quarantine\(line(node))"
            )
        }
        return (entity, severity)
    }

    func unknownType(_ spelling: String, at place: String) -> SpecError {
        invalid(place, "unknown type '\(spelling)'; use text, integer, decimal(P,S), boolean, timestamp, date or enum")
    }

    func checkIdentifier(_ name: String, at place: String) throws {
        guard name.wholeMatch(of: Self.identifierPattern) != nil else {
            throw invalid(place, "'\(name)' must be a lower-case identifier (a-z, 0-9, _; not starting with a digit)")
        }
        guard !name.hasPrefix("airlock_") else {
            throw invalid(place, "names starting with 'airlock_' are reserved for Airlock's own tables")
        }
    }

    /// `table: auth.users`: the target table, each part taken as written and quoted in scripts.
    func targetTable(_ node: Node, at place: String) throws -> TableName {
        let spelling = try string(node, at: place)
        guard let table = TableName(spelling: spelling) else {
            throw invalid(
                place,
                "'\(spelling)' is not a table name; write table or schema.table, and quote a part that holds a dot or a double quote: '\"my.schema\".users'\(line(node))"
            )
        }
        for part in [table.schema, table.name].compactMap({ $0 }) where part.utf8.count > 63 {
            throw invalid(place, "'\(part)' is longer than PostgreSQL's 63-byte names\(line(node))")
        }
        guard table.name.utf8.count <= 47 else {
            throw invalid(
                place,
                "table name '\(table.name)' is longer than 47 bytes; cutover tables named '\(table.name)__staging_000001' would not fit PostgreSQL's 63-byte names\(line(node))"
            )
        }
        guard table.name.wholeMatch(of: #/.*__(staging|backup|removed)_[0-9]+/#) == nil else {
            throw invalid(
                place,
                "'\(table.name)' is named like one of Airlock's staging, backup or removed-rows tables\(line(node))")
        }
        return table
    }

    /// Cutovers put `<name>__staging_000042` and `<name>__backup_000042` beside an entity's
    /// table; those names must fit PostgreSQL's 63 bytes and never be another entity's name.
    func checkTableName(_ name: String, at place: String) throws {
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
}
