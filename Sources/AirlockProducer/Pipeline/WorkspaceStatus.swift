import Foundation
import GRDB

/// What a workspace holds right now, for `airlock status`: files waiting in the inbox, files
/// read but not yet bundled, the last bundle, and what was held back or rejected.
package struct WorkspaceStatus: Codable, Equatable {
    package struct Bundle: Codable, Equatable {
        package var sequence: Int
        package var file: String
        package var created: String
    }

    /// Per entity: records held back since the last bundle and in it.
    package struct HeldBack: Codable, Equatable {
        package var entity: String
        /// Records that could not be read (`UnparsedRecords`).
        package var unreadable: Int
        /// Records held back by a check, a value that does not fit its column among them (`QuarantineRecords`).
        package var invalidValues: Int
    }

    package struct Unparsed: Codable, Equatable {
        package var file: String
        package var place: String
        package var reason: String
    }

    /// Inbox files not read yet, by name.
    package var waiting: [String]
    /// Files read since the last bundle, by name.
    package var readNotBundled: [String]
    package var lastBundle: Bundle?
    package var heldBack: [HeldBack]
    /// Files in `inbox/rejected/` (their reasons are beside them in `NAME.error.txt`).
    package var rejected: [String]
    /// Every unreadable record of files not yet bundled or in the last bundle, when asked for.
    package var unparsed: [Unparsed]?

    package init(workspace: Workspace, listingUnparsed: Bool = false) throws {
        let names = try InboxFile.list(in: workspace.inbox).map(\.lastPathComponent)
        (waiting, readNotBundled, lastBundle, heldBack, unparsed) = try workspace.database.read { db in
            let known = try WorkspaceFile.knownNames(in: db)
            let read = try WorkspaceFile.pendingNames(in: db)
            let bundle = try BundleRecord.latest(in: db).map {
                Bundle(sequence: $0.sequence, file: $0.fileName, created: $0.createdAt)
            }
            let recent = WorkspaceFile.recentFiles
            let heldBack = try Row.fetchAll(
                db,
                sql: """
                    SELECT e.entity, \(UnparsedRecords.countPerEntity(files: recent, alias: "e")), \(QuarantineRecords.countPerEntity(files: recent, alias: "e"))
                    FROM (SELECT DISTINCT entity FROM \(recent) WHERE entity IS NOT NULL) AS e ORDER BY e.entity
                    """
            ).map { HeldBack(entity: $0[0], unreadable: $0[1], invalidValues: $0[2]) }
            let unparsed =
                listingUnparsed
                ? try UnparsedRecords.list(inFiles: recent, in: db).map { row in
                    Unparsed(
                        file: row[0],
                        place: RecordFailure.place(line: row[1], record: row[2], field: row[3], sheet: row[5]),
                        reason: row[4])
                } : nil
            return (names.filter { !known.contains($0) }, read, bundle, heldBack, unparsed)
        }
        let rejectedFolder = workspace.inbox.appendingPathComponent("rejected")
        rejected = ((try? FileManager.default.contentsOfDirectory(atPath: rejectedFolder.path)) ?? [])
            .filter { !$0.hasSuffix(".error.txt") }.sorted()
    }
}
