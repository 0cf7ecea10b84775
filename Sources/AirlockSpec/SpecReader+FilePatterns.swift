extension SpecReader {
    /// Refuses two entities whose `source.files` can match one same file name: ingest hands
    /// such a file to the first of them, and the other never sees it. Reported on the later
    /// entity, with a name both match. Models have no files and children read their parents',
    /// so both are left out.
    func checkExclusivePatterns(_ entities: [EntitySpec]) throws {
        var earlier: [(name: String, text: String, pattern: FilePattern)] = []
        for entity in entities where entity.model == nil && entity.nesting == nil {
            let place = "entities.\(entity.name).source.files"
            let text = entity.source.filePattern
            let pattern: FilePattern
            do {
                pattern = try FilePattern(text)
            } catch {
                throw invalid(place, "'\(text)' \(error.reason)")
            }
            for other in earlier {
                guard let example = FilePatternOverlap.example(other.pattern, pattern) else { continue }
                throw invalid(
                    place,
                    "'\(text)' and entities.\(other.name).source.files '\(other.text)' can both match "
                        + "the same file (for example '\(example)'); make the patterns exclusive")
            }
            earlier.append((entity.name, text, pattern))
        }
    }
}
