import Yams

extension SpecReader {
    /// Refuses a key that this level of the spec does not read. Without it a misspelled
    /// `treshold:` or a `check:` meant as `checks:` would be dropped without a word, and the
    /// rule someone wrote would never be applied. The error names the key's line and the
    /// nearest known spelling, or lists the known keys when none is close.
    func checkKeys(_ mapping: Node.Mapping, known: [String], at place: String) throws {
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
