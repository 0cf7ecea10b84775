import AirlockBase

/// `pull.incremental`: fetch only what changed since what has been bundled. The cursor is the
/// high-water mark of the bundled rows, `from` (an SQL aggregate over the entity's normalized
/// columns) computed over the baseline a bundle leaves, sent as the query parameter `param`,
/// `lookback` earlier. Before any bundle there is no mark, and the pull asks for everything.
package struct IncrementalPull: Equatable, Sendable {
    /// The query parameter that carries the cursor (`updated_since`).
    package var parameter: String
    /// SQL over the entity's columns by name that aggregates its rows into one value
    /// (`max(updated_at)`); the operator's SQL, run over the workspace's baseline only.
    package var from: String
    /// Whole seconds a timestamp cursor is moved back, so that records committed late at the
    /// source (clock skew, long transactions) with a time just before the mark are still fetched.
    package var lookback: Int?

    package init(parameter: String, from: String, lookback: Int? = nil) {
        self.parameter = parameter
        self.from = from
        self.lookback = lookback
    }

    /// The value a pull sends for the high-water mark `mark`: the mark itself, or with
    /// `lookback` the timestamp that much earlier (canonical UTC). Nil when `lookback` is set
    /// and the mark is not a timestamp.
    package func cursor(after mark: String) -> String? {
        guard let lookback else { return mark }
        guard case let .success(moved) = UTCTimestamp.canonical(mark, movedBy: -lookback) else { return nil }
        return moved
    }

    /// The entity's columns that `from` names (outside string literals), in the entity's order;
    /// the spec reader types the cursor by them.
    package func columns(of entity: EntitySpec) -> [ColumnSpec] {
        var names: Set<String> = []
        var rest = Substring(from)
        while let match = rest.firstMatch(of: #/'(?:[^']|'')*'|"((?:[^"]|"")*)"|([A-Za-z_][A-Za-z0-9_$]*)/#) {
            if let quoted = match.output.1 {
                names.insert(quoted.replacingOccurrences(of: "\"\"", with: "\""))
            } else if let bare = match.output.2 {
                // SQLite folds unquoted identifiers to match without case.
                names.insert(bare.lowercased())
            }
            rest = rest[match.range.upperBound...]
        }
        return entity.columns.filter { names.contains($0.name) }
    }
}
