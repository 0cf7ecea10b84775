import Foundation
import GRDB

/// One row of `airlock_runs`: what a run that read new files ended in, so `airlock status`
/// can say what happened last and what to do next. Only runs that read something are kept.
struct RunRecord: SnakeCaseColumns, Equatable {
    static let databaseTableName = "airlock_runs"

    /// A blocking check and how often it fired, with the first finding's words.
    struct Blocking: Codable, Equatable {
        var check: String
        var entity: String
        var count: Int
        var first: String
    }

    var id: Int64?
    var finishedAt: String
    var outcome: RunOutcome
    var bundleSequence: Int?
    /// Records the run's files held, and those held back (unreadable or by a check).
    var records: Int
    var heldBack: Int
    /// JSON `[Blocking]` for a blocked run.
    var blocking: String
    /// JSON `[String]`: where a blocked run set its files aside (`inbox/blocked/NAME`).
    var setAside: String

    static func latest(in db: Database) throws -> RunRecord? {
        try fetchOne(db, sql: "SELECT * FROM \(databaseTableName) ORDER BY id DESC LIMIT 1")
    }
}
