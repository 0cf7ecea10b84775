import AirlockBase
import AirlockSite
import AirlockSpec
import Foundation
import GRDB

extension Producer {
    /// What `discard` did.
    package struct Discarded: Equatable {
        package var sequence: Int
        package var id: String
        /// Source files set aside with the bundle, and those put back in the queue.
        package var discardedFiles: [String]
        package var requeuedFiles: [String]
        /// Where the outbox copy went, when there was one.
        package var movedTo: URL?
    }

    /// Takes back the latest bundle after a reviewer rejected it: the baseline returns to the
    /// last accepted state, so the next bundle reuses the sequence number with the same parent.
    /// The bundle's files are set aside (`discarded`) except those named in `requeue`, which
    /// go back to pending and into the next bundle.
    package func discard(digest: String, requeue: [String] = []) throws -> Discarded {
        let (taken, fileName): (Discarded, String) = try database.write { db in
            guard let bundle = try Row.fetchOne(db, sql: "SELECT * FROM airlock_bundles WHERE digest = ?", arguments: [digest]) else {
                throw ReviewError.unknownBundle(id: String(digest.prefix(16)) + "…")
            }
            let sequence: Int = bundle["sequence"]
            let latest = try Int.fetchOne(db, sql: "SELECT max(sequence) FROM airlock_bundles")
            guard latest == sequence else { throw ReviewError.notLatest(sequence: sequence, latest: latest) }
            let sources = try String.fetchAll(db, sql: """
                SELECT name FROM airlock_files WHERE bundle_sequence = ? AND state = 'bundled' ORDER BY ingest_order
                """, arguments: [sequence])
            for name in requeue where !sources.contains(name) {
                throw ReviewError.noSuchSource(name: name, sequence: sequence)
            }
            for entity in spec.entities { try EntityDiff(entity).restore(bundle: sequence, in: db) }
            try db.execute(sql: """
                UPDATE airlock_files
                SET state = CASE WHEN name IN (SELECT value FROM json_each(?)) THEN 'pending' ELSE 'discarded' END,
                    bundle_sequence = CASE WHEN name IN (SELECT value FROM json_each(?)) THEN NULL ELSE bundle_sequence END
                WHERE bundle_sequence = ? AND state = 'bundled'
                """, arguments: [Self.jsonArray(requeue), Self.jsonArray(requeue), sequence])
            try db.execute(sql: """
                INSERT INTO airlock_discarded_bundles (id, sequence, digest, file_name, created_at, discarded_at)
                SELECT id, sequence, digest, file_name, created_at, strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
                FROM airlock_bundles WHERE sequence = ?
                """, arguments: [sequence])
            try db.execute(sql: "DELETE FROM airlock_bundles WHERE sequence = ?", arguments: [sequence])
            let discarded = Discarded(sequence: sequence, id: bundle["id"], discardedFiles: sources.filter { !requeue.contains($0) },
                                      requeuedFiles: sources.filter { requeue.contains($0) }, movedTo: nil)
            return (discarded, bundle["file_name"])
        }
        var discarded = taken
        discarded.movedTo = try moveAside(workspace.outbox.appendingPathComponent(fileName), id: taken.id)
        return discarded
    }

    /// Moves the outbox copy, if there is one, to `outbox/discarded/ID.tar.gz`, out of the way
    /// of the next bundle.
    private func moveAside(_ file: URL, id: String) throws -> URL? {
        guard FileManager.default.fileExists(atPath: file.path) else { return nil }
        let folder = workspace.outbox.appendingPathComponent("discarded")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let destination = folder.appendingPathComponent("\(id).tar.gz")
        guard rename(file.path, destination.path) == 0 else {
            throw BundleError.archive("cannot move \(file.path) to \(destination.path): \(String(cString: strerror(errno)))")
        }
        return destination
    }

    private static func jsonArray(_ names: [String]) -> String {
        String(decoding: try! JSONEncoder().encode(names), as: UTF8.self)
    }
}
