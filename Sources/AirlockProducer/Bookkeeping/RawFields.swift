import AirlockBase
import Foundation
import GRDB

/// Which of some files keep their records' fields in columns (`RawRecords`), with each one's
/// header, so SQL over their raw records reads a field or the whole record whichever way the
/// file stored it.
///
///     let fields = try RawFields(inFiles: "'ab12…'", in: db)
///     "SELECT \(fields.text(of: "Amount", orElse: "json_extract(r.record, '$.Amount')")) FROM …"
struct RawFields {
    /// Each such file's header, by SHA-256.
    let headers: [String: [String]]

    /// The files `files` (SQL for `IN (…)`, SHA-256s) selects.
    init(inFiles files: String, in db: Database) throws {
        var headers: [String: [String]] = [:]
        for row in try Row.fetchAll(
            db, sql: "SELECT sha256, header FROM \(RawRecords.ranges) WHERE sha256 IN (\(files)) AND header IS NOT NULL"
        ) {
            headers[row[0]] = try JSONDecoder().decode([String].self, from: Data((row[1] as String).utf8))
        }
        self.headers = headers
    }

    /// Every file of the workspace: for a workspace holding one file (`infer`).
    static func all(in db: Database) throws -> RawFields {
        try RawFields(inFiles: "SELECT sha256 FROM \(RawRecords.ranges)", in: db)
    }

    /// SQL: the text of field `name` of the raw record `record` (an alias of `RawRecords.table`),
    /// NULL where its file's header lacks it, and `otherwise` for a record that is a JSON
    /// object. Without a CASE over files where every file holds the field in the same column.
    func text(of name: String, in record: String = "r", orElse otherwise: String) -> String {
        let columns = headers.mapValues { header in
            header.firstIndex(of: name).map { "\(record).\(RawRecords.fieldColumn($0))" } ?? "NULL"
        }
        return byFile(columns, in: record, orElse: otherwise)
    }

    /// SQL: the raw record `record` as a JSON object's text, whichever way its file stored it.
    func object(in record: String = "r") -> String {
        let objects = headers.mapValues { header in
            let pairs = header.enumerated().map { index, name in
                "\(SQLDialect.sqlite.literal(name)), \(record).\(RawRecords.fieldColumn(index))"
            }
            return "json_object(\(pairs.joined(separator: ", ")))"
        }
        return byFile(objects, in: record, orElse: "\(record).record")
    }

    /// SQL: `expressions`' one for the file of `record`, `otherwise` for the other files; the
    /// expression alone where every file has the same and no record is a JSON object, which
    /// `record IS NULL` tells.
    private func byFile(_ expressions: [String: String], in record: String, orElse otherwise: String) -> String {
        let distinct = Set(expressions.values)
        guard !distinct.isEmpty else { return otherwise }
        let fields =
            distinct.count == 1
            ? distinct.first!
            : "CASE \(record).file_sha256 "
                + expressions.sorted { $0.key < $1.key }.map {
                    "WHEN \(SQLDialect.sqlite.literal($0.key)) THEN \($0.value)"
                }
                .joined(separator: " ") + " END"
        return "CASE WHEN \(record).record IS NULL THEN \(fields) ELSE \(otherwise) END"
    }
}
