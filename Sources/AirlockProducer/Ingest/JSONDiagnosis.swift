import Foundation

/// Says where and why a JSON text breaks. SQLite's `json_valid` only says whether it does;
/// Foundation's parser says "around character N", which becomes a line.
enum JSONDiagnosis {
    /// A JSON value's type as a person would say it; SQLite's `json_type` calls a string `text`.
    static func typeName(_ sqliteType: String) -> String {
        sqliteType == "text" ? "a string" : sqliteType
    }

    static func line(in data: Data) -> Int? {
        guard !isBlank(data), let description = parseFailure(in: data) else { return nil }
        if description.hasPrefix(endOfText) { return lineCount(of: data.reversed().drop { $0 == 0x0A || $0 == 0x20 }) }
        guard let match = description.firstMatch(of: #/character (\d+)/#), let offset = Int(match.output.1) else {
            return nil
        }
        return lineCount(of: data.prefix(offset))
    }

    private static func isBlank(_ data: Data) -> Bool {
        data.allSatisfy { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
    }

    private static let endOfText = "Unexpected end of file"

    private static func lineCount<Bytes: Sequence<UInt8>>(of bytes: Bytes) -> Int {
        bytes.reduce(1) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
    }

    static func reason(in data: Data) -> String {
        if isBlank(data) { return "the file is empty" }
        guard let description = parseFailure(in: data) else { return "SQLite rejects this document" }
        if description.hasPrefix(endOfText) { return "the text ends before the JSON is complete (cut off?)" }
        return description.replacingOccurrences(
            of: #" around (line \d+, column \d+|character \d+)\.?"#, with: "", options: .regularExpression)
    }

    private static func parseFailure(in data: Data) -> String? {
        do {
            _ = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
            return nil
        } catch {
            return (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "\(error)"
        }
    }
}
