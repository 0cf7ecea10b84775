import Foundation
import Logging

@testable import AirlockProducer
@testable import AirlockSite
@testable import AirlockSpec

/// A throwaway workspace holding the repository's example spec, with a fresh producer key.
struct TestWorkspace {
    let root: URL

    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let fixtures = repository.appendingPathComponent("Tests/Fixtures")

    /// A workspace with the example spec; `inbox/` is empty until `drop` is called.
    init(spec: String? = nil) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("airlock-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("inbox"), withIntermediateDirectories: true)
        let specText = try spec ?? Self.exampleSpecMovingFiles()
        try specText.write(to: root.appendingPathComponent("airlock.yml"), atomically: true, encoding: .utf8)
        try KeyStore(directory: root.appendingPathComponent("keys")).generate(name: "producer")
    }

    /// A workspace that is already there (a fixture unpacked into `root`).
    init(existing root: URL) {
        self.root = root
    }

    /// The example spec with the appliance's default of moving read files out of the inbox
    /// (the repository's example keeps them in place, so that the checkout stays clean).
    static func exampleSpecMovingFiles() throws -> String {
        let text = try String(contentsOf: repository.appendingPathComponent("airlock.yml"), encoding: .utf8)
        let kept = "inbox:\n  processed: keep\n"
        guard text.contains(kept) else { throw ShellError(description: "airlock.yml no longer says \(kept)") }
        return text.replacingOccurrences(of: kept, with: "")
    }

    var inbox: URL { root.appendingPathComponent("inbox") }
    var allowedSigners: URL { root.appendingPathComponent("keys/allowed_signers") }
    var database: URL { root.appendingPathComponent(".airlock/workspace.sqlite") }

    /// Copies files into the inbox, optionally under other names.
    func drop(_ files: [URL], renamedTo names: [String]? = nil) throws {
        for (index, file) in files.enumerated() {
            let name = names?[index] ?? file.lastPathComponent
            let destination = inbox.appendingPathComponent(name)
            try? FileManager.default.removeItem(at: destination)
            try FileManager.default.copyItem(at: file, to: destination)
        }
    }

    func write(_ text: String, toInbox name: String) throws {
        try text.write(to: inbox.appendingPathComponent(name), atomically: true, encoding: .utf8)
    }

    /// The example drop shipped in the repository's `inbox/`.
    static var exampleDrop: [URL] {
        ["products.json", "payments.csv"].map { repository.appendingPathComponent("inbox/\($0)") }
    }

    /// The header of the example's payments export.
    static let paymentsHeader = "\"Payment ID\",\"First name\",\"Last name\",Amount,Method,\"Paid at\"\n"

    static var secondDrop: [URL] {
        ["products.json", "payments.csv"].map { fixtures.appendingPathComponent("drop2/\($0)") }
    }

    func run() throws -> RunReport {
        try Producer(workspace: try Workspace(root: root.path), logger: .test).runOnce()
    }

    func remove() {
        try? FileManager.default.removeItem(at: root)
    }
}
