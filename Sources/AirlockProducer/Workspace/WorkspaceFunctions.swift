import AirlockBase
import Foundation
import GRDB
import GRDBSQLite

/// SQL functions that let SQLite do normalization as set work: `airlock_parse(value, type)`
/// gives the canonical value or NULL, `airlock_parse_error(value, type)` says why not.
/// Empty text is NULL for every type but text.
enum WorkspaceFunctions {
    /// SQL: the canonical value of `text` (SQL) as `type`; text is taken as given, with no call into Swift.
    static func parsed(_ text: String, as type: ColumnType) -> String {
        type == .text ? text : "airlock_parse(\(text), \(SQLDialect.sqlite.literal(type.description)))"
    }

    /// SQL: why `text` (SQL) does not parse as `type`, or NULL.
    static func parseError(_ text: String, as type: ColumnType) -> String {
        "airlock_parse_error(\(text), \(SQLDialect.sqlite.literal(type.description)))"
    }

    /// SQL: the local ISO date (`type` date) or date and time (timestamp) that `text` (SQL), an
    /// Excel serial date, stands for in the date system `date1904` (SQL, 1 or 0) gives; NULL when
    /// the text is no number, or no date is that number (`serialDateError` says why).
    static func serialDate(_ text: String, date1904: String, as type: ColumnType) -> String {
        "airlock_serial_date(\(text), \(date1904), \(SQLDialect.sqlite.literal(type.description)))"
    }

    /// SQL: why `text` (SQL), a number, is no serial date; NULL when it is one, or no number.
    static func serialDateError(_ text: String, date1904: String, as type: ColumnType) -> String {
        "airlock_serial_date_error(\(text), \(date1904), \(SQLDialect.sqlite.literal(type.description)))"
    }

    static func register(in db: Database) {
        registerParse(in: db)
        db.add(function: parseError)
        db.add(function: serialDate)
        db.add(function: serialDateError)
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
        let format = TimestampFormat(
            pattern: String.fromDatabaseValue(values[1]) ?? "", zone: String.fromDatabaseValue(values[2]))
        return format.iso(text) ?? (format.pattern.isEmpty ? text : nil)
    }

    private static let serialDate = DatabaseFunction("airlock_serial_date", argumentCount: 3, pure: true) { values in
        guard case let .success(iso)? = serial(values) else { return nil }
        return iso
    }

    private static let serialDateError = DatabaseFunction("airlock_serial_date_error", argumentCount: 3, pure: true) {
        values in
        guard case let .failure(error)? = serial(values) else { return nil }
        return error.description
    }

    /// What `SpreadsheetDate` makes of the arguments of `airlock_serial_date`.
    private static func serial(_ values: [DatabaseValue]) -> Result<String, ValueError>? {
        guard let text = String.fromDatabaseValue(values[0]) else { return nil }
        return SpreadsheetDate.iso(
            serial: text, date1904: Bool.fromDatabaseValue(values[1]) ?? false,
            dateOnly: String.fromDatabaseValue(values[2]) == ColumnType.date.description)
    }

    /// `airlock_fold_case(text, 'lower'|'upper')`, Unicode-aware where SQLite's lower() is ASCII only.
    private static let foldCase = DatabaseFunction("airlock_fold_case", argumentCount: 2, pure: true) { values in
        guard let text = String.fromDatabaseValue(values[0]) else { return nil }
        return String.fromDatabaseValue(values[1]) == "upper" ? text.uppercased() : text.lowercased()
    }

    /// `airlock_matches(text, pattern)`: 1 when the whole text matches the regular expression.
    private static let matches = DatabaseFunction("airlock_matches", argumentCount: 2, pure: true) { values in
        guard let text = String.fromDatabaseValue(values[0]), let pattern = String.fromDatabaseValue(values[1]),
            let regex = cachedRegex(pattern)
        else { return nil }
        return (try? regex.wholeMatch(in: text)) != nil ? 1 : 0
    }

    /// `airlock_compare_numbers(a, b)`: -1, 0 or 1, comparing integers or canonical decimal text
    /// exactly (no binary floating point).
    private static let compareNumbers = DatabaseFunction("airlock_compare_numbers", argumentCount: 2, pure: true) {
        values in
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

    /// `airlock_parse` runs for every typed value of every record, so it is a C callback on
    /// the connection: the value is read in place, and the column type, parsed once from the
    /// constant second argument, stays with the statement as SQLite auxiliary data. Through
    /// GRDB's Swift function wrapper each call cost about a microsecond more. Text already in
    /// its canonical form is passed on as it is (`ValueParser.shortcut`).
    private static func registerParse(in db: Database) {
        sqlite3_create_function_v2(
            db.sqliteConnection, "airlock_parse", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nil,
            { context, _, arguments in
                guard let arguments, let value = arguments[0], let spelling = arguments[1] else {
                    return sqlite3_result_null(context)
                }
                let type: ColumnType
                if let cached = sqlite3_get_auxdata(context, 1) {
                    type = Unmanaged<TypeBox>.fromOpaque(cached).takeUnretainedValue().type
                } else {
                    guard let text = sqlite3_value_text(spelling),
                        let parsed = ColumnType(spelling: String(cString: text))
                    else {
                        return sqlite3_result_null(context)
                    }
                    type = parsed
                    sqlite3_set_auxdata(context, 1, Unmanaged.passRetained(TypeBox(parsed)).toOpaque()) { box in
                        box.map { Unmanaged<TypeBox>.fromOpaque($0).release() }
                    }
                }
                let raw: String
                switch sqlite3_value_type(value) {
                case SQLITE_INTEGER: raw = String(sqlite3_value_int64(value))
                case SQLITE_FLOAT: raw = String(sqlite3_value_double(value))
                case SQLITE_TEXT:
                    let bytes = UnsafeBufferPointer(
                        start: sqlite3_value_text(value), count: Int(sqlite3_value_bytes(value)))
                    switch ValueParser.shortcut(bytes, as: type) {
                    case .unchanged: return sqlite3_result_value(context, value)
                    case let .integer(number): return sqlite3_result_int64(context, number)
                    case nil: raw = String(decoding: bytes, as: UTF8.self)
                    }
                default: return sqlite3_result_null(context)
                }
                guard type == .text || !raw.trimmingWhitespace().isEmpty else { return sqlite3_result_null(context) }
                switch ValueParser.parse(raw, as: type) {
                case let .success(.text(text)):
                    text.withCString { sqlite3_result_text(context, $0, Int32(text.utf8.count), sqliteTransient) }
                case let .success(.integer(number)): sqlite3_result_int64(context, number)
                case .failure: sqlite3_result_null(context)
                }
            }, nil, nil, nil)
    }

    /// A column type as SQLite auxiliary data, which holds pointers.
    private final class TypeBox {
        let type: ColumnType
        init(_ type: ColumnType) { self.type = type }
    }

    private static let parseError = DatabaseFunction("airlock_parse_error", argumentCount: 2, pure: true) { values in
        guard let (raw, type) = arguments(values), case let .failure(error) = ValueParser.parse(raw, as: type) else {
            return nil
        }
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
