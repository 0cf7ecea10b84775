import AirlockBase
import AirlockSite
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
            guard let bundle = try BundleRecord.find(digest: digest, in: db) else {
                throw DiscardError.unknownBundle(id: String(digest.prefix(16)) + "…")
            }
            let latest = try BundleRecord.latest(in: db)?.sequence
            guard latest == bundle.sequence else {
                throw DiscardError.notLatest(sequence: bundle.sequence, latest: latest)
            }
            // Every bundle changed some row or table, so it has before-images or recorded schema
            // changes, unless `recover` rebuilt the workspace from later bundles only.
            let migrated = !(try MigrationRecord.entries(bundle: bundle.sequence, in: db).isEmpty)
            if bundle.changesSchema && !migrated {
                throw DiscardError.schemaChangeNotRecorded(sequence: bundle.sequence)
            }
            guard
                try migrated
                    || spec.entities.contains(where: {
                        try EntityDiff($0).hasBeforeImages(bundle: bundle.sequence, in: db)
                    })
            else {
                throw DiscardError.noBeforeImages(sequence: bundle.sequence)
            }
            // The rows go back through the tables as the spec has them, which must be the bundle's.
            let changed = try spec.entities.filter { entity in
                try EntityRecord.definition(of: entity.name, completedFrom: entity, in: db)
                    .map { try EntityMigration.between($0, entity) != nil } ?? false
            }
            guard changed.isEmpty else {
                throw DiscardError.specChangedSince(sequence: bundle.sequence, entities: changed.map(\.name))
            }
            let sources = try WorkspaceFile.bundledNames(sequence: bundle.sequence, in: db)
            for name in requeue where !sources.contains(name) {
                throw DiscardError.noSuchSource(name: name, sequence: bundle.sequence)
            }
            for entity in spec.entities { try EntityDiff(entity).restore(bundle: bundle.sequence, in: db) }
            try WorkspaceMigration.undo(bundle: bundle.sequence, in: db)
            try WorkspaceFile.discard(sequence: bundle.sequence, requeuing: requeue, in: db)
            try DiscardedBundle.discard(bundle, in: db)
            try PullCursor.discard(bundle: bundle.sequence, in: db)
            try BaselineSums.discard(bundle: bundle.sequence, in: db)
            let discarded = Discarded(
                sequence: bundle.sequence, id: bundle.id, discardedFiles: sources.filter { !requeue.contains($0) },
                requeuedFiles: sources.filter { requeue.contains($0) }, movedTo: nil)
            return (discarded, bundle.fileName)
        }
        var discarded = taken
        discarded.movedTo = try moveAside(workspace.outbox.appendingPathComponent(fileName), id: taken.id)
        return discarded
    }

    /// A discard that died between its database commit and moving the outbox copy aside left
    /// the discarded bundle in `outbox/`, where it would look like a bundle the workspace does
    /// not know; it is moved aside now (only a file with a discarded bundle's name and digest).
    func finishInterruptedDiscards() throws {
        let (chain, discarded) = try database.read { db in
            (Set(try BundleRecord.all(in: db).map(\.fileName)), try DiscardedBundle.all(in: db))
        }
        for bundle in OutboxBundle.list(in: workspace.outbox) where !chain.contains(bundle.name) {
            let candidates = discarded.filter { $0.fileName == bundle.name }
            guard !candidates.isEmpty, let digest = try? bundle.digest(),
                let record = candidates.first(where: { $0.digest == digest })
            else { continue }
            _ = try moveAside(bundle.url, id: record.id)
        }
    }

    /// Moves the outbox copy, if there is one, to `outbox/discarded/ID.tar.gz` (`ID-2.tar.gz`…
    /// when a bundle of that id was discarded before), out of the way of the next bundle and
    /// never over another file.
    private func moveAside(_ file: URL, id: String) throws -> URL? {
        guard FileManager.default.fileExists(atPath: file.path) else { return nil }
        let folder = workspace.outbox.appendingPathComponent("discarded")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for number in 1... {
            let destination = folder.appendingPathComponent(number == 1 ? "\(id).tar.gz" : "\(id)-\(number).tar.gz")
            switch FileMove.withoutReplacing(file, to: destination) {
            case .moved: return destination
            case .exists: continue
            case .crossDevice, .failed:
                throw BundleError.archive(
                    "cannot move \(file.path) to \(destination.path): \(String(cString: strerror(errno)))")
            }
        }
        return nil
    }
}
