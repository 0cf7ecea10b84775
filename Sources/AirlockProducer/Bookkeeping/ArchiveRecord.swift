import Foundation
import GRDB

/// One row of `airlock_archives`: an inbox archive by content, so a drop is unpacked once; its
/// members are `WorkspaceFile`s.
struct ArchiveRecord: SnakeCaseColumns {
    static let databaseTableName = "airlock_archives"

    enum State: String, Codable, DatabaseValueConvertible {
        case ingested, rejected
    }

    var sha256: String
    var name: String
    var size: Int64
    var state: State
    var error: String?
    var seenAt: String

    static func record(sha256: String, name: String, size: Int64, state: State, error: String?, in db: Database) throws
    {
        try ArchiveRecord(
            sha256: sha256, name: name, size: size, state: state, error: error, seenAt: Date().utcMilliseconds
        )
        .insert(db, onConflict: .replace)
    }

    /// The name under which this archive's content was ingested before, if it was.
    static func nameIngested(sha256: String, in db: Database) throws -> String? {
        try String.fetchOne(
            db, sql: "SELECT name FROM \(databaseTableName) WHERE sha256 = ? AND state = ?",
            arguments: [sha256, State.ingested])
    }
}
