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
        if let node = fields["decimal_separator"] {
            let separator = try string(node, at: "\(place).decimal_separator")
            guard [",", "."].contains(separator), type.isNumeric, separator != rules.thousandsSeparator else {
                throw invalid(
                    "\(place).decimal_separator",
                    "a decimal mark (',' or '.', other than thousands) applies to integer and decimal columns\(line(node))"
                )
            }
            rules.decimalSeparator = separator
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

    func severity(_ node: Node, at place: String) throws -> Severity {
        let spelling = try string(node, at: place)
        guard let severity = Severity(rawValue: spelling) else {
            throw invalid(place, "expected block, quarantine or warn, got '\(spelling)'\(line(node))")
        }
        return severity
    }

    /// A value written in the spec, in the canonical form the column's values take.
    func canonical(_ node: Node, _ type: ColumnType, at place: String) throws -> String {
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
