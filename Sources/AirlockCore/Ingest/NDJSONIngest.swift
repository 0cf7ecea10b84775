import Foundation
import GRDB

/// Reads newline-delimited JSON: one object per line. A line that is not a JSON object is
/// quarantined by its number and the other lines proceed.
struct NDJSONIngest {
    let file: String

    func read(_ text: ByteSource, into sink: RecordSink, in db: Database) throws {
        var line: [UInt8] = []
        var number = 0
        func finishLine() throws {
            number += 1
            if line.last == UInt8(ascii: "\r") { line.removeLast() }
            defer { line.removeAll(keepingCapacity: true) }
            guard line.contains(where: { $0 != 0x20 && $0 != 0x09 }) else { return }
            guard let object = String(validating: line, as: UTF8.self) else {
                return try sink.fail(RecordFailure(line: number, reason: "the text is not valid UTF-8", text: RecordFailure.excerpt(line)))
            }
            guard try sink.addIfObject(json: object, line: number) else {
                return try sink.fail(RecordFailure(line: number, reason: try Self.problem(with: object, in: db), text: RecordFailure.excerpt(line)))
            }
        }
        while let chunk = try text.next() {
            var start = chunk.startIndex
            while let newline = chunk[start...].firstIndex(of: UInt8(ascii: "\n")) {
                line += chunk[start..<newline]
                try finishLine()
                start = newline + 1
            }
            line += chunk[start...]
        }
        if !line.isEmpty { try finishLine() }
    }

    /// Why a line that `addIfObject` refused is not a JSON object.
    private static func problem(with text: String, in db: Database) throws -> String {
        guard let type = try String.fetchOne(db, sql: "SELECT CASE WHEN json_valid(?1) THEN json_type(?1) END", arguments: [text]) else {
            return "invalid JSON: \(JSONDiagnosis.reason(in: Data(text.utf8)))"
        }
        return "expected a JSON object, found \(JSONDiagnosis.typeName(type))"
    }
}
