import Yams

/// Reading YAML nodes as the values a setting expects, with the place of every problem.
extension SpecReader {
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
