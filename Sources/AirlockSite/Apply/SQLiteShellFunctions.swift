import AirlockBase
import Foundation
import GRDB

/// The functions the `sqlite3` shell adds to SQLite that bundle scripts use, for running them
/// in-process: `sha3(X, 256)`, which `verify.sql` hashes rows with.
enum SQLiteShellFunctions {
    static func register(in db: Database) {
        db.add(
            function: DatabaseFunction("sha3", argumentCount: 2, pure: true) { values in
                guard let bytes = bytes(values[0]) else { return nil }
                guard Int.fromDatabaseValue(values[1]) == 256 else {
                    throw DatabaseError(message: "sha3: only 256-bit hashes are supported here")
                }
                return Data(SHA3.sha256(bytes))
            })
    }

    /// A value's bytes as the shell's `sha3()` hashes them: blobs as they are, anything else as UTF-8 text.
    private static func bytes(_ value: DatabaseValue) -> Data? {
        switch value.storage {
        case .null: return nil
        case let .blob(data): return data
        case let .string(text): return Data(text.utf8)
        case let .int64(number): return Data(String(number).utf8)
        case let .double(number): return Data(String(number).utf8)
        }
    }
}
