import AirlockBase
import GRDB
import GRDBSQLite

/// A canonical value as the workspace stores it, appended to script text. SQLite stores
/// canonical values as they are (booleans as 0 and 1, decimals and timestamps as text), so an
/// SQLite script writes them as literals; PostgreSQL scripts carry them as COPY data
/// (`PostgresCopy`), which also types them.
///
/// Values are read in place from the statement's current row and written as bytes: a Swift
/// String or Data per value was most of the time spent writing scripts.
enum WorkspaceValue {
    static func append(
        _ statement: SQLiteStatement, column: Int32, type: ColumnType, dialect: SQLDialect, to out: inout [UInt8]
    ) {
        switch sqlite3_column_type(statement, column) {
        case SQLITE_NULL:
            out += dialect == .postgres ? [UInt8(ascii: "\\"), UInt8(ascii: "N")] : Array("NULL".utf8)
        case SQLITE_INTEGER:
            let number = sqlite3_column_int64(statement, column)
            out += (dialect == .postgres && type == .boolean ? (number == 0 ? "f" : "t") : String(number)).utf8
        default:
            // Text, and anything else as the text SQLite gives for it.
            let start = sqlite3_column_text(statement, column)
            let text = UnsafeBufferPointer(start: start, count: Int(sqlite3_column_bytes(statement, column)))
            switch dialect {
            case .postgres: PostgresCopy.appendField(text, to: &out)
            case .sqlite: dialect.appendLiteral(text, to: &out)
            }
        }
    }
}
