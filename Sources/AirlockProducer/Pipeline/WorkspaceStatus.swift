import AirlockSite
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

    /// What the last run that read files ended in.
    package struct LastRun: Codable, Equatable {
        package var finishedAt: String
        package var outcome: RunOutcome
        package var bundle: Int?
        package var records: Int
        package var heldBack: Int
        /// For a blocked run: each blocking check, how often, and the first finding's words.
        package var blocking: [Blocking]
        /// For a blocked run: where its files were set aside (`inbox/blocked/NAME`).
        package var setAside: [String]

        package struct Blocking: Codable, Equatable {
            package var check: String
            package var entity: String
            package var count: Int
            package var first: String
        }
    }

    /// A reviewer's rejection of the newest bundle.
    package struct Rejection: Codable, Equatable {
        package var bundle: String
        package var by: String
        package var reason: String
    }

    /// What stops the next run (`WorkspaceHealth`: a damaged database, or one that does not
    /// match `outbox/`), with the way out; nil when the workspace is sound.
    package var problem: String?
    /// Inbox files not read yet, by name.
    package var waiting: [String]
    /// Inbox files whose names are not UTF-8, escaped (`bad\xFF.csv`); they are read once renamed.
    package var undecodableNames: [String]
    /// Files read since the last bundle, by name.
    package var readNotBundled: [String]
    /// The newest bundle in `outbox/` (published); a bundle still waiting in staging is not it.
    package var lastBundle: Bundle?
    /// Bundles written and recorded but not yet moved into `outbox/` (the move failed: a full
    /// or unwritable outbox); the next run moves them.
    package var staged: [Bundle]
    package var heldBack: [HeldBack]
    /// Files in `inbox/rejected/` (their reasons are beside them in `NAME.error.txt`).
    package var rejected: [String]
    /// Every unreadable record of files not yet bundled, in the last bundle, or read by the
    /// last run, when asked for.
    package var unparsed: [Unparsed]?
    /// Every record a check held back in the same files, when asked for (its place, key and reason).
    package var quarantined: [ValidationFinding]?
    package var lastRun: LastRun?
    /// Set when a trusted reviewer rejected the newest bundle in `outbox/`.
    package var rejection: Rejection?
    /// What airlock.yml changes in the tables since the last run, which the next run bundles,
    /// one line each (`items: column_added note (text)`).
    package var specChanges: [String] = []

    package init(workspace: Workspace, listingUnparsed: Bool = false) throws {
        do {
            try WorkspaceHealth(workspace: workspace).check(always: true)
        } catch let error as WorkspaceError {
            problem = error.description
        }
        let listing = try InboxListing(of: workspace.inbox)
        undecodableNames = listing.undecodableNames
        let names = listing.files.map(\.lastPathComponent)
        lastRun = try workspace.database.read(RunRecord.latest).map(Self.lastRun)
        (waiting, readNotBundled, lastBundle, staged, heldBack, unparsed, quarantined) = try workspace.database.read {
            db in
            // Read files leave the inbox, unless it keeps them: then those lying as they were read.
            let known = workspace.spec.inbox.keepProcessed ? try KeptFile.names(in: db) : []
            let read = try WorkspaceFile.pendingNames(in: db)
            let bundles = try BundleRecord.all(in: db).map {
                Bundle(sequence: $0.sequence, file: $0.fileName, created: $0.createdAt)
            }
            let isStaged = { (bundle: Bundle) in
                FileManager.default.fileExists(atPath: workspace.staging.appendingPathComponent(bundle.file).path)
            }
            let recent = WorkspaceFile.recentFiles
            let heldBack = try Row.fetchAll(
                db,
                sql: """
                    SELECT e.entity, \(UnparsedRecords.countPerEntity(files: recent, alias: "e")), \(QuarantineRecords.countPerEntity(files: recent, alias: "e"))
                    FROM (SELECT entity FROM \(recent) WHERE entity IS NOT NULL UNION \(QuarantineRecords.entities(inFiles: recent))) AS e
                    ORDER BY e.entity
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
            let quarantined =
                listingUnparsed
                ? try QuarantineRecords.findings(inFiles: recent, in: db).map(DropRun.finding).filter {
                    $0.severity == .quarantine
                } : nil
            return (
                names.filter { !known.contains($0) }, read, bundles.last { !isStaged($0) }, bundles.filter(isStaged),
                heldBack, unparsed, quarantined
            )
        }
        rejection = lastBundle.flatMap { Self.rejection(of: $0, in: workspace) }
        specChanges = try workspace.database.read { db in
            let next = try BundleRecord.nextSequence(in: db)
            return try WorkspaceMigration.plan(to: workspace.spec, bundle: next, in: db).flatMap { migration in
                migration.changes.map { $0.manifestLine(entity: migration.name, statements: [:]).line }
            }
        }
        let rejectedFolder = workspace.inbox.appendingPathComponent("rejected")
        rejected = ((try? FileManager.default.contentsOfDirectory(atPath: rejectedFolder.path)) ?? [])
            .filter { !$0.hasSuffix(".error.txt") }.sorted()
    }

    private static func lastRun(_ record: RunRecord) throws -> LastRun {
        LastRun(
            finishedAt: record.finishedAt, outcome: record.outcome, bundle: record.bundleSequence,
            records: record.records, heldBack: record.heldBack,
            blocking: try JSONDecoder().decode([LastRun.Blocking].self, from: Data(record.blocking.utf8)),
            setAside: try JSONDecoder().decode([String].self, from: Data(record.setAside.utf8)))
    }

    /// The first rejection by a key the workspace trusts in the outbox copy of `bundle`; nil
    /// when there is none or the file cannot be read (status reports, it does not verify).
    private static func rejection(of bundle: Bundle, in workspace: Workspace) -> Rejection? {
        let keys = KeyStore(directory: workspace.keys)
        guard let signers = try? AllowedSigners(path: keys.allowedSigners.path),
            let verified = try? BundleVerifier(
                allowedSigners: signers, revokedKeys: (try? RevokedKeys(path: keys.revokedKeys.path)) ?? RevokedKeys()
            ).verify(workspace.outbox.appendingPathComponent(bundle.file), policy: .integrityOnly),
            let first = verified.rejections.first
        else { return nil }
        return Rejection(bundle: bundle.file, by: first.name, reason: first.reason)
    }
}
