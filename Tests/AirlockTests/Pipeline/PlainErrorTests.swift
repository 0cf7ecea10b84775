import Foundation
import Testing

/// No command answers a problem with Foundation's own error text (`NSCocoaErrorDomain`,
/// "The operation could not be completed"): each names the file and says what is wrong with
/// it in plain words. Real `airlock` processes in a folder that is not a workspace, and in one
/// whose files are missing or are folders.
@Suite(.runsExternalPrograms) struct PlainErrorTests {
    static let foundationWords = ["NSCocoaErrorDomain", "Error Domain=", "The operation could not be completed"]

    @Test func commandsInTheWrongPlaceSayWhatIsMissing() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("airlock-plain-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let commands: [[String]] = [
            ["run", "--once"], ["status"], ["watch", "--once"], ["pull"], ["recover"], ["catchup", "--from", "1"],
            ["show", "absent.tar.gz"], ["verify", "absent.tar.gz"], ["verify", folder.path],
            ["apply", "absent.tar.gz", "--target", "sqlite:\(folder.path)/shop.db"], ["infer", "absent.csv"],
            ["infer", folder.path], ["discard", "absent.tar.gz"], ["diff", "a.tar.gz", "b.tar.gz"],
            ["check-target", "--target", "sqlite:\(folder.path)/absent/shop.db"],
            ["verify", "absent.tar.gz", "--site", "\(folder.path)/site.yml"], ["trust", "apply", "absent.tar.gz"],
            ["approve", "absent.tar.gz", "--key", "absent"]
        ]
        // Once where nothing is, once where the spec and the keys are folders.
        for round in 0..<2 {
            if round == 1 {
                for name in ["airlock.yml", "keys/allowed_signers", "site.yml"] {
                    try FileManager.default.createDirectory(
                        at: folder.appendingPathComponent(name), withIntermediateDirectories: true)
                }
            }
            for command in commands {
                let run = try AirlockProcess.run(command + ["--workspace", folder.path])
                #expect(run.status != 0, "\(command)")
                for words in Self.foundationWords {
                    #expect(!run.error.contains(words) && !run.output.contains(words), "\(command): \(run.error)")
                }
                #expect(run.error.hasPrefix("airlock: ") || run.error.hasPrefix("Error: "), "\(command): \(run.error)")
            }
        }
    }

    /// A workspace with a sound spec and keys whose `inbox/` is missing: the commands that read
    /// the inbox name the folder and how to make it.
    @Test func aWorkspaceWithoutItsInboxNamesTheFolder() throws {
        let workspace = try TestWorkspace()
        defer { workspace.remove() }
        try FileManager.default.removeItem(at: workspace.inbox)
        for command in [["run", "--once"], ["status"], ["status", "--unparsed"], ["status", "--json"]] {
            let run = try AirlockProcess.run(command + ["--workspace", workspace.root.path])
            #expect(run.status == 64, "\(command): \(run.status) \(run.error)")
            for words in Self.foundationWords { #expect(!run.error.contains(words), "\(command): \(run.error)") }
            #expect(
                run.error
                    == "airlock: the workspace has no inbox/ folder (\(workspace.inbox.path)), where exports are dropped: make it with mkdir -p \(workspace.inbox.path), or name the workspace with --workspace DIR\n",
                "\(command): \(run.error)")
        }
    }
}
