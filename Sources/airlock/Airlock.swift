import AirlockBase
import AirlockProducer
import AirlockSite
import ArgumentParser
import CSQLiteSetup
import Foundation
import Logging

@main
struct Airlock: ParsableCommand {
    /// The release; the formats it writes are versioned on their own (`--version` prints both).
    static let version = "0.20.0"

    static let configuration = CommandConfiguration(
        commandName: "airlock",
        abstract: "Turn dropped API dumps and CSV exports into signed SQL bundles for air-gapped targets.",
        discussion: """
            A workspace is a folder holding airlock.yml (the spec), inbox/, outbox/ and keys/. \
            Drop exports into inbox/, run `airlock run --once`, carry outbox/bundle-NNNNNN.tar.gz \
            across and check it with `airlock verify` before applying its SQL.

            Exit codes: 0 success; 1 unexpected failure; 3 nothing to do (no new files or no \
            change); 4 validation blocked (a rejected input file); 5 verification refused; \
            6 the target does not fit the bundle (its check found missing tables or columns, \
            types, enum labels or constraints that cannot take the bundle; nothing changed); \
            7 cannot connect to the target; 8 rows on the target drifted from what the bundle \
            expects (nothing changed); 64 usage or configuration error.
            """,
        version:
            "airlock \(Self.version) (bundles \(Manifest.currentFormat), trust updates \(TrustManifest.currentFormat))",
        subcommands: [
            Init.self, Keygen.self, Allow.self, Revoke.self, TrustCommand.self, Pull.self, Run.self, Watch.self,
            Status.self,
            Infer.self, Show.self, DiffBundles.self, Verify.self, Cosign.self, Approve.self, Reject.self, Discard.self,
            Recover.self,
            CatchUp.self,
            Apply.self, Rollback.self, CheckTarget.self, ShowTargetStatus.self
        ]
    )

    static func main() {
        // Measured on the benchmark's first drop of 1,000,000 rows: 12.7 s with SQLite's memory
        // statistics, 11.9 s without (its normalization allocates for every JSON field it reads).
        _ = airlock_sqlite_setup()
        let level = ProcessEnvironment.current.logLevel
        let onTerminal = isatty(STDERR_FILENO) == 1 && level == nil
        LoggingSystem.bootstrap { label in
            var handler = VisibleLogHandler(
                wrapping: onTerminal ? TerminalLogHandler() : StreamLogHandler.standardError(label: label))
            handler.logLevel = level ?? .warning
            return handler
        }
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let error as AirlockError {
            TerminalProgress.erase()
            printError("airlock: \(error)")
            Foundation.exit(error.exitStatus.rawValue)
        } catch let error where FileErrorText.isFileError(error) {
            // A file problem no command words itself: plain words, never Foundation's domain text.
            TerminalProgress.erase()
            printError("airlock: \(FileErrorText.described(error))")
            Foundation.exit(ExitStatus.failure.rawValue)
        } catch {
            TerminalProgress.erase()
            exit(withError: error)
        }
    }
}

/// The `--workspace` option every workspace command takes.
struct WorkspaceOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The workspace folder, holding airlock.yml.", valueName: "dir"))
    var workspace: String = "."

    var url: URL { URL(fileURLWithPath: workspace).standardizedFileURL }
}

// What the commands print carries file names, values and reasons from sources and bundles, so
// every line goes out with its control characters made visible (`VisibleText.message`): a
// value cannot move the cursor, recolor the terminal or hide what follows it.

/// A line (or lines) for a person on standard output.
func printLine(_ text: String) {
    FileHandle.standardOutput.write(Data((VisibleText.message(text) + "\n").utf8))
}

/// A line whose untrusted parts the caller escaped itself, so its colors (`TerminalStyle`) stay.
func printStyledLine(_ text: String) {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
}

/// A line (or lines) on standard error.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((VisibleText.message(text) + "\n").utf8))
}

func printWarning(_ text: String) {
    printError("warning: \(text)")
}
