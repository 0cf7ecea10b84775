import Foundation

/// Says where and why a JSON text breaks. SQLite's `json_valid` only says whether it does;
/// Foundation's parser says "around character N", which becomes a line.
enum JSONDiagnosis {
    static func line(in data: Data) -> Int? {
        guard let description = parseFailure(in: data),
              let match = description.firstMatch(of: #/character (\d+)/#), let offset = Int(match.output.1) else { return nil }
        return data.prefix(offset).reduce(1) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
    }

    static func reason(in data: Data) -> String {
        if data.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) { return "the file is empty" }
        guard let description = parseFailure(in: data) else { return "SQLite rejects this document" }
        return description.replacingOccurrences(of: #" around (line \d+, column \d+|character \d+)\.?"#, with: "", options: .regularExpression)
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
