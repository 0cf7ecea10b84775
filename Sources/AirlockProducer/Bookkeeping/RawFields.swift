import AirlockBase
import AirlockSpec
import GRDB

/// The headers CSV files' and sheets' ranges keep (`RawRecords`), so SQL over their raw records
/// (`r`) reads a field or the whole record whichever way a file stored it: a row of fields, or
/// a JSON object (a sheet's rows, a CSV file too wide for fields). Files sharing a header share
/// its SQL, so the SQL grows with the headers, not the files: a delta source of 4,000 files has
/// one or two.
///
/// A header names a field as the header check compares names (`HeaderCheck`), as Swift
/// strings: `é` is one field however its bytes spell it, in a row of fields or in a JSON
/// object under the header's own spelling.
///
/// With more than one header, `r` must be a row of `RawRecords.records(inFiles:)`, whose range
/// (`RawRecords.range`) says by its `layout` which header the row follows.
///
///     let fields = try RawFields(inFiles: "'ab12…'", format: .csv, in: db)
///     "SELECT \(fields.text(of: "Amount") { "json_extract(r.record, '$.\"\($0)\"')" }) FROM …"
struct RawFields {
    /// Each header, decoded, with its `layout` number (`RawRecords.noteRange`).
    private let headers: [(names: [String], layout: Int)]
    /// Whether a record may be a row of fields: a CSV file's may, a sheet's rows are objects.
    private let fieldsKept: Bool

    private init(headers: [(names: [String], layout: Int)], fieldsKept: Bool) {
        self.headers = headers
        self.fieldsKept = fieldsKept
    }

    /// The headers of the files `files` (SQL for `IN (…)`, SHA-256s) selects, files of `format`.
    init(inFiles files: String, format: SourceSpec.Format, in db: Database) throws {
        fieldsKept = format == .csv
        headers = try Row.fetchAll(
            db,
            sql: """
                SELECT DISTINCT layout, header FROM \(RawRecords.ranges) WHERE sha256 IN (\(files)) AND header IS NOT NULL
                ORDER BY layout
                """
        ).map { row in (try RawRecords.header(row[1]), row[0]) }
    }

    /// Every file of the workspace, of `format`: for a workspace holding one file (`infer`).
    static func all(format: SourceSpec.Format, in db: Database) throws -> RawFields {
        try RawFields(inFiles: "SELECT sha256 FROM \(RawRecords.ranges)", format: format, in: db)
    }

    /// No header: for records that are JSON objects of files without one.
    static let none = RawFields(headers: [], fieldsKept: false)

    /// SQL: the text of field `name` of the raw record `r`, NULL where its file's header lacks
    /// it; `objectField` says how to read a field, by its spelling, of a JSON object.
    func text(of name: String, objectField: (String) -> String) -> String {
        // A JSON object is read under its file's header's spelling (a CSV file too wide for
        // fields, a sheet), or by the spec's where no header was kept.
        let objects =
            byHeader(headers, otherwise: objectField(name)) { names in
                names.firstIndex(of: name).map { objectField(names[$0]) } ?? "NULL"
            } ?? objectField(name)
        guard
            let fields = byHeader(
                headersOfFields, otherwise: nil,
                { names in
                    names.firstIndex(of: name).map { "r.\(RawRecords.fieldColumn($0))" } ?? "NULL"
                })
        else { return objects }
        return "CASE WHEN r.record IS NULL THEN \(fields) ELSE \(objects) END"
    }

    /// SQL: the raw record `r` as a JSON object's text, whichever way its file stored it. A
    /// header of `RawRecords.maxFields` names makes one `json_object` call of SQLite's most
    /// arguments, 127 (3.40), less one.
    func object() -> String {
        guard
            let fields = byHeader(
                headersOfFields, otherwise: nil,
                { names in
                    let pairs = names.enumerated().map { index, name in
                        "\(SQLDialect.sqlite.literal(name)), r.\(RawRecords.fieldColumn(index))"
                    }
                    return "json_object(\(pairs.joined(separator: ", ")))"
                })
        else { return "r.record" }
        return "CASE WHEN r.record IS NULL THEN \(fields) ELSE r.record END"
    }

    /// The headers whose files keep rows of fields.
    private var headersOfFields: [(names: [String], layout: Int)] {
        fieldsKept ? headers.filter { RawRecords.keepsFields($0.names) } : []
    }

    /// SQL: `expression`'s for the header of `r`'s file among `headers`, `otherwise` (SQL) for
    /// any other file; the expression alone where every header gives the same and that is
    /// `otherwise` too, or there is none. Nil without headers.
    private func byHeader(
        _ headers: [(names: [String], layout: Int)], otherwise: String?, _ expression: ([String]) -> String
    ) -> String? {
        let expressions = headers.map { (expression($0.names), $0.layout) }
        guard let first = expressions.first?.0 else { return nil }
        // SQL is the same when its bytes are: two spellings of `é` are one Swift string, but
        // SQLite looks a JSON key up by its bytes.
        func same(_ sql: String) -> Bool { sql.utf8.elementsEqual(first.utf8) }
        if expressions.allSatisfy({ same($0.0) }) && otherwise.map(same) ?? true { return first }
        let cases = expressions.map { "WHEN \($1) THEN \($0)" }.joined(separator: " ")
        return "CASE \(RawRecords.range).layout \(cases)\(otherwise.map { " ELSE \($0)" } ?? "") END"
    }
}
