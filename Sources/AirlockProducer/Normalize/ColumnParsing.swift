import AirlockBase
import AirlockSpec

/// How a column's cleaned source text becomes its canonical value, in SQL over the records of
/// `NormalizedRecords` (or the SELECT it is made from), and why it does not when it does not:
/// the type's parser, behind the column's timestamp format where it has one. Spreadsheets add
/// two rules. A cell with no value (an error such as `#N/A`, a formula saved without its
/// result) gives no value and says why, whatever the column's type, so its record is held
/// back like any bad value. In a date or timestamp column a number is an Excel serial date,
/// counted in its workbook's date system and read past the format (a timestamp's zone still
/// applies). The normalizer takes the values and the record checks the reasons, so they agree.
struct ColumnParsing {
    let column: ColumnSpec
    let format: SourceSpec.Format

    private let dialect = SQLDialect.sqlite

    /// Whether `value` gives the text itself: text is kept as given, unless it is a
    /// spreadsheet's cell, which may hold no value.
    var valueIsText: Bool { column.type == .text && format != .xlsx }

    /// SQL: the canonical value of `text`, or NULL (before the column's `map`).
    func value(_ text: String) -> String {
        var value = column.type == .text ? text : WorkspaceFunctions.parsed(formatted(text), as: column.type)
        if let serial = serialDate(text) {
            value =
                "CASE WHEN \(serial) IS NOT NULL THEN \(WorkspaceFunctions.parsed(zoned(serial), as: column.type)) ELSE \(value) END"
        }
        guard let problem = cellProblem(text) else { return value }
        return "CASE WHEN \(problem) IS NOT NULL THEN NULL ELSE \(value) END"
    }

    /// SQL: why `text` has no value of the column's type; NULL when it has one, or is empty.
    func error(_ text: String) -> String {
        var error = formatError(text)
        if let serial = serialDate(text) {
            let serialError = WorkspaceFunctions.serialDateError(
                text, date1904: NormalizedRecords.date1904, as: column.type)
            error = """
                CASE WHEN \(serial) IS NOT NULL THEN \(WorkspaceFunctions.parseError(zoned(serial), as: column.type)) \
                ELSE coalesce(\(serialError), \(error)) END
                """
        }
        guard let problem = cellProblem(text) else { return error }
        return "coalesce(\(problem), \(error))"
    }

    /// `text` through the column's timestamp format, if it has one.
    private func formatted(_ text: String) -> String {
        column.rules.timestampFormat.map { $0.sql(text) } ?? text
    }

    private func formatError(_ text: String) -> String {
        guard let format = column.rules.timestampFormat else {
            return WorkspaceFunctions.parseError(text, as: column.type)
        }
        return """
            CASE WHEN trim(\(text)) <> '' AND \(format.sql(text)) IS NULL \
            THEN quote(\(text)) || \(dialect.literal(" does not follow the format \(format.pattern)")) \
            ELSE \(WorkspaceFunctions.parseError(format.sql(text), as: column.type)) END
            """
    }

    /// SQL: the local ISO time a spreadsheet's serial date `text` stands for; nil for other
    /// sources and other types.
    private func serialDate(_ text: String) -> String? {
        guard format == .xlsx, column.type == .date || column.type == .timestamp else { return nil }
        return WorkspaceFunctions.serialDate(text, date1904: NormalizedRecords.date1904, as: column.type)
    }

    /// A serial's local time in the timestamp column's zone (UTC without one).
    private func zoned(_ local: String) -> String {
        guard column.type == .timestamp, let zone = column.rules.timestampFormat?.zone else { return local }
        return TimestampFormat(pattern: "", zone: zone).sql(local)
    }

    /// SQL: why the record's cell for this column holds no value, or NULL; nil for other
    /// sources. A cell whose text the column's `nulls` spell as empty (`#N/A`) misses nothing.
    /// The field is found among the record's problems by its decoded name, as the header
    /// wrote it: a path would have to match the key as SQLite spelled it, escapes and all.
    private func cellProblem(_ text: String) -> String? {
        guard format == .xlsx else { return nil }
        let problems = NormalizedRecords.cellProblems
        let problem = "(SELECT value FROM json_each(\(problems)) WHERE key = \(dialect.literal(column.from)))"
        return "CASE WHEN \(text) IS NOT NULL AND \(problems) <> '{}' THEN \(problem) END"
    }
}
