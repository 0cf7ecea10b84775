import AirlockSite
import Foundation
import GRDB

/// Bundles whose transaction committed but which still wait in `.airlock/staging`: a run
/// publishes them into `outbox/` after its commit, and the next run does when that one died
/// or the move failed.
struct StagedBundles {
    let workspace: Workspace

    /// Moves each staged bundle into `outbox/`, never over a file there. One already there
    /// with the same digest was published by a run that died before removing its staged
    /// copy; one with another digest is not this workspace's, and stops the producer.
    func publish() throws {
        for bundle in try workspace.database.read(BundleRecord.all) {
            let staged = workspace.staging.appendingPathComponent(bundle.fileName)
            guard FileManager.default.fileExists(atPath: staged.path) else { continue }
            do {
                try BundleWriter.publish(staged, into: workspace.outbox)
            } catch BundleError.alreadyInOutbox {
                let published = OutboxBundle(
                    url: workspace.outbox.appendingPathComponent(bundle.fileName), sequence: bundle.sequence)
                let digest = try? published.digest()
                guard digest == bundle.digest else {
                    throw WorkspaceError.outboxMismatch(
                        found: "outbox/\(bundle.fileName) is not the bundle \(BundleIdentity.pad(bundle.sequence)) "
                            + "this workspace made and staged (digest \(digest.map { String($0.prefix(16)) } ?? "unreadable"), "
                            + "expected \(bundle.digest.prefix(16))); it was not overwritten")
                }
                try FileManager.default.removeItem(at: staged)
            }
        }
    }
}
