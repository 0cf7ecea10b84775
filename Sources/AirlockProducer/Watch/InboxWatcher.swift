import AirlockSite
import Foundation
import Logging

/// Runs the producer whenever a drop lands in `inbox/` and has settled: no file added,
/// changed or removed for `settle` seconds and none still open for writing. A drop of several
/// files therefore becomes one run and at most one bundle, and a file is never read half.
/// A writer that holds a file open longer than `longestDrop` no longer holds back the rest.
/// Errors are logged and the watcher keeps going; SIGTERM or SIGINT stop it between runs.
package struct InboxWatcher {
    package struct Settings {
        /// Quiet seconds after the last change before a drop is read.
        package var settle: Double = 2
        /// Seconds between inbox listings when inotify is unavailable (or `polling` is set).
        package var pollInterval: Double = 5
        package var polling = false
        /// Seconds to wait before trying again after a run failed as a whole.
        package var retryDelay: Double = 30
        /// Seconds after a drop began before files still being written stop holding back the others.
        package var longestDrop: Double = 600

        package init() {}
    }

    let producer: Producer
    let settings: Settings
    let logger: Logger

    package init(producer: Producer, settings: Settings, logger: Logger) {
        self.producer = producer
        self.settings = settings
        self.logger = logger
    }

    /// One entry of an inbox listing: a drop is settled when its listing stops changing.
    private struct FileState: Equatable {
        var size: Int
        var modified: Date
    }

    package func run(onReport: (RunReport) -> Void) throws {
        let inbox = producer.workspace.inbox
        try FileManager.default.createDirectory(at: inbox, withIntermediateDirectories: true)
        let events = DirectoryEvents(directory: inbox, polling: settings.polling)
        logger.info(
            "watching the inbox",
            metadata: [
                "inbox": "\(inbox.path)", "mode": "\(events.usesInotify ? "inotify" : "polling")",
                "settle_seconds": "\(settings.settle)"
            ])
        var listing = try list(inbox)
        var changedAt = Date.distantPast
        var dropBegan = Date()
        var pending = !listing.isEmpty
        while StopSignal.requested == nil {
            let quietFor = Date().timeIntervalSince(changedAt)
            let idleWait = events.usesInotify ? 1 : settings.pollInterval
            events.wait(timeout: pending ? max(0.05, min(settings.settle - quietFor, idleWait)) : idleWait)
            if StopSignal.requested != nil { break }
            let now = try list(inbox)
            if now != listing {
                if !pending { dropBegan = Date() }
                listing = now
                changedAt = Date()
                pending = true
                continue
            }
            guard pending, Date().timeIntervalSince(changedAt) >= settings.settle else { continue }
            let ready = listing.keys.sorted().filter {
                WriterCheck.check(inbox.appendingPathComponent($0).path) != .writing
            }
            if ready.count < listing.count && Date().timeIntervalSince(dropBegan) < settings.longestDrop { continue }
            pending = ready.count < listing.count
            guard !ready.isEmpty else { continue }
            let handed = listing.filter { ready.contains($0.key) }
            do {
                onReport(try producer.runOnce(files: ready.map { inbox.appendingPathComponent($0) }))
            } catch {
                logger.error(
                    "the run failed; retrying later",
                    metadata: ["error": "\(error)", "retry_seconds": "\(settings.retryDelay)"])
                pending = true
                changedAt = Date().addingTimeInterval(settings.retryDelay - settings.settle)
            }
            // Look again: a file that landed (or changed) while the run was busy was not in it,
            // and its events were drained with the run's; it waits for a drop of its own.
            listing = try list(inbox)
            if listing.contains(where: { handed[$0.key] != $0.value }) {
                if !pending { dropBegan = Date() }
                if !pending || changedAt < Date() { changedAt = Date() }
                pending = true
            }
        }
        logger.info("stopping", metadata: ["signal": "\(StopSignal.requested.map(String.init) ?? "none")"])
    }

    private func list(_ inbox: URL) throws -> [String: FileState] {
        var listing: [String: FileState] = [:]
        for url in try InboxFile.list(in: inbox) {
            guard let values = try? url.resourceValues(forKeys: [.fileSizeKey, .contentModificationDateKey]) else {
                continue
            }
            listing[url.lastPathComponent] = FileState(
                size: values.fileSize ?? 0, modified: values.contentModificationDate ?? .distantPast)
        }
        return listing
    }
}
