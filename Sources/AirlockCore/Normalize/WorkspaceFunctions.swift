import Foundation
import GRDB

/// SQL functions that let SQLite do normalization as set work: `airlock_parse(value, type)`
/// gives the canonical value or NULL, `airlock_parse_error(value, type)` says why not.
/// Empty text is NULL for every type but text.
enum WorkspaceFunctions {
    static func register(in db: Database) {
        db.add(function: parse)
        db.add(function: parseError)
        db.add(function: foldCase)
        db.add(function: matches)
        db.add(function: compareNumbers)
        db.add(function: timestamp)
    }

    /// `airlock_timestamp(text, format, zone)`: the text as ISO-8601 with an offset (see
    /// `TimestampFormat`); NULL when it does not follow a declared format. With a zone but no
    /// format, text that is not a plain local ISO time (it has an offset, say) passes unchanged.
    private static let timestamp = DatabaseFunction("airlock_timestamp", argumentCount: 3, pure: true) { values in
        guard let text = String.fromDatabaseValue(values[0]) else { return nil }
        let format = TimestampFormat(pattern: String.fromDatabaseValue(values[1]) ?? "", zone: String.fromDatabaseValue(values[2]))
        return format.iso(text) ?? (format.pattern.isEmpty ? text : nil)
    }

    /// `airlock_fold_case(text, 'lower'|'upper')`, Unicode-aware where SQLite's lower() is ASCII only.
    private static let foldCase = DatabaseFunction("airlock_fold_case", argumentCount: 2, pure: true) { values in
        guard let text = String.fromDatabaseValue(values[0]) else { return nil }
        return String.fromDatabaseValue(values[1]) == "upper" ? text.uppercased() : text.lowercased()
    }

    /// `airlock_matches(text, pattern)`: 1 when the whole text matches the regular expression.
    private static let matches = DatabaseFunction("airlock_matches", argumentCount: 2, pure: true) { values in
        guard let text = String.fromDatabaseValue(values[0]), let pattern = String.fromDatabaseValue(values[1]),
              let regex = cachedRegex(pattern) else { return nil }
        return (try? regex.wholeMatch(in: text)) != nil ? 1 : 0
    }

    /// `airlock_compare_numbers(a, b)`: -1, 0 or 1, comparing integers or canonical decimal text
    /// exactly (no binary floating point).
    private static let compareNumbers = DatabaseFunction("airlock_compare_numbers", argumentCount: 2, pure: true) { values in
        func text(_ value: DatabaseValue) -> String? {
            switch value.storage {
            case let .int64(number): return String(number)
            case let .string(text): return text
            default: return nil
            }
        }
        guard let a = text(values[0]), let b = text(values[1]) else { return nil }
        return ExactNumber.compare(a, b)
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

    nonisolated(unsafe) private static var regexes: [String: Regex<AnyRegexOutput>] = [:]

    private static func cachedRegex(_ pattern: String) -> Regex<AnyRegexOutput>? {
        typesLock.withLock {
            if let regex = regexes[pattern] { return regex }
            let regex = try? Regex(pattern)
            regexes[pattern] = regex
            return regex
        }
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
