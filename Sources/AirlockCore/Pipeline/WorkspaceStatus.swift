import Foundation
import GRDB

/// What a workspace holds right now, for `airlock status`: files waiting in the inbox, files
/// read but not yet bundled, the last bundle, and what was held back or rejected.
public struct WorkspaceStatus: Codable, Equatable {
    public struct Bundle: Codable, Equatable {
        public var sequence: Int
        public var file: String
        public var created: String
    }

    /// Per entity: records held back since the last bundle and in it.
    public struct HeldBack: Codable, Equatable {
        public var entity: String
        /// Records that could not be read (`airlock_unparsed`).
        public var unreadable: Int
        /// Records held back by a check, a value that does not fit its column among them (`airlock_quarantine`).
        public var invalidValues: Int
    }

    public struct Unparsed: Codable, Equatable {
        public var file: String
        public var place: String
        public var reason: String
    }

    /// Inbox files not read yet, by name.
    public var waiting: [String]
    /// Files read since the last bundle, by name.
    public var readNotBundled: [String]
    public var lastBundle: Bundle?
    public var heldBack: [HeldBack]
    /// Files in `inbox/rejected/` (their reasons are beside them in `NAME.error.txt`).
    public var rejected: [String]
    /// Every unreadable record of files not yet bundled or in the last bundle, when asked for.
    public var unparsed: [Unparsed]?

    public init(workspace: Workspace, listingUnparsed: Bool = false) throws {
        let names = try InboxFile.list(in: workspace.inbox).map(\.lastPathComponent)
        let recent = "f.state = 'pending' OR f.bundle_sequence = (SELECT max(sequence) FROM airlock_bundles)"
        (waiting, readNotBundled, lastBundle, heldBack, unparsed) = try workspace.database.read { db in
            let known = try String.fetchSet(db, sql: "SELECT name FROM airlock_files WHERE state <> 'rejected'")
            let read = try String.fetchAll(db, sql: "SELECT name FROM airlock_files WHERE state = 'pending' ORDER BY ingest_order")
            let bundle = try Row.fetchOne(db, sql: "SELECT sequence, file_name, created_at FROM airlock_bundles ORDER BY sequence DESC LIMIT 1")
                .map { Bundle(sequence: $0[0], file: $0[1], created: $0[2]) }
            let heldBack = try Row.fetchAll(db, sql: """
                WITH recent AS (SELECT sha256, entity FROM airlock_files AS f WHERE \(recent))
                SELECT e.entity,
                       (SELECT count(*) FROM airlock_unparsed AS u JOIN recent AS r ON r.sha256 = u.file_sha256
                        WHERE r.entity = e.entity),
                       (SELECT count(DISTINCT q.raw_id) FROM airlock_quarantine AS q JOIN recent AS r ON r.sha256 = q.file_sha256
                        WHERE r.entity = e.entity AND q.severity = 'quarantine')
                FROM (SELECT DISTINCT entity FROM recent WHERE entity IS NOT NULL) AS e ORDER BY e.entity
                """).map { HeldBack(entity: $0[0], unreadable: $0[1], invalidValues: $0[2]) }
            let unparsed = listingUnparsed ? try Row.fetchAll(db, sql: """
                SELECT f.name, u.line, u.record_no, u.field, u.reason FROM airlock_unparsed AS u
                JOIN airlock_files AS f ON f.sha256 = u.file_sha256 WHERE \(recent) ORDER BY f.ingest_order, u.record_no
                """).map { row in
                    Unparsed(file: row[0], place: RecordFailure.place(line: row[1], record: row[2], field: row[3]), reason: row[4])
                } : nil
            return (names.filter { !known.contains($0) }, read, bundle, heldBack, unparsed)
        }
        let rejectedFolder = workspace.inbox.appendingPathComponent("rejected")
        rejected = ((try? FileManager.default.contentsOfDirectory(atPath: rejectedFolder.path)) ?? [])
            .filter { !$0.hasSuffix(".error.txt") }.sorted()
    }
}
