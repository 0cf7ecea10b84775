/// Whether two file patterns can match one same file name, decided exactly, with the shortest
/// such name as the example.
///
/// Ingest hands a file to the first entity whose pattern matches it (`Spec.entity(forFile:)`),
/// so with `order*.csv` before `orders*.csv` every `orders_v2` file would silently feed
/// `orders`. Trying sample names would miss overlaps; instead each pattern is read as a small
/// automaton (`FilePattern`: one byte of a set, or a run of any bytes) and their product is
/// searched for a name both accept. From a pair of positions, one in each pattern, a common
/// name goes on with a `*` matching nothing, or with one byte that both elements accept. Every
/// step advances at least one position, so the pairs form an acyclic graph, and the shortest
/// common rest of each pair is computed once, from the ends backwards.
enum FilePatternOverlap {
    /// A file name both patterns match, the shortest there is; nil when none exists.
    static func example(_ first: FilePattern, _ second: FilePattern) -> String? {
        let a = first.elements, b = second.elements
        // rest[i][j]: the shortest name matched by both a[i...] and b[j...], if any.
        var rest = [[[UInt8]?]](repeating: [[UInt8]?](repeating: nil, count: b.count + 1), count: a.count + 1)
        rest[a.count][b.count] = []
        for i in stride(from: a.count, through: 0, by: -1) {
            for j in stride(from: b.count, through: 0, by: -1) where i < a.count || j < b.count {
                var candidates: [[UInt8]?] = []
                if i < a.count, a[i] == .run { candidates.append(rest[i + 1][j]) }
                if j < b.count, b[j] == .run { candidates.append(rest[i][j + 1]) }
                // One byte taken by both; a run taking it stays where it is. Two runs taking a
                // byte together would come back to this same pair, which gains nothing.
                if i < a.count, j < b.count, a[i] != .run || b[j] != .run,
                    let byte = readable(accepted(by: a[i]).intersection(accepted(by: b[j]))),
                    let tail = rest[a[i] == .run ? i : i + 1][b[j] == .run ? j : j + 1]
                {
                    candidates.append([byte] + tail)
                }
                rest[i][j] = candidates.compactMap { $0 }.min { $0.count < $1.count }
            }
        }
        return rest[0][0].map { String(decoding: $0, as: UTF8.self) }
    }

    private static func accepted(by element: FilePattern.Element) -> Set<UInt8> {
        switch element {
        case let .byte(set): return set
        case .run: return FilePattern.anyByte
        }
    }

    /// Letters and digits first, so the example reads like a file name (`orders.csv`).
    private static let preferred = Array("abcdefghijklmnopqrstuvwxyz0123456789_-.ABCDEFGHIJKLMNOPQRSTUVWXYZ".utf8)

    private static func readable(_ bytes: Set<UInt8>) -> UInt8? {
        preferred.first(where: bytes.contains) ?? bytes.min()
    }
}
