import AirlockBase
import Yams

/// The entity-level rules: overrides, dedupe, entity checks, consistency, thresholds.
extension SpecReader {
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

    func thresholds(_ node: Node, at place: String) throws -> Thresholds {
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

    func uniqueTogether(_ node: Node, of entity: EntitySpec, at place: String) throws -> UniqueTogether {
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
    func consistency(_ node: Node, of entity: EntitySpec, at place: String) throws -> Consistency {
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

    func override(_ node: Node, of entity: EntitySpec, at place: String) throws -> Override {
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
}
