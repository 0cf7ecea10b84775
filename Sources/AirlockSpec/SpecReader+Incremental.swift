import AirlockBase
import Yams

/// Reads `source.pull.incremental`: `{param: updated_since, from: "max(updated_at)", lookback: 1h}`.
extension SpecReader {
    func incremental(_ node: Node, of pull: PullSpec, at place: String) throws -> IncrementalPull {
        let fields = try mapping(node, at: place)
        try checkKeys(fields, known: ["param", "from", "lookback"], at: place)
        let parameterNode = try required(fields, "param", at: place)
        let parameter = try string(parameterNode, at: "\(place).param")
        guard !parameter.isEmpty, !parameter.contains(where: \.isNewline) else {
            throw invalid(
                "\(place).param", "expected the name of a query parameter such as updated_since\(line(parameterNode))")
        }
        // The API would get the parameter twice, and which one it reads is anyone's guess.
        if pull.parameters.contains(where: { $0.name == parameter }) {
            throw invalid(
                "\(place).param", "'\(parameter)' is also in params; the cursor sets it\(line(parameterNode))")
        }
        if Self.pageParameters(of: pull.pagination.style).contains(parameter) {
            throw invalid(
                "\(place).param", "'\(parameter)' is a parameter of the pagination already\(line(parameterNode))")
        }
        let fromNode = try required(fields, "from", at: place)
        let from = try string(fromNode, at: "\(place).from")
        guard !from.allSatisfy(\.isWhitespace), !from.contains(";") else {
            throw invalid(
                "\(place).from",
                "expected one SQL aggregate over the entity's columns, such as max(updated_at)\(line(fromNode))")
        }
        var incremental = IncrementalPull(parameter: parameter, from: from)
        if let lookbackNode = fields["lookback"] {
            let text = try string(lookbackNode, at: "\(place).lookback")
            // Whole seconds: the cursor is moved on the seconds of a timestamp, never its fraction.
            guard !text.hasSuffix("ms"), let seconds = DurationText.seconds(text) else {
                throw invalid(
                    "\(place).lookback", "'\(text)' is not a duration such as 30s, 5m, 1h or 1d\(line(lookbackNode))")
            }
            incremental.lookback = Int(seconds)
        }
        return incremental
    }

    /// What the columns and the mode of `entity` allow of its incremental pull: `from` must
    /// name its columns, `lookback` only moves timestamps, and the drop must be a delta.
    func checkIncremental(of entity: EntitySpec, at place: String) throws {
        guard let incremental = entity.source.pull?.incremental else { return }
        let place = "\(place).pull.incremental"
        let columns = incremental.columns(of: entity)
        guard !columns.isEmpty else {
            throw invalid(
                "\(place).from",
                "'\(incremental.from)' names none of this entity's columns; the cursor is an aggregate over them, such as max(updated_at)"
            )
        }
        if incremental.lookback != nil, let other = columns.first(where: { $0.type != .timestamp }) {
            throw invalid(
                "\(place).lookback",
                "lookback moves a timestamp cursor back, but '\(incremental.from)' reads \(other.name) (\(other.type)); remove lookback, or aggregate timestamp columns only"
            )
        }
        guard entity.source.mode == .delta else {
            throw invalid(
                place,
                "an incremental pull returns only the records changed since its cursor, so the keys it does not return must keep their rows: set source.mode: delta (a snapshot source would delete them)"
            )
        }
    }

    /// The query parameters a pagination style sets on its own.
    private static func pageParameters(of style: Pagination.Style) -> [String] {
        switch style {
        case .none, .nextLink: return []
        case let .page(parameter, _, sizeParameter): return [parameter] + (sizeParameter.map { [$0] } ?? [])
        case let .offset(parameter, sizeParameter): return [parameter, sizeParameter]
        case let .cursor(parameter, _): return [parameter]
        }
    }
}
