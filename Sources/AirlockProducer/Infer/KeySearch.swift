import AirlockBase
import AirlockSpec

/// Finds the key `airlock infer` proposes: fields whose values are never empty and, together,
/// name one record each. A key that two records share would let the later one silently
/// supersede the earlier, so a non-unique combination is never proposed as found.
struct KeySearch {
    let columns: [SpecInference.Column]
    /// Each column's source values, record by record.
    let values: [[String?]]

    /// Identifiers only: text, integers and dates (an amount or a label is no key).
    private var candidates: [Int] {
        columns.indices.filter { index in
            [.text, .integer, .date].contains(columns[index].type) && !columns[index].inference.lowercase
                && values[index].allSatisfy { !($0?.trimmingWhitespace().isEmpty ?? true) }
        }.sorted { (rank(columns[$0].name), $0) < (rank(columns[$1].name), $1) }
    }

    /// Single columns that are unique and never empty, the likeliest key first.
    func singles() -> [String] {
        candidates.filter { unique([$0]) }.map { columns[$0].name }
    }

    /// The smallest combination of up to three columns that is unique, or nil when none is.
    /// Key-like names are tried alone first: in a small file a quantity may happen to be
    /// unique, where `order_id` and `line_no` together are the key by design.
    func smallest() -> [String]? {
        let all = Array(candidates.prefix(24))
        for pool in [all.filter { rank(columns[$0].name) < 2 }, all] {
            for size in 1...3 {
                // Triples of the likeliest twelve: 220 passes over the file at most, not thousands.
                let pool = size == 3 ? Array(pool.prefix(12)) : pool
                if let found = combinations(of: pool, size: size).first(where: unique) {
                    return found.map { columns[$0].name }
                }
            }
        }
        return nil
    }

    private func unique(_ indices: [Int]) -> Bool {
        var seen: Set<[String]> = []
        let count = values.first?.count ?? 0
        for record in 0..<count {
            let key = indices.map { canonical(values[$0][record], columns[$0].type) }
            if !seen.insert(key).inserted { return false }
        }
        return true
    }

    /// The value as the key column will hold it: `007` and `7` are one integer.
    private func canonical(_ value: String?, _ type: ColumnType) -> String {
        let text = value ?? ""
        if type == .integer, case let .success(number) = ValueParser.parse(text, as: .integer) {
            return "\(number)"
        }
        return type == .text ? text : text.trimmingWhitespace()
    }

    private func combinations(of pool: [Int], size: Int) -> [[Int]] {
        guard size > 0 else { return [[]] }
        guard pool.count >= size else { return [] }
        var result: [[Int]] = []
        for (offset, first) in pool.enumerated() {
            for rest in combinations(of: Array(pool[(offset + 1)...]), size: size - 1) {
                result.append([first] + rest)
            }
        }
        return result
    }

    /// Key-like names first: `id`, then `…_id`, `…_no`, `…_number`, then the rest in file order.
    private func rank(_ name: String) -> Int {
        if name == "id" { return 0 }
        return ["_id", "_no", "_number", "_code", "_key"].contains(where: name.hasSuffix) ? 1 : 2
    }
}
