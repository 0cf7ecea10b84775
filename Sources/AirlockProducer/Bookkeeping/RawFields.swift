import AirlockBase
import Foundation
import GRDB

/// The headers of some files that keep their records' fields in columns (`RawRecords`), so
/// SQL over their raw records reads a field or the whole record whichever way a file stored
/// it. Files sharing a header share its columns, so the SQL grows with the headers, not the
/// files: a delta source of 4,000 files has one or two.
///
/// With more than one header, `record` must be a row of `RawRecords.records(inFiles:)`, whose
/// range (`RawRecords.range`) says which header the row's fields follow.
///
///     let fields = try RawFields(inFiles: "'ab12…'", in: db)
///     "SELECT \(fields.text(of: "Amount", orElse: "json_extract(r.record, '$.\"Amount\"')")) FROM …"
struct RawFields {
    /// Each header, decoded, with its text as the ranges keep it (a record's `RawRecords.range` header).
    let headers: [(names: [String], text: String)]

    /// The headers of the files `files` (SQL for `IN (…)`, SHA-256s) selects.
    init(inFiles files: String, in db: Database) throws {
        headers = try String.fetchAll(
            db,
            sql: """
                SELECT DISTINCT header FROM \(RawRecords.ranges) WHERE sha256 IN (\(files)) AND header IS NOT NULL
                ORDER BY header
                """
        ).map { text in (try JSONDecoder().decode([String].self, from: Data(text.utf8)), text) }
    }

    /// Every file of the workspace: for a workspace holding one file (`infer`).
    static func all(in db: Database) throws -> RawFields {
        try RawFields(inFiles: "SELECT sha256 FROM \(RawRecords.ranges)", in: db)
    }

    /// SQL: the text of field `name` of the raw record `record`, NULL where its file's header
    /// lacks it, and `otherwise` for a record that is a JSON object. A header names a field
    /// as the header check compares names (`HeaderCheck`): as Swift strings, so `é` is one
    /// field however its bytes spell it.
    func text(of name: String, in record: String = "r", orElse otherwise: String) -> String {
        byHeader(in: record, orElse: otherwise) { header in
            header.firstIndex(of: name).map { "\(record).\(RawRecords.fieldColumn($0))" } ?? "NULL"
        }
    }

    /// SQL: the raw record `record` as a JSON object's text, whichever way its file stored it.
    /// A header of `RawRecords.maxFields` names makes one `json_object` call of SQLite's most
    /// arguments, 127 (3.40) less one.
    func object(in record: String = "r") -> String {
        byHeader(in: record, orElse: "\(record).record") { header in
            let pairs = header.enumerated().map { index, name in
                "\(SQLDialect.sqlite.literal(name)), \(record).\(RawRecords.fieldColumn(index))"
            }
            return "json_object(\(pairs.joined(separator: ", ")))"
        }
    }

    /// SQL: `expression`'s for the header of `record`'s file, `otherwise` for a JSON object,
    /// which `record IS NULL` tells; one expression alone where every header gives the same.
    private func byHeader(in record: String, orElse otherwise: String, _ expression: ([String]) -> String) -> String {
        let expressions = headers.map { (expression($0.names), $0.text) }
        guard let first = expressions.first else { return otherwise }
        let fields =
            expressions.allSatisfy({ $0.0 == first.0 })
            ? first.0
            : "CASE \(RawRecords.range).header "
                + expressions.map { "WHEN \(SQLDialect.sqlite.literal($1)) THEN \($0)" }.joined(separator: " ")
                + " END"
        return "CASE WHEN \(record).record IS NULL THEN \(fields) ELSE \(otherwise) END"
    }
}
