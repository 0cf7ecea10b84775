import Foundation
import GRDB

/// SQL functions that let SQLite do normalization as set work: `airlock_parse(value, type)`
/// gives the canonical value or NULL, `airlock_parse_error(value, type)` says why not.
/// Empty text is NULL for every type but text.
enum WorkspaceFunctions {
    static func register(in db: Database) {
        db.add(function: parse)
        db.add(function: parseError)
    }

    private static let parse = DatabaseFunction("airlock_parse", argumentCount: 2, pure: true) { values in
        guard let (raw, type) = arguments(values) else { return nil }
        switch ValueParser.parse(raw, as: type) {
        case let .success(.text(text)): return text
        case let .success(.integer(number)): return number
        case .failure: return nil
        }
    }

    private static let parseError = DatabaseFunction("airlock_parse_error", argumentCount: 2, pure: true) { values in
        guard let (raw, type) = arguments(values), case let .failure(error) = ValueParser.parse(raw, as: type) else { return nil }
        return error.description
    }

    /// The raw text and its column type, or nil when the value is NULL or empty for a non-text type.
    private static func arguments(_ values: [DatabaseValue]) -> (String, ColumnType)? {
        guard let spelling = String.fromDatabaseValue(values[1]), let type = cachedType(spelling) else { return nil }
        let raw: String
        switch values[0].storage {
        case .null: return nil
        case let .string(text): raw = text
        case let .int64(number): raw = String(number)
        case let .double(number): raw = String(number)
        case .blob: return nil
        }
        if type != .text && raw.trimmingWhitespace().isEmpty { return nil }
        return (raw, type)
    }

    /// The type spelling arrives with every row; parse each spelling once.
    nonisolated(unsafe) private static var types: [String: ColumnType] = [:]
    private static let typesLock = NSLock()

    private static func cachedType(_ spelling: String) -> ColumnType? {
        typesLock.withLock {
            if let type = types[spelling] { return type }
            let type = ColumnType(spelling: spelling)
            types[spelling] = type
            return type
        }
    }
}
