import AirlockBase
import AirlockProducer
import AirlockSpec
import ArgumentParser
import Foundation
import Logging

struct Pull: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fetch the API sources declared in airlock.yml (source.pull) into inbox/.",
        discussion: """
            Each source's pages are fetched in order and saved as one file, \
            inbox/ENTITY-YYYYMMDDTHHMMSSZ.json: every page exactly as the API sent \
            it, and when it was pulled. The file appears only once the last page is \
            in; a pull that fails leaves the inbox as it was and names the source, \
            page and reason. Credentials come from environment variables that the \
            spec names and are written nowhere. `airlock run` then reads the file \
            like any dropped export.

            Examples:
              CATALOG_TOKEN=… airlock pull                 # every source, once
              airlock pull products                        # one source
              airlock pull order_status --every 5m         # poll a feed with no webhook
            """
    )

    @Argument(help: ArgumentHelp("Entities to pull; all with source.pull when none is named.", valueName: "entity"))
    var entities: [String] = []

    @Option(help: ArgumentHelp("Keep pulling at this interval (30s, 5m, 1h) instead of once.", valueName: "duration"))
    var every: String?

    @OptionGroup var options: WorkspaceOptions

    func validate() throws {
        if let every, DurationText.seconds(every) == nil {
            throw ValidationError("--every takes a duration such as \(DurationText.examples)")
        }
    }

    func run() throws {
        let puller = Puller(
            workspace: try Workspace(root: options.url.path), environment: ProcessEnvironment.current.variables,
            logger: Logger(label: "airlock.pull"))
        let selected = try puller.entities(named: entities)
        guard let interval = every.flatMap(DurationText.seconds) else {
            if let failure = pullAll(selected, with: puller) { throw ExitCode(failure.exitStatus.rawValue) }
            return
        }
        while true {
            let started = Date()
            _ = pullAll(selected, with: puller)
            Thread.sleep(forTimeInterval: max(0, interval - Date().timeIntervalSince(started)))
        }
    }

    /// Pulls each source in turn; one failing source does not stop the others. Returns the first failure.
    private func pullAll(_ selected: [EntitySpec], with puller: Puller) -> PullError? {
        var firstFailure: PullError?
        for entity in selected {
            do {
                let report = try puller.pull(entity)
                let retries = report.retries == 0 ? "" : " (\(report.retries) retries)"
                let since =
                    report.cursor.map { cursor in
                        cursor.since.map { " changed since \(cursor.param)=\($0)" } ?? " (no cursor committed yet: all)"
                    } ?? ""
                printLine(
                    "pulled \(entity.name): \(report.pages) pages, \(report.records) records\(since) → inbox/\(report.file.lastPathComponent)\(retries)"
                )
            } catch let error as PullError {
                printError("airlock: \(error)")
                firstFailure = firstFailure ?? error
            } catch {
                printError("airlock: \(entity.name): \(error)")
                firstFailure =
                    firstFailure ?? .write(source: entity.name, path: puller.workspace.inbox.path, reason: "\(error)")
            }
        }
        return firstFailure
    }
}
