import AirlockBase

/// What one cell of a sheet holds, as its raw record keeps it: text as a JSON string, a
/// number as a JSON number in plain decimal (`SheetNumber`), a boolean as JSON true or false,
/// and an empty cell as `""`, as an empty CSV field would be. A cell with no value to read is a
/// JSON object, which normalization holds back as a bad value of its field: an error
/// (`#N/A`, `#DIV/0!`) as `{"error": "#N/A"}`, a formula saved without its result as
/// `{"formula": "A2*2"}`.
enum SheetValue: Equatable {
    case empty
    case text(String)
    case number(String)
    case boolean(Bool)
    case error(String)
    case uncalculated(formula: String)

    var isEmpty: Bool { self == .empty || self == .text("") }

    /// The cell as text, for a header: a number as written, a boolean as Excel shows it; nil
    /// for a cell with no value.
    var text: String? {
        switch self {
        case .empty: return ""
        case let .text(text), let .number(text): return text
        case let .boolean(value): return value ? "TRUE" : "FALSE"
        case .error, .uncalculated: return nil
        }
    }

    /// Why a cell holds no value to read, for a header cell.
    var problem: String? {
        switch self {
        case let .error(code): return "the cell holds the error \(code)"
        case let .uncalculated(formula):
            return "the formula =\(formula) has no cached value; \(Self.uncalculatedAdvice)"
        default: return nil
        }
    }

    private static let uncalculatedAdvice =
        "the workbook was saved without calculating it (open it in a spreadsheet program and save it again)"

    func appendJSON(to json: inout [UInt8]) {
        switch self {
        case .empty: json += Array("\"\"".utf8)
        case let .text(text): JSONPath.quote(Array(text.utf8)[...], into: &json)
        case let .number(number): json += Array(number.utf8)
        case let .boolean(value): json += Array((value ? "true" : "false").utf8)
        case let .error(code): Self.appendObject(key: "error", code, to: &json)
        case let .uncalculated(formula): Self.appendObject(key: "formula", formula, to: &json)
        }
    }

    private static func appendObject(key: String, _ text: String, to json: inout [UInt8]) {
        json += Array("{\"\(key)\":".utf8)
        JSONPath.quote(Array(text.utf8)[...], into: &json)
        json.append(UInt8(ascii: "}"))
    }

    // MARK: - The same, in SQL over a raw record

    /// SQL: what the cell `object` (SQL, a JSON object as `appendJSON` writes it) showed:
    /// `#N/A`, or `=A2*2` for a formula without its result.
    static func shownSQL(of object: String) -> String {
        "coalesce(\(object) ->> '$.error', '=' || (\(object) ->> '$.formula'))"
    }

    /// SQL: why the cell `object` holds no value, as `problem` says it.
    static func problemSQL(of object: String) -> String {
        let dialect = SQLDialect.sqlite
        return """
            CASE WHEN \(object) ->> '$.error' IS NOT NULL THEN 'the cell holds the error ' || (\(object) ->> '$.error') \
            ELSE 'the formula =' || (\(object) ->> '$.formula') || \(dialect.literal(" has no cached value; \(uncalculatedAdvice)")) END
            """
    }
}
