import AirlockCore
import ArgumentParser
import Foundation
import Logging

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Ingest new inbox files and write a signed bundle of the changes to outbox/.",
        discussion: """
            Reads every file in inbox/ whose content was not ingested before, normalizes it \
            by airlock.yml, diffs the result against the last bundle's state and, when \
            something changed, writes outbox/bundle-NNNNNN.tar.gz signed with the producer key. \
            A bad file is reported (file, line, field) and the other files proceed.

            Examples:
              airlock run --once
              airlock run --interval 30      # keep polling the inbox every 30 seconds
            """
    )

    @Flag(help: "Process the inbox once and exit.")
    var once = false

    @Option(help: ArgumentHelp("Seconds between inbox scans when not --once.", valueName: "seconds"))
    var interval: Double = 10

    @OptionGroup var options: WorkspaceOptions

    func validate() throws {
        guard interval > 0 else { throw ValidationError("--interval must be positive") }
    }

    func run() throws {
        let producer = Producer(workspace: try Workspace(root: options.url.path), logger: Logger(label: "airlock.run"))
        if once {
            let status = try Self.report(try producer.runOnce())
            if status != .success { throw ExitCode(status.rawValue) }
            return
        }
        while true {
            do {
                _ = try Self.report(try producer.runOnce())
            } catch let error as AirlockError {
                FileHandle.standardError.write(Data("airlock: \(error)\n".utf8))
            }
            Thread.sleep(forTimeInterval: interval)
        }
    }

    /// Prints what the run did and returns the exit status it deserves.
    static func report(_ report: RunReport) throws -> ExitStatus {
        for file in report.ingested { printLine("ingested \(file.name): \(file.records) records → \(file.entity)") }
        for name in report.alreadySeen { printLine("skipped \(name): already ingested") }
        for error in report.rejected { FileHandle.standardError.write(Data("rejected \(error)\n".utf8)) }
        for value in report.quarantined { FileHandle.standardError.write(Data("quarantined \(value.description)\n".utf8)) }
        switch report.outcome {
        case .noNewFiles:
            printLine("no new files in the inbox; no bundle written")
            return report.rejected.isEmpty ? .nothingToDo : .validationBlocked
        case .noChanges:
            printLine("no changes against the last bundle; no bundle written")
            return report.rejected.isEmpty ? .nothingToDo : .validationBlocked
        case let .bundle(file, manifest, digest):
            printLine("wrote \(file.path) (bundle \(manifest.sequence), digest \(digest.prefix(16))…)")
            for entity in manifest.entities {
                let c = entity.counts
                printLine("  \(entity.name): \(c.inserted) inserted, \(c.updated) updated, \(c.deleted) deleted, \(c.unchanged) unchanged, \(c.quarantined) quarantined")
            }
            return report.rejected.isEmpty ? .success : .validationBlocked
        }
    }
}
