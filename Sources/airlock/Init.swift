import AirlockBase
import AirlockProducer
import AirlockSpec
import ArgumentParser
import Foundation

struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Start a workspace: folders, producer key, a spec for your exports.",
        discussion: """
            Creates DIR (default: the current folder) with inbox/, outbox/, keys/ holding \
            the producer key (as `airlock keygen producer` makes it), and an airlock.yml \
            with one entity per FILE as `airlock infer` proposes it: typed columns, a key, \
            and a source pattern that matches later exports of the same feed \
            (orders-2026-11-01.csv → orders*.csv). The FILEs are copied into inbox/, so \
            `airlock run --once` in DIR bundles them. Without FILE it makes the folders \
            and the key only: a spec needs an entity, and an entity an export. Refuses a \
            folder that already holds an airlock.yml.

            Examples:
              airlock init demo exports/orders-2026-11-01.csv
              cd demo && airlock run --once
              airlock init . customers.json order-lines.csv
            """
    )

    // One list: ArgumentParser cannot follow an optional positional with a repeated one.
    @Argument(
        help: ArgumentHelp(
            "The workspace folder to create (default: the current folder), then the exports to "
                + "propose entities from and place in inbox/ (.csv, .json, .ndjson, .jsonl, .xlsx).",
            valueName: "dir-and-files"))
    var paths: [String] = []

    private var directory: String { paths.first ?? "." }
    private var files: [String] { Array(paths.dropFirst()) }

    func run() throws {
        let root = URL(fileURLWithPath: directory).standardizedFileURL
        let manager = FileManager.default
        var isFolder: ObjCBool = false
        if manager.fileExists(atPath: root.path, isDirectory: &isFolder), !isFolder.boolValue {
            throw InitRefusal(reason: "\(directory) is a file; name the folder first: airlock init DIR \(directory)")
        }
        let specURL = root.appendingPathComponent("airlock.yml")
        guard !manager.fileExists(atPath: specURL.path) else {
            throw InitRefusal(
                reason: "\(specURL.path) already exists; init leaves it alone. Propose an entity for "
                    + "another export with `airlock infer FILE`")
        }
        // Everything is read and checked before anything is written.
        let sources = files.map { URL(fileURLWithPath: $0).standardizedFileURL }
        let proposals = try sources.map(SpecInference.infer)
        let yaml = InitialSpec(proposals: proposals).yaml
        if !proposals.isEmpty { _ = try Spec.parse(yaml: yaml, path: specURL.path) }
        let inbox = root.appendingPathComponent("inbox")
        for folder in [inbox, root.appendingPathComponent("outbox"), root.appendingPathComponent("keys")] {
            try manager.createDirectory(at: folder, withIntermediateDirectories: true)
        }
        let keys = root.appendingPathComponent("keys")
        if manager.fileExists(atPath: keys.appendingPathComponent("producer").path) {
            printLine("kept \(keys.appendingPathComponent("producer").path): it signs bundles")
        } else {
            try Keygen.generate(name: "producer", role: KeyRoleOptions.parse([]), in: root)
        }
        for source in sources {
            let target = inbox.appendingPathComponent(source.lastPathComponent)
            if !manager.fileExists(atPath: target.path) { try manager.copyItem(at: source, to: target) }
        }
        let place = directory == "." ? "" : " --workspace \(directory)"
        guard !proposals.isEmpty else {
            // A spec needs an entity, and an entity comes from an export.
            printLine("no export given, so no airlock.yml yet: airlock init \(directory) EXPORT.csv")
            return
        }
        try Data(yaml.utf8).write(to: specURL, options: .withoutOverwriting)
        printLine("wrote \(specURL.path)")
        for (proposal, source) in zip(proposals, sources) {
            let key = proposal.key?.joined(separator: " + ") ?? "none unique: choose one"
            printLine(
                "  \(proposal.entity): \(source.lastPathComponent) (\(proposal.records) records, "
                    + "\(proposal.columns.count) columns, key \(key)) → inbox/")
        }
        printLine("next: check airlock.yml, then airlock run --once\(place)")
    }
}

/// Why `airlock init` leaves a folder alone.
struct InitRefusal: AirlockError, Equatable {
    var reason: String
    var exitStatus: ExitStatus { .usageOrConfig }
    var description: String { reason }
}
