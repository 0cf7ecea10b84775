import Foundation

/// Says why a JSON text breaks, for one record (an NDJSON line, a JSON element): SQLite's
/// `json_valid` only says whether it does. Foundation's parser gives the reason.
enum JSONDiagnosis {
    /// A JSON value's type as a person would say it; SQLite's `json_type` calls a string `text`.
    static func typeName(_ sqliteType: String) -> String {
        sqliteType == "text" ? "a string" : sqliteType
    }

    private static func isBlank(_ data: Data) -> Bool {
        data.allSatisfy { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
    }

    private static let endOfText = "Unexpected end of file"

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
