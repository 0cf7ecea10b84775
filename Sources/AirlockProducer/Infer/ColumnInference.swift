import AirlockBase
import AirlockSpec
import Foundation

/// What `airlock infer` proposes for one field from its values in the file: the narrowest type
/// every value parses as, and the cleaning rules that make them parse (digit groups, decimal
/// commas, a date format), or a note saying what it could not decide. Every rule it proposes is
/// one the spec reader accepts, and each is checked against every value through the parsers the
/// pipeline uses, so the proposal ingests the file it came from.
package struct ColumnInference: Equatable, Sendable {
    package var type: ColumnType
    package var thousands: String?
    package var decimalSeparator: String?
    /// A `format:` for a date or timestamp column whose values are not ISO-8601.
    package var format: String?
    package var trim = false
    package var lowercase = false
    /// An enum's accepted labels, in snake case as the normalizer makes them.
    package var values: [String] = []
    /// Spellings of one label that snake case does not unify (`canceled` → `cancelled`).
    package var map: [[String]] = []
    /// What it could not decide, written as a YAML comment beside the column.
    package var notes: [String] = []

    package init(type: ColumnType) { self.type = type }

    /// Field names that usually hold a closed set of labels.
    static let labelNames: Set<String> = ["type", "status", "state", "method", "kind", "category", "channel"]
    /// Field names whose values are people, places or prose: never an enum, whatever they repeat.
    static let proseNames: Set<String> = [
        "name", "city", "town", "country", "region", "province", "suburb", "address", "street", "place",
        "location", "email", "description", "note", "notes", "comment", "comments", "title"
    ]

    package static func infer(field: String, values raw: [String?]) -> ColumnInference {
        let values = raw.compactMap { $0?.trimmingWhitespace() }.filter { !$0.isEmpty }
        guard !values.isEmpty else {
            var text = ColumnInference(type: .text)
            text.notes.append("no value in this file: the type is a guess")
            return text
        }
        let words = Set(ValueParser.snakeCase(field).split(separator: "_").map(String.init))
        // Types depend on the distinct values alone: a large file repeats most of them.
        var seen: Set<String> = []
        let distinct = values.filter { seen.insert($0).inserted }
        if let number = NumberSpelling.infer(distinct) { return number }
        if distinct.allSatisfy({ ValueParser.parse($0, as: .boolean).isSuccess }) { return .init(type: .boolean) }
        if let time = DateSpelling.infer(distinct) { return time }
        if words.contains("email") || words.contains("mail")
            || distinct.allSatisfy({ $0.wholeMatch(of: /[^@\s]+@[^@\s]+\.[^@\s]+/) != nil })
        {
            var email = ColumnInference(type: .text)
            (email.trim, email.lowercase) = (true, true)
            return email
        }
        if let labels = enumeration(values, labelName: !words.isDisjoint(with: labelNames)),
            words.isDisjoint(with: proseNames)
        {
            return labels
        }
        return .init(type: .text)
    }

    /// An enum when the values look like labels: letters only (no digits: `SUP-2` is an ID),
    /// short, few. A field named like a label (`status`) may spell them in words and any case;
    /// any other field must repeat each of a few values already in snake case, since an enum
    /// rewrites its values to snake case: names, places (`Cape Town`) and codes (`ZAR`) would
    /// change.
    static func enumeration(_ values: [String], labelName: Bool) -> ColumnInference? {
        var spellings: [String: Int] = [:]
        for value in values { spellings[value, default: 0] += 1 }
        guard spellings.count <= 40,
            spellings.keys.allSatisfy({ $0.count <= 24 && $0.wholeMatch(of: /[A-Za-z][A-Za-z _-]*/) != nil })
        else { return nil }
        var counts: [String: Int] = [:]
        for (value, count) in spellings { counts[ValueParser.snakeCase(value), default: 0] += count }
        if labelName {
            guard counts.count <= 20 else { return nil }
        } else {
            guard counts.count <= 12, counts.values.allSatisfy({ $0 >= 2 }),
                spellings.keys.allSatisfy({ ValueParser.snakeCase($0) == $0 })
            else { return nil }
        }
        var labels = ColumnInference(type: .enumeration)
        // Spellings that differ only by a doubled letter are one label: the commonest wins.
        let groups = Dictionary(grouping: counts.keys) { $0.replacing(/(.)\1/) { String($0.output.1) } }
        for spellings in groups.values {
            let ranked = spellings.sorted { (counts[$0]!, $0) > (counts[$1]!, $1) }
            labels.map += ranked.dropFirst().map { [$0, ranked[0]] }
            labels.values.append(ranked[0])
        }
        labels.values.sort()
        labels.map.sort { $0[0] < $1[0] }
        labels.notes.append("a label not listed in values is held back: add new ones here")
        return labels
    }
}

extension Result {
    var isSuccess: Bool {
        if case .success = self { return true }
        return false
    }
}
