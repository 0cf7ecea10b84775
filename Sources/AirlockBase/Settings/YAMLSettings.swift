import Yams

/// Reading a YAML settings file (the spec, a site's config) strictly: each value as the kind a
/// setting expects, and every problem with its place (`entities.products.key`) and line. A
/// reader says how a problem becomes its own error; the rest is shared.
package protocol YAMLSettings {
    associatedtype Failure: Error
    /// The error for a setting at `place` that is wrong for `reason`.
    func invalid(_ place: String, _ reason: String) -> Failure
}

extension YAMLSettings {
    package func boolean(_ node: Node, at place: String) throws -> Bool {
        guard let value = node.scalar.flatMap(Bool.construct) else {
            throw invalid(place, "expected true or false\(line(node))")
        }
        return value
    }

    package func required(_ mapping: Node.Mapping, _ key: String, at place: String) throws -> Node {
        guard let node = mapping[key] else { throw invalid(place, "missing '\(key)'") }
        return node
    }

    package func mapping(_ node: Node, at place: String) throws -> Node.Mapping {
        guard let mapping = node.mapping else {
            throw invalid(place, "expected a mapping (key: value lines)\(line(node))")
        }
        return mapping
    }

    package func string(_ node: Node, at place: String) throws -> String {
        guard let scalar = node.scalar else { throw invalid(place, "expected a single value\(line(node))") }
        return scalar.string
    }

    /// `approvals: {required: N, roles: [R, …]}`, as the spec and a site's config both write it.
    package func approvalPolicy(_ node: Node, at place: String) throws -> ApprovalPolicy {
        let fields = try mapping(node, at: place)
        try checkKeys(fields, known: ["required", "roles"], at: place)
        var policy = ApprovalPolicy()
        if let required = fields["required"] {
            guard let count = Int(try string(required, at: "\(place).required")), count >= 0 else {
                throw invalid("\(place).required", "expected a whole number of approvals\(line(required))")
            }
            policy.required = count
        }
        if let roles = fields["roles"] {
            guard let sequence = roles.sequence else {
                throw invalid("\(place).roles", "expected a list of principals\(line(roles))")
            }
            policy.roles = try sequence.map { try string($0, at: "\(place).roles") }
        }
        return policy
    }

    package func line(_ node: Node) -> String {
        node.mark.map { " (line \($0.line))" } ?? ""
    }

    /// Refuses a key that this level does not read. Without it a misspelled `treshold:` or a
    /// `check:` meant as `checks:` would be dropped without a word, and the rule someone wrote
    /// would never be applied. The error names the key's line and the nearest known spelling,
    /// or lists the known keys when none is close.
    package func checkKeys(_ mapping: Node.Mapping, known: [String], at place: String) throws {
        for (keyNode, _) in mapping {
            let key = try string(keyNode, at: place)
            guard !known.contains(key) else { continue }
            let hint =
                NearestSpelling.of(key, among: known).map { "did you mean '\($0)'?" }
                ?? "known: \(known.sorted().joined(separator: ", "))"
            throw invalid(place, "unknown setting '\(key)'\(line(keyNode)); \(hint)")
        }
    }
}
