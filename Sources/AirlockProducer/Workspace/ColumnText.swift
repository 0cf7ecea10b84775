import GRDBSQLite

/// A column of a statement's current row as its text bytes, read in place rather than copied
/// into a `String`: what the hot loops over the workspace's rows (checksums, the change file)
/// read values with.
enum ColumnText {
    /// The bytes of column `column` of `statement`'s current row, valid until the next step;
    /// nil for NULL.
    static func bytes(_ statement: OpaquePointer, _ column: Int32) -> UnsafeBufferPointer<UInt8>? {
        guard sqlite3_column_type(statement, column) != SQLITE_NULL else { return nil }
        return UnsafeBufferPointer(
            start: sqlite3_column_text(statement, column), count: Int(sqlite3_column_bytes(statement, column)))
    }
}
