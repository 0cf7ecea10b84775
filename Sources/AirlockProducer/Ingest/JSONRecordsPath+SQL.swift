import AirlockBase
import AirlockSpec

extension JSONRecordsPath {
    /// `FROM` items walking the document bound as `:document`; the last alias's `value` is the record.
    func fromClause() -> (from: String, record: String, order: String) {
        var items: [String] = []
        for (index, keys) in levels.enumerated() {
            let input = index == 0 ? ":document" : "level\(index - 1).value"
            items.append("json_each(\(input), \(SQLDialect.sqlite.literal(JSONPath.sqlPath(keys)))) AS level\(index)")
        }
        let order = levels.indices.map { "level\($0).id" }.joined(separator: ", ")
        return (items.joined(separator: ", "), "level\(levels.count - 1)", order)
    }
}
