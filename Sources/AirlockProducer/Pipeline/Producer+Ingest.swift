import AirlockBase
import AirlockSite
import AirlockSpec
import Foundation

/// The first step of a run: the inbox files, each read in its own transaction.
extension Producer {
    /// Where read, rejected and blocked files go.
    private var inboxDisposal: InboxDisposal {
        InboxDisposal(inbox: workspace.inbox, keepProcessed: spec.inbox.keepProcessed)
    }

    func readyFiles(noting report: inout RunReport) throws -> [URL] {
        try InboxListing(of: workspace.inbox).files.filter { url in
            guard WriterCheck.check(url.path) == .writing else { return true }
            report.stillBeingWritten.append(url.lastPathComponent)
            return false
        }
    }

    func ingest(_ files: [URL], into report: inout RunReport) throws {
        let ingestor = Ingestor(database: database, spec: spec, progress: progress)
        report.undecodableNames = try InboxListing(of: workspace.inbox).undecodableNames
        // Each is an event `airlock run` and `watch` print a line of their own for, so it is
        // logged at info: one line per event on a terminal, all of them in a log.
        for name in report.undecodableNames {
            logger.info("not read: the file name is not UTF-8; rename the file", metadata: ["file": "\(name)"])
        }
        for url in files where FileManager.default.fileExists(atPath: url.path) {
            let outcomes: [Ingestor.Outcome]
            // Opened once, never through a link: what is hashed is what is read (`OpenedFile`).
            var file: InboxFile?
            do {
                file = try InboxFile(url: url)
                outcomes = try timer.time("ingest", ["file": "\(url.lastPathComponent)"]) { try ingestor.ingest(file!) }
            } catch let error as IngestError {
                outcomes = [.rejected(error)]
            }
            for outcome in outcomes {
                switch outcome {
                case let .ingested(file):
                    logger.info(
                        "ingested",
                        metadata: ["file": "\(file.name)", "entity": "\(file.entity)", "records": "\(file.records)"])
                    if file.unparsed > 0 {
                        logger.info(
                            "records held back",
                            metadata: [
                                "file": "\(file.name)", "unreadable": "\(file.unparsed)",
                                "first": "\(file.firstUnparsed[0].place): \(file.firstUnparsed[0].reason)"
                            ])
                    }
                    report.ingested.append(file)
                case let .alreadySeen(name, seenAs):
                    report.alreadySeen.append(name == seenAs ? name : "\(name) (same content as \(seenAs))")
                case let .rejected(error):
                    logger.info("rejected", metadata: ["error": "\(error)"])
                    report.rejected.append(error)
                }
            }
            if let destination = try inboxDisposal.dispose(url, mode: file?.opened.mode, outcomes: outcomes) {
                if destination.deletingLastPathComponent() == inboxDisposal.processed {
                    report.processed.append(destination)
                }
                logger.info(
                    "moved",
                    metadata: [
                        "file": "\(url.lastPathComponent)",
                        "to":
                            "\(destination.deletingLastPathComponent().lastPathComponent)/\(destination.lastPathComponent)"
                    ])
            }
        }
    }

    /// Sets a blocked drop's files aside like rejected ones: dropped again (after the data or
    /// the spec is fixed) they are read afresh, and a corrected export is not mixed with them.
    func setAsideBlockedDrop(_ report: inout RunReport) throws {
        try database.write { db in
            try WorkspaceFile.settlePending(
                as: .rejected, error: "validation blocked the bundle; see .airlock/validation.json", in: db)
        }
        report.setAside = try report.processed.map { try inboxDisposal.setAside($0) }
    }
}
