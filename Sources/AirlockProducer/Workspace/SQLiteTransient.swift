import GRDBSQLite

/// SQLite's `SQLITE_TRANSIENT`, which the C header spells as a cast Swift does not import:
/// SQLite copies the bytes before the call returns, so the caller's buffer may change.
let sqliteTransient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
