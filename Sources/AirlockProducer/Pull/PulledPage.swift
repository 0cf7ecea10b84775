import AirlockBase
import AirlockSpec
import Foundation

/// One page as the API returned it, parsed just enough to count its records and find the next
/// page. The bytes go to the dump untouched; this parse never changes them.
struct PulledPage {
    enum Problem: Error {
        /// Not JSON at all: often a body cut short, so worth another attempt.
        case invalidJSON(String)
        /// Whole JSON, but not the shape the spec describes.
        case shape(String)
    }

    /// The body without a UTF-8 byte order mark, which JSON forbids.
    let data: Data
    let records: Int
    private let document: Any

    init(body: Data, recordsPath: String) throws {
        data = body.starts(with: [0xEF, 0xBB, 0xBF]) ? body.dropFirst(3) : body
        do {
            document = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        } catch {
            let reason = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "\(error)"
            throw Problem.invalidJSON(data.isEmpty ? "the body is empty" : "the body is not valid JSON (\(reason))")
        }
        let path: JSONRecordsPath
        do { path = try JSONRecordsPath(recordsPath) } catch { throw Problem.shape("\(error)") }
        records = try Self.count(in: document, along: path.levels[...], spelling: recordsPath)
    }

    /// The text at a dotted path (`meta.next_cursor`); nil when absent, null or empty.
    func string(at path: [String]) -> String? {
        switch value(at: path) {
        case let text as String: return text.isEmpty ? nil : text
        case let number as NSNumber: return number.stringValue
        default: return nil
        }
    }

    /// A flag at a dotted path (`has_more`); true, false, 1, 0, "true" or "false".
    func flag(at path: [String]) -> Bool? {
        switch value(at: path) {
        case let number as NSNumber: return number.boolValue
        case let text as String: return ["true": true, "false": false][text.lowercased()]
        default: return nil
        }
    }

    private func value(at path: [String]) -> Any? {
        path.reduce(Optional(document)) { ($0 as? [String: Any])?[$1] }
    }

    private static func count(in value: Any, along levels: ArraySlice<[String]>, spelling: String) throws -> Int {
        guard let keys = levels.first else { return 1 }
        let found = keys.reduce(Optional(value)) { ($0 as? [String: Any])?[$1] }
        guard let array = found as? [Any] else {
            let place = spelling.isEmpty ? "the top level" : "'\(spelling)'"
            throw Problem.shape("expected an array of records at \(place) (source.records), found \(kind(of: found))")
        }
        if levels.count == 1 { return array.count }
        return try array.reduce(0) { $0 + (try count(in: $1, along: levels.dropFirst(), spelling: spelling)) }
    }

    private static func kind(of value: Any?) -> String {
        switch value {
        case nil: return "nothing"
        case is NSNull: return "null"
        case is [String: Any]: return "an object"
        case is String: return "a string"
        case is NSNumber: return "a number or boolean"
        default: return "a value"
        }
    }
}
