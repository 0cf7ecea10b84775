import AirlockBase
import AirlockSite
import AirlockSpec
import Foundation
import GRDB

/// Reads a JSON document: an array of objects, or an envelope whose records path the spec
/// names. SQLite's JSON functions walk the document and keep numbers as written, so `12.10`
/// never passes through a binary double. The document is read whole (SQLite needs it as one
/// value); records that are not objects, or that hold a string no target can store
/// (`UnreadableText`), are held back by their number. Keys are stored as `JSONKeys` spells them.
struct JSONIngest {
    let file: String
    let sha256: String
    let entity: EntitySpec

    func read(_ content: ByteSource, into sink: RecordSink, in db: Database) throws {
        let bytes = try content.readAll()
        guard var text = String(validating: bytes, as: UTF8.self) else {
            throw IngestError.invalidJSON(file: file, line: nil, reason: "the text is not valid UTF-8")
        }
        guard try Bool.fetchOne(db, sql: "SELECT json_valid(?)", arguments: [text]) == true else {
            let data = Data(bytes)
            throw IngestError.invalidJSON(
                file: file, line: JSONDiagnosis.line(in: data), reason: JSONDiagnosis.reason(in: data))
        }
        // Keys as the spec's paths spell them (`JSONKeys`), records path and envelope included.
        let canonical = JSONKeys.canonicalizing(bytes)
        if canonical != bytes { text = String(decoding: canonical, as: UTF8.self) }
        var path = try JSONRecordsPath(entity.source.recordsPath)
        let provenance = "$.\(PullDump.provenanceKey)"
        if let pulled = try Row.fetchOne(
            db, sql: "SELECT json_extract(:text, :at), json_extract(:text, :param), json_extract(:text, :since)",
            arguments: [
                "text": text, "at": "\(provenance).pulled_at", "param": "\(provenance).cursor.param",
                "since": "\(provenance).cursor.since"
            ]), let pulledAt = pulled[0] as String?
        {
            // A dump from `airlock pull`: the records path applies within each page.
            path = JSONRecordsPath(levels: [[PullDump.pagesKey]] + path.levels)
            let cursor = (pulled[1] as String?).map { Manifest.Cursor(param: $0, since: pulled[2]) }
            try WorkspaceFile.setPulled(at: pulledAt, cursor: cursor, sha256: sha256, in: db)
        }
        try checkArrays(along: path, in: text, db: db)
        let walk = path.fromClause()
        let first = sink.recordNumber
        // An object holding a string no target can store (`UnreadableText`) counts as unreadable.
        let elements = """
            SELECT number, value, CASE WHEN type = 'object' AND instr(value, '\\') > 0 AND airlock_json_unreadable(value)
                THEN 'unreadable' ELSE type END AS type
            FROM (SELECT row_number() OVER (ORDER BY \(walk.order)) + :first AS number, \(walk.record).value AS value, \(walk.record).type AS type FROM \(walk.from))
            """
        let arguments: StatementArguments = ["file": sha256, "entity": entity.name, "document": text, "first": first]
        let objects = try RawRecords.insertObjects(of: elements, arguments: arguments, in: db)
        let others = try Row.fetchAll(
            db,
            sql: """
                SELECT number, type, CASE WHEN type IN ('array', 'unreadable') THEN value ELSE json_quote(value) END AS text
                FROM (\(elements)) WHERE type <> 'object'
                """, arguments: arguments)
        sink.added(objects, numbered: objects + others.count)
        for element in others {
            let type: String = element["type"]
            let text: String = element["text"]
            if type == "unreadable", let problem = UnreadableText.problem(in: Array(text.utf8)) {
                try sink.fail(
                    RecordFailure(
                        record: element["number"], field: problem.field, reason: problem.reason,
                        text: RecordFailure.excerpt(text.utf8)))
                continue
            }
            try sink.fail(
                RecordFailure(
                    record: element["number"], reason: "expected an object, found \(JSONDiagnosis.typeName(type))",
                    text: RecordFailure.excerpt(text.utf8)))
        }
    }

    /// Each level of the records path must lead to an array; say where it doesn't.
    private func checkArrays(along path: JSONRecordsPath, in text: String, db: Database) throws {
        for (index, keys) in path.levels.enumerated() {
            let input = index == 0 ? ":document" : "level\(index - 1).value"
            let walked =
                index == 0 ? "(SELECT 1)" : JSONRecordsPath(levels: Array(path.levels.prefix(index))).fromClause().from
            let found = "coalesce(json_type(\(input), \(SQLDialect.sqlite.literal(JSONPath.sqlPath(keys)))), 'nothing')"
            if let found = try String.fetchOne(
                db, sql: "SELECT \(found) FROM \(walked) WHERE \(found) <> 'array' LIMIT 1",
                arguments: ["document": text])
            {
                let shown = path.levels.prefix(index + 1).map { $0.joined(separator: ".") }.joined(separator: "[].")
                throw IngestError.invalidJSON(
                    file: file, line: nil,
                    reason:
                        "expected an array of records at '\(shown.isEmpty ? "the top level" : shown)', found \(found)")
            }
        }
    }
}
