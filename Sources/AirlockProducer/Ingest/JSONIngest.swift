import AirlockBase
import AirlockSite
import AirlockSpec
import Foundation
import GRDB

/// Reads a JSON document: an array of objects, or an envelope whose records path the spec
/// names. The document streams by (`JSONRecordWalk`): memory holds one chunk and one record
/// whatever the size of the file. Each record is stored as its bytes were written, so `12.10`
/// never passes through a binary double, with keys as `JSONKeys` spells them. Elements that
/// are not objects, hold a string no target can store (`UnreadableText`), or reach
/// `JSONRecordWalk.recordLimit` are held back by their number.
///
/// A document that breaks (cut short, or a byte that is not JSON) keeps the records before the
/// break and holds back the rest with one failure naming the line where reading stopped, as an
/// unclosed quote does in CSV: past a syntax error no record can be told reliably. A break
/// before any record was kept rejects the file as invalid JSON with its line, as before.
struct JSONIngest {
    let file: String
    let sha256: String
    let entity: EntitySpec

    func read(_ content: ByteSource, into sink: RecordSink, in db: Database) throws {
        var cursor = JSONCursor(source: content)
        var path = try JSONRecordsPath(entity.source.recordsPath)
        // A dump from `airlock pull`, known by how it opens (its provenance comes last): the
        // records path applies within each page.
        let isDump = try cursor.starts(with: PullDump.opening)
        if isDump { path = JSONRecordsPath(levels: [[PullDump.pagesKey]] + path.levels) }
        var walk = JSONRecordWalk(cursor, levels: path.levels, keeping: isDump ? PullDump.provenanceKey : nil)
        let recordsBefore = sink.records
        do {
            try walk.walk { try take($0, into: sink) }
        } catch let broken as JSONBreak {
            guard sink.records > recordsBefore else {
                throw IngestError.invalidJSON(file: file, line: broken.line, reason: broken.reason)
            }
            try sink.fail(
                RecordFailure(
                    line: broken.line,
                    reason: "invalid JSON: \(broken.reason); the rest of the file from this line is held back",
                    text: RecordFailure.excerpt(broken.excerpt)))
            return
        } catch let mismatch as JSONRecordWalk.NotAnArray {
            throw IngestError.invalidJSON(
                file: file, line: nil,
                reason: "expected an array of records at '\(mismatch.path)', found \(mismatch.found)")
        }
        if isDump { try keepProvenance(walk.kept, in: db) }
    }

    /// Stores an object element; holds back any other with its number and why.
    private func take(_ element: JSONRecordWalk.Element, into sink: RecordSink) throws {
        func holdBack(_ reason: String, field: String? = nil) throws {
            try sink.fail(RecordFailure(field: field, reason: reason, text: RecordFailure.excerpt(element.bytes)))
        }
        if element.oversized {
            return try holdBack("a record of \(JSONRecordWalk.recordLimit >> 20) MB or more, the limit for one record")
        }
        guard element.type == "object" else {
            return try holdBack("expected an object, found \(JSONDiagnosis.typeName(element.type))")
        }
        guard String(validating: element.bytes, as: UTF8.self) != nil else {
            return try holdBack("the text is not valid UTF-8")
        }
        if let problem = UnreadableText.problem(in: element.bytes) {
            return try holdBack(problem.reason, field: problem.field)
        }
        // SQLite checks the object again as it stores it: what it refuses never reaches a record.
        guard try sink.addIfObject(json: JSONKeys.canonicalizing(element.bytes), line: nil) else {
            return try holdBack("invalid JSON: \(JSONDiagnosis.reason(in: Data(element.bytes)))")
        }
    }

    /// Keeps a dump's provenance with the file: when it was pulled and an incremental pull's cursor.
    private func keepProvenance(_ provenance: [UInt8]?, in db: Database) throws {
        guard let provenance,
            let pulled = try Row.fetchOne(
                db,
                sql:
                    "SELECT json_extract(?1, '$.pulled_at'), json_extract(?1, '$.cursor.param'), json_extract(?1, '$.cursor.since')",
                arguments: [String(decoding: provenance, as: UTF8.self)]),
            let pulledAt = pulled[0] as String?
        else {
            throw IngestError.invalidJSON(
                file: file, line: nil,
                reason: "it opens as an `airlock pull` dump but has no \(PullDump.provenanceKey).pulled_at")
        }
        let cursor = (pulled[1] as String?).map { Manifest.Cursor(param: $0, since: pulled[2]) }
        try WorkspaceFile.setPulled(at: pulledAt, cursor: cursor, sha256: sha256, in: db)
    }
}
