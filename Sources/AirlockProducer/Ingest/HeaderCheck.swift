import AirlockSpec

/// The header rules CSV files and sheets share: every column has a name, no name appears
/// twice, and every source field a spec column reads is there. A header that breaks one
/// rejects the file, since no record under it could be read as the spec means.
struct HeaderCheck {
    /// The file as errors name it (`orders.xlsx!Sheet1` for a sheet).
    let file: String
    /// Where the header is: `line 1`, `row 1`.
    let place: String
    let entity: EntitySpec
    /// How errors name the column at an index: `3` in a CSV file, `C` in a sheet.
    let columnLabel: (Int) -> String

    func check(_ header: [String]) throws {
        var seen = Set<String>()
        for (index, name) in header.enumerated() {
            if name.isEmpty {
                throw IngestError.header(
                    file: file, place: place, reason: "column \(columnLabel(index)) has an empty name")
            }
            if !seen.insert(name).inserted {
                throw IngestError.header(file: file, place: place, reason: "column name '\(name)' appears twice")
            }
        }
        for column in entity.columns where column.rules.derivation == nil && !seen.contains(column.from) {
            throw IngestError.missingColumn(
                file: file, place: place, column: column.from,
                specPlace: "entities.\(entity.name).columns.\(column.name)", header: header)
        }
    }
}
