import AirlockBase
import AirlockProducer
import ArgumentParser
import Foundation
import Logging

struct Watch: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Watch inbox/ and turn each drop into a signed bundle, until stopped.",
        discussion: """
            Waits for files in inbox/ (inotify; polling where inotify is unavailable). When the \
            inbox has been quiet for --settle seconds and no process still has a file open for \
            writing, the files are read as one drop: a drop of several files becomes one bundle. \
            Read files move to inbox/processed/, unreadable ones to inbox/rejected/ with \
            NAME.error.txt beside them; bad input is logged and the watcher keeps running.

            SIGTERM or SIGINT stop it after the run in progress. Logs go to stderr at level \
            info (AIRLOCK_LOG_LEVEL=debug|info|warning|error to change it). \
            See contrib/airlock-watch.service for a systemd unit.

            Examples:
              airlock watch --workspace /srv/airlock
              airlock watch --poll --poll-interval 30   # no inotify (network share)
            """
    )

    @OptionGroup var settings: WatchSettings
    @OptionGroup var options: WorkspaceOptions

    func run() throws {
        try settings.watch(workspace: options.url)
    }
}

/// How `watch` (and `run` without `--once`) waits for drops.
struct WatchSettings: ParsableArguments {
    @Option(help: ArgumentHelp("Quiet seconds after the last change before a drop is read.", valueName: "seconds"))
    var settle: Double = 2

    @Flag(help: "Poll the inbox instead of using inotify (for file systems that do not report changes).")
    var poll = false

    @Option(help: ArgumentHelp("Seconds between inbox listings when polling.", valueName: "seconds"))
    var pollInterval: Double = 5

    func validate() throws {
        guard settle >= 0 else { throw ValidationError("--settle must not be negative") }
        guard pollInterval > 0 else { throw ValidationError("--poll-interval must be positive") }
    }

    func watch(workspace root: URL) throws {
        StopSignal.install()
        var logger = Logger(label: "airlock.watch")
        if ProcessEnvironment.current.logLevel == nil { logger.logLevel = .info }
        var watcherSettings = InboxWatcher.Settings()
        watcherSettings.settle = settle
        watcherSettings.polling = poll
        watcherSettings.pollInterval = pollInterval
        let producer = try Producer.forCommand(root: root, logger: logger)
        try InboxWatcher(producer: producer, settings: watcherSettings, logger: logger).run { report in
            Run.report(report)
        }
    }
}
