import AirlockBase

/// The order scripts write entities in: every entity after the entities its foreign keys refer
/// to. Inserts and updates run in this order and deletes in reverse, so the constraints hold
/// after every statement, even on a target that checks them immediately.
enum ForeignKeyOrder {
    enum Outcome: Equatable {
        case ordered([EntitySpec])
        /// Entity names around a cycle, the first repeated at the end: `a → b → a`.
        case cycle([String])
    }

    /// Parents first; otherwise spec order is kept, so a spec without foreign keys keeps its order.
    static func parentsFirst(_ entities: [EntitySpec]) -> Outcome {
        var placed: [EntitySpec] = []
        var remaining = entities
        while !remaining.isEmpty {
            let placedNames = Set(placed.map(\.name))
            guard let next = remaining.firstIndex(where: { $0.parents.allSatisfy(placedNames.contains) }) else {
                return .cycle(cycle(among: remaining))
            }
            placed.append(remaining.remove(at: next))
        }
        return .ordered(placed)
    }

    /// Walks from a blocked entity to one of its blocked parents until a name repeats.
    private static func cycle(among blocked: [EntitySpec]) -> [String] {
        let byName = Dictionary(uniqueKeysWithValues: blocked.map { ($0.name, $0) })
        var path = [blocked[0].name]
        while true {
            let parent = byName[path.last!]!.parents.first { byName[$0] != nil }!
            if let start = path.firstIndex(of: parent) { return Array(path[start...]) + [parent] }
            path.append(parent)
        }
    }
}
