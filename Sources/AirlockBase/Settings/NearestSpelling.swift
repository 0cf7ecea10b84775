/// The known spelling a mistyped word most likely meant, so an error can say "did you mean
/// 'thresholds'?" instead of leaving the reader to compare the word with a list.
package enum NearestSpelling {
    /// The candidate closest to `word` by edit distance (case aside; the first of equally close
    /// ones), or nil when even that one is too far to be a typo: more than 3 edits, or more than
    /// a third of the longer word's length, so `treshold` finds `thresholds` but `table` finds
    /// nothing among the entity settings.
    package static func of(_ word: String, among candidates: [String]) -> String? {
        let scored = candidates.map { (candidate: $0, distance: distance(word, $0)) }
        guard let nearest = scored.min(by: { $0.distance < $1.distance }) else { return nil }
        let length = max(word.count, nearest.candidate.count)
        guard nearest.distance <= 3, nearest.distance * 3 <= length else { return nil }
        return nearest.candidate
    }

    /// The Levenshtein distance of the lower-cased words: how many characters must be inserted,
    /// deleted or replaced to turn one into the other.
    package static func distance(_ first: String, _ second: String) -> Int {
        let source = Array(first.lowercased())
        let target = Array(second.lowercased())
        // One row of the classic table at a time: previous[j] is the distance of the first i-1
        // characters of source to the first j characters of target.
        var previous = Array(0...target.count)
        for (i, character) in source.enumerated() {
            var current = [i + 1]
            for (j, other) in target.enumerated() {
                current.append(min(previous[j + 1] + 1, current[j] + 1, previous[j] + (character == other ? 0 : 1)))
            }
            previous = current
        }
        return previous[target.count]
    }
}
