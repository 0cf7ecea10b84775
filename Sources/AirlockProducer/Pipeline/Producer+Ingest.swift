import AirlockBase
import AirlockSite
import AirlockSpec
import Foundation

/// The first step of a run: the inbox files, each read in its own transaction.
extension Producer {
    func readyFiles(noting report: inout RunReport) throws -> [URL] {
        try InboxFile.list(in: workspace.inbox).filter { url in
            guard WriterCheck.check(url.path) == .writing else { return true }
            report.stillBeingWritten.append(url.lastPathComponent)
            return false
        }
    }

    func ingest(_ files: [URL], into report: inout RunReport) throws {
        let ingestor = Ingestor(database: database, spec: spec, progress: progress)
        let disposal = InboxDisposal(inbox: workspace.inbox, keepProcessed: spec.inbox.keepProcessed)
        for url in files where FileManager.default.fileExists(atPath: url.path) {
            let outcomes: [Ingestor.Outcome]
            do {
                outcomes = try timer.time("ingest", ["file": "\(url.lastPathComponent)"]) { try ingestor.ingest(url) }
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
                        logger.warning(
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
                    logger.error("rejected", metadata: ["error": "\(error)"])
                    report.rejected.append(error)
                }
            }
            if let destination = try disposal.dispose(url, outcomes: outcomes) {
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
}
