import AirlockBase
import Foundation
import GRDB

/// Reads newline-delimited JSON: one object per line. A line that is not a JSON object, or
/// holds a string no target can store (`UnreadableText`), is held back by its number and the
/// other lines proceed; keys are stored as `JSONKeys` spells them.
struct NDJSONIngest {
    let file: String

    func read(_ text: ByteSource, into sink: RecordSink, in db: Database) throws {
        try text.forEachLine { bytes, number in
            var line = bytes
            if line.last == UInt8(ascii: "\r") { line.removeLast() }
            guard line.contains(where: { $0 != 0x20 && $0 != 0x09 }) else { return true }
            guard let object = String(validating: line, as: UTF8.self) else {
                try sink.fail(
                    RecordFailure(
                        line: number, reason: "the text is not valid UTF-8", text: RecordFailure.excerpt(line)))
                return true
            }
            if let problem = UnreadableText.problem(in: line) {
                try sink.fail(
                    RecordFailure(
                        line: number, field: problem.field, reason: problem.reason, text: RecordFailure.excerpt(line)))
                return true
            }
            if try !sink.addIfObject(json: JSONKeys.canonicalizing(line), line: number) {
                try sink.fail(
                    RecordFailure(
                        line: number, reason: try Self.problem(with: object, in: db), text: RecordFailure.excerpt(line))
                )
            }
            return true
        }
    }

    /// Why a line that `addIfObject` refused is not a JSON object.
    private static func problem(with text: String, in db: Database) throws -> String {
        guard
            let type = try String.fetchOne(
                db, sql: "SELECT CASE WHEN json_valid(?1) THEN json_type(?1) END", arguments: [text])
        else {
            return "invalid JSON: \(JSONDiagnosis.reason(in: Data(text.utf8)))"
        }
        return "expected a JSON object, found \(JSONDiagnosis.typeName(type))"
    }
}
