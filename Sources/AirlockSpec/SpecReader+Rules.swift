import AirlockBase
import Yams

/// The normalization and validation parts of the spec: column cleaning and checks, overrides,
/// dedupe and thresholds.
extension SpecReader {
    func columnRules(_ fields: Node.Mapping, type: ColumnType, at place: String) throws -> ColumnRules {
        var rules = ColumnRules()
        if let node = fields["trim"] { rules.trim = try boolean(node, at: "\(place).trim") }
        if let node = fields["case"] {
            let spelling = try string(node, at: "\(place).case")
            guard let fold = ColumnRules.CaseFold(rawValue: spelling) else {
                throw invalid("\(place).case", "expected lower or upper, got '\(spelling)'\(line(node))")
            }
            rules.caseFold = fold
        }
        if let node = fields["nulls"] {
            guard let list = node.sequence else {
                throw invalid("\(place).nulls", "expected a list of spellings such as [\"\", \"N/A\"]\(line(node))")
            }
            rules.nullSpellings = try list.map { try string($0, at: "\(place).nulls") }
        }
        if let node = fields["thousands"] {
            let separator = try string(node, at: "\(place).thousands")
            guard [",", ".", " ", "'", "_"].contains(separator), type.isNumeric else {
                throw invalid(
                    "\(place).thousands",
                    "a digit group separator (',', '.', ' ', \"'\" or '_') applies to integer and decimal columns\(line(node))"
                )
            }
            rules.thousandsSeparator = separator
        }
        if let node = fields["map"] {
            guard type == .enumeration else {
                throw invalid("\(place).map", "a value map applies to enum columns\(line(node))")
            }
            for (fromNode, toNode) in try mapping(node, at: "\(place).map") {
                let from = try enumValue(fromNode, at: "\(place).map")
                rules.valueMap.append((from, try enumValue(toNode, at: "\(place).map.\(from)")))
            }
            // A mapped value mapped again would change on every run: normalizing must be idempotent.
            if let chained = rules.valueMap.first(where: { pair in
                rules.valueMap.contains { $0.from == pair.to && $0.from != $0.to }
            }) {
                throw invalid(
                    "\(place).map",
                    "'\(chained.from)' maps to '\(chained.to)', which is mapped again; map each value straight to its final value\(line(node))"
                )
            }
        }
        if let node = fields["values"] {
            guard let list = node.sequence else {
                throw invalid("\(place).values", "expected the list of accepted values\(line(node))")
            }
            rules.checks.append(
                ColumnCheck(
                    kind: .accepted(try list.map { try canonical($0, type, at: "\(place).values") }),
                    severity: .quarantine))
        }
        if let node = fields["checks"] {
            guard let list = node.sequence else {
                throw invalid(
                    "\(place).checks", "expected a list such as [not_null, unique, {pattern: '^P-'}]\(line(node))")
            }
            rules.checks += try list.enumerated().map { try check($1, type: type, at: "\(place).checks[\($0)]") }
        }
        if let node = fields["transitions"] {
            rules.transitions = try transitions(node, type: type, at: "\(place).transitions")
        }
        let format = try fields["format"].map { try string($0, at: "\(place).format") }
        let zone = try fields["zone"].map { try string($0, at: "\(place).zone") }
        if format != nil || zone != nil {
            guard type == .timestamp || (type == .date && zone == nil) else {
                throw invalid(place, "format applies to timestamp and date columns, zone to timestamp columns")
            }
            if let problem = TimestampFormat.problem(pattern: format, zone: zone) {
                throw invalid("\(place).\(format == nil ? "zone" : "format")", problem)
            }
            rules.timestampFormat = TimestampFormat(pattern: format ?? "", zone: zone, dateOnly: type == .date)
        }
        if let node = fields["derive"] {
            guard fields["from"] == nil, rules.checks.isEmpty, rules.transitions == nil else {
                throw invalid(
                    "\(place).derive", "a derived column has no source field and no checks of its own\(line(node))")
            }
            rules.derivation = try string(node, at: "\(place).derive")
        }
        return rules
    }

    private func check(_ node: Node, type: ColumnType, at place: String) throws -> ColumnCheck {
        if let name = node.scalar?.string {
            switch name {
            case "not_null": return ColumnCheck(kind: .notNull, severity: .quarantine)
            case "unique": return ColumnCheck(kind: .unique, severity: .quarantine)
            default:
                throw invalid(
                    place,
                    "unknown check '\(name)'; use not_null, unique, accepted, pattern, range or length\(line(node))")
            }
        }
        let fields = try mapping(node, at: place)
        let kinds = ["not_null", "unique", "accepted", "pattern", "range", "length"]
        try checkKeys(fields, known: kinds + ["severity"], at: place)
        // Two checks in one item would leave one of them unapplied.
        let named = kinds.filter { fields[$0] != nil }
        guard named.count <= 1 else {
            throw invalid(
                place,
                "one item names \(named.joined(separator: " and ")); "
                    + "write each check as an item of its own\(line(node))")
        }
        var kind: ColumnCheck.Kind?
        if fields["not_null"] != nil { kind = .notNull }
        if fields["unique"] != nil { kind = .unique }
        if let valueNode = fields["accepted"] {
            guard let list = valueNode.sequence else {
                throw invalid("\(place).accepted", "expected a list of values\(line(valueNode))")
            }
            kind = .accepted(try list.map { try canonical($0, type, at: "\(place).accepted") })
        }
        if let valueNode = fields["pattern"] {
            let pattern = try string(valueNode, at: "\(place).pattern")
            guard (try? Regex(pattern)) != nil else {
                throw invalid("\(place).pattern", "'\(pattern)' is not a regular expression\(line(valueNode))")
            }
            kind = .pattern(pattern)
        }
        if let valueNode = fields["range"] {
            guard type.isNumeric else {
                throw invalid("\(place).range", "a range applies to integer and decimal columns\(line(valueNode))")
            }
            let bounds = try mapping(valueNode, at: "\(place).range")
            try checkKeys(bounds, known: ["min", "max"], at: "\(place).range")
            kind = .range(
                min: try bounds["min"].map { try canonical($0, type, at: "\(place).range.min") },
                max: try bounds["max"].map { try canonical($0, type, at: "\(place).range.max") })
        }
        if let valueNode = fields["length"] {
            let bounds = try mapping(valueNode, at: "\(place).length")
            try checkKeys(bounds, known: ["min", "max"], at: "\(place).length")
            func count(_ name: String) throws -> Int? {
                try bounds[name].map { node in
                    guard let number = Int(try string(node, at: "\(place).length.\(name)")), number >= 0 else {
                        throw invalid("\(place).length.\(name)", "expected a whole number of characters\(line(node))")
                    }
                    return number
                }
            }
            kind = .length(min: try count("min"), max: try count("max"))
        }
        guard let kind else {
            throw invalid(place, "name the check: not_null, unique, accepted, pattern, range or length")
        }
        let severity = try fields["severity"].map { try self.severity($0, at: "\(place).severity") }
        return ColumnCheck(kind: kind, severity: severity ?? .quarantine)
    }

    private func transitions(_ node: Node, type: ColumnType, at place: String) throws -> StateTransitions {
        let fields = try mapping(node, at: place)
        try checkKeys(fields, known: ["terminal", "allowed", "severity"], at: place)
        func states(_ node: Node, at place: String) throws -> [String] {
            guard let list = node.sequence else { throw invalid(place, "expected a list of states\(line(node))") }
            return try list.map { try canonical($0, type, at: place) }
        }
        var result = StateTransitions(
            terminal: try fields["terminal"].map { try states($0, at: "\(place).terminal") } ?? [],
            allowed: [:], severity: .quarantine)
        if let allowed = fields["allowed"] {
            for (fromNode, toNode) in try mapping(allowed, at: "\(place).allowed") {
                let from = try canonical(fromNode, type, at: "\(place).allowed")
                result.allowed[from] = try states(toNode, at: "\(place).allowed.\(from)")
            }
        }
        if let node = fields["severity"] { result.severity = try severity(node, at: "\(place).severity") }
        return result
    }

    func readRules(of entity: inout EntitySpec, from fields: Node.Mapping, at place: String) throws {
        if let node = fields["overrides"] {
            guard let list = node.sequence else {
                throw invalid("\(place).overrides", "expected a list of {when, set} rules\(line(node))")
            }
            entity.overrides = try list.enumerated().map {
                try override($1, of: entity, at: "\(place).overrides[\($0)]")
            }
            // Each overridden column gets an audit column beside it with what the source said.
            for column in Set(entity.overrides.flatMap { $0.set.map(\.column) }) {
                let index = entity.index(ofColumn: column)
                let audit = "\(column)_source"
                guard !entity.columns.contains(where: { $0.name == audit }) else {
                    throw invalid(
                        "\(place).columns.\(audit)",
                        "'\(audit)' is where the override of \(column) keeps the source's value; rename this column")
                }
                var original = entity.columns[index]
                original.name = audit
                original.references = nil
                original.rules.checks = []
                original.rules.transitions = nil
                entity.columns.insert(original, at: index + 1)
            }
        }
        if let node = fields["dedupe"] {
            if node.scalar?.string == "last" {
                entity.dedupe = .last
            } else {
                let dedupe = try mapping(node, at: "\(place).dedupe")
                try checkKeys(dedupe, known: ["latest"], at: "\(place).dedupe")
                guard let latest = dedupe["latest"] else {
                    throw invalid("\(place).dedupe", "expected last (the default) or {latest: COLUMN}\(line(node))")
                }
                let column = try string(latest, at: "\(place).dedupe.latest")
                guard entity.columns.contains(where: { $0.name == column }) else {
                    throw invalid(
                        "\(place).dedupe.latest", "'\(column)' is not one of this entity's columns\(line(latest))")
                }
                entity.dedupe = .latest(column: column)
            }
        }
        if let node = fields["checks"] {
            guard let list = node.sequence else {
                throw invalid(
                    "\(place).checks", "expected a list such as [{unique: [first_name, last_name]}]\(line(node))")
            }
            entity.uniqueTogether = try list.enumerated().map {
                try uniqueTogether($1, of: entity, at: "\(place).checks[\($0)]")
            }
        }
        if let node = fields["consistency"] {
            guard let list = node.sequence else {
                throw invalid("\(place).consistency", "expected a list of {column, equals, on} rules\(line(node))")
            }
            entity.consistency = try list.enumerated().map {
                try consistency($1, of: entity, at: "\(place).consistency[\($0)]")
            }
        }
        if let node = fields["thresholds"] {
            entity.thresholds = try thresholds(node, at: "\(place).thresholds")
        }
    }

    private func thresholds(_ node: Node, at place: String) throws -> Thresholds {
        let fields = try mapping(node, at: place)
        try checkKeys(fields, known: ["min_rows", "max_delete_share", "max_change_share"], at: place)
        var thresholds = Thresholds()
        if let valueNode = fields["min_rows"] {
            let value = try string(valueNode, at: "\(place).min_rows")
            guard let rows = Int(value), rows >= 0 else {
                throw invalid("\(place).min_rows", "expected a whole number of rows, got '\(value)'\(line(valueNode))")
            }
            thresholds.minRows = rows
        }
        func share(_ key: String) throws -> Double? {
            try fields[key].map { valueNode in
                let value = try string(valueNode, at: "\(place).\(key)")
                guard let share = Double(value), (0...1).contains(share) else {
                    throw invalid(
                        "\(place).\(key)", "expected a share from 0 to 1 such as 0.2, got '\(value)'\(line(valueNode))")
                }
                return share
            }
        }
        thresholds.maxDeleteShare = try share("max_delete_share")
        thresholds.maxChangeShare = try share("max_change_share")
        return thresholds
    }

    private func uniqueTogether(_ node: Node, of entity: EntitySpec, at place: String) throws -> UniqueTogether {
        let fields = try mapping(node, at: place)
        try checkKeys(fields, known: ["unique", "severity"], at: place)
        guard let columnsNode = fields["unique"], let list = columnsNode.sequence, list.count >= 2 else {
            throw invalid(
                place,
                "an entity check is {unique: [COLUMN, COLUMN, …]}; checks on one column go with the column\(line(node))"
            )
        }
        let columns = try list.map { try string($0, at: "\(place).unique") }
        for column in columns where !entity.columns.contains(where: { $0.name == column }) {
            throw invalid("\(place).unique", "'\(column)' is not one of this entity's columns")
        }
        return UniqueTogether(
            columns: columns,
            severity: try fields["severity"].map { try severity($0, at: "\(place).severity") } ?? .quarantine)
    }

    /// Checked against the other entity once the whole spec is read (`checkConsistency`).
    private func consistency(_ node: Node, of entity: EntitySpec, at place: String) throws -> Consistency {
        let fields = try mapping(node, at: place)
        try checkKeys(fields, known: ["column", "equals", "on", "on_violation"], at: place)
        let column = try string(try required(fields, "column", at: place), at: "\(place).column")
        guard entity.columns.contains(where: { $0.name == column }) else {
            throw invalid("\(place).column", "'\(column)' is not one of this entity's columns")
        }
        let target = try string(try required(fields, "equals", at: place), at: "\(place).equals").split(separator: ".")
            .map(String.init)
        guard target.count == 2 else {
            throw invalid("\(place).equals", "expected ENTITY.COLUMN, the authoritative column")
        }
        var match: [(String, String)] = []
        for (ours, theirs) in try mapping(try required(fields, "on", at: place), at: "\(place).on") {
            match.append((try string(ours, at: "\(place).on"), try string(theirs, at: "\(place).on")))
        }
        let action = try fields["on_violation"].map { try string($0, at: "\(place).on_violation") } ?? "block"
        guard ["block", "repair"].contains(action) else {
            throw invalid("\(place).on_violation", "expected block (the default) or repair, got '\(action)'")
        }
        return Consistency(
            column: column, authority: target[0], authorityColumn: target[1], match: match, repairs: action == "repair")
    }

    /// Every consistency rule names columns of the same types on both sides.
    func checkConsistency(_ entities: [EntitySpec]) throws {
        for entity in entities {
            for (index, rule) in entity.consistency.enumerated() {
                let place = "entities.\(entity.name).consistency[\(index)]"
                guard let authority = entities.first(where: { $0.name == rule.authority }),
                    authority.name != entity.name
                else {
                    throw invalid("\(place).equals", "no other entity is named '\(rule.authority)'")
                }
                for (ours, theirs) in [(rule.column, rule.authorityColumn)] + rule.match {
                    guard let mine = entity.columns.first(where: { $0.name == ours }),
                        let other = authority.columns.first(where: { $0.name == theirs })
                    else {
                        throw invalid(
                            place, "'\(entity.name).\(ours)' or '\(authority.name).\(theirs)' is not a column")
                    }
                    guard mine.type == other.type else {
                        throw invalid(
                            place,
                            "'\(entity.name).\(ours)' is \(mine.type) but '\(authority.name).\(theirs)' is \(other.type)"
                        )
                    }
                }
            }
        }
    }

    private func override(_ node: Node, of entity: EntitySpec, at place: String) throws -> Override {
        let fields = try mapping(node, at: place)
        try checkKeys(fields, known: ["when", "set", "note"], at: place)
        let condition = try string(try required(fields, "when", at: place), at: "\(place).when")
        var assignments: [(column: String, value: ValueParser.Value)] = []
        for (columnNode, valueNode) in try mapping(try required(fields, "set", at: place), at: "\(place).set") {
            let name = try string(columnNode, at: "\(place).set")
            guard let column = entity.columns.first(where: { $0.name == name }), !entity.key.contains(name) else {
                throw invalid(
                    "\(place).set.\(name)", "'\(name)' is not one of this entity's value columns\(line(columnNode))")
            }
            let text = try string(valueNode, at: "\(place).set.\(name)")
            switch ValueParser.parse(text, as: column.type) {
            case let .success(value): assignments.append((name, value))
            case let .failure(error): throw invalid("\(place).set.\(name)", "\(error)\(line(valueNode))")
            }
        }
        return Override(
            when: condition, set: assignments, note: try fields["note"].map { try string($0, at: "\(place).note") })
    }

    private func severity(_ node: Node, at place: String) throws -> Severity {
        let spelling = try string(node, at: place)
        guard let severity = Severity(rawValue: spelling) else {
            throw invalid(place, "expected block, quarantine or warn, got '\(spelling)'\(line(node))")
        }
        return severity
    }

    /// A value written in the spec, in the canonical form the column's values take.
    private func canonical(_ node: Node, _ type: ColumnType, at place: String) throws -> String {
        let text = try string(node, at: place)
        switch ValueParser.parse(text, as: type) {
        case let .success(.text(value)): return value
        case let .success(.integer(value)): return String(value)
        case let .failure(error): throw invalid(place, "\(error)\(line(node))")
        }
    }

    private func enumValue(_ node: Node, at place: String) throws -> String {
        try canonical(node, .enumeration, at: place)
    }
}

extension ColumnType {
    var isNumeric: Bool {
        switch self {
        case .integer, .decimal: return true
        default: return false
        }
    }
}
