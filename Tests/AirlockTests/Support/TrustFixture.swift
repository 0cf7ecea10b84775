import Foundation
import Logging

@testable import AirlockProducer
@testable import AirlockSite

/// One producer workspace with two reviewers (alice, bob) and its bundles, shared by the
/// trust tests: bundle 1, bundle 2, and bundle 2′, made after bundle 2 was discarded, so it
/// has the same parent as bundle 2 (a fork for a target that applied bundle 2). SQLite targets
/// hold the ledger after bundle 1 and after bundles 1 and 2.
final class TrustFixture {
    /// Made once, on first use, and only read after: the tests that share it change nothing in it.
    nonisolated(unsafe) static let shared = Result { try TrustFixture() }

    let workspace: TestWorkspace
    let keys: KeyStore
    let bundle1: URL
    let bundle2: URL
    let forked2: URL
    let targetAtOne: URL
    let targetAtTwo: URL
    /// Bundle 2's members, to build tampered copies from.
    let extracted: URL

    private init() throws {
        workspace = try TestWorkspace()
        keys = KeyStore(directory: workspace.root.appendingPathComponent("keys"))
        try keys.generate(name: "alice", role: .reviewer)
        try keys.generate(name: "bob", role: .reviewer)
        let kept = workspace.root.appendingPathComponent("bundles")
        try FileManager.default.createDirectory(at: kept, withIntermediateDirectories: true)

        try workspace.drop(TestWorkspace.exampleDrop)
        bundle1 = try Self.keep(try workspace.run(), as: kept.appendingPathComponent("bundle-1.tar.gz"))
        try workspace.drop(TestWorkspace.secondDrop)
        let report = try workspace.run()
        bundle2 = try Self.keep(report, as: kept.appendingPathComponent("bundle-2.tar.gz"))
        guard case let .bundle(_, _, digest) = report.outcome else { throw ShellError(description: "no bundle 2") }
        _ = try Producer(workspace: try Workspace(root: workspace.root.path), logger: .test).discard(
            digest: digest, requeue: ["payments.csv"])
        forked2 = try Self.keep(try workspace.run(), as: kept.appendingPathComponent("bundle-2-forked.tar.gz"))

        targetAtOne = workspace.root.appendingPathComponent("target-1.sqlite")
        targetAtTwo = workspace.root.appendingPathComponent("target-2.sqlite")
        try Self.apply([bundle1], to: targetAtOne)
        try Self.apply([bundle1, bundle2], to: targetAtTwo)
        extracted = try Shell.extract(bundle2)
    }

    func file(_ name: String) -> URL {
        workspace.root.appendingPathComponent("\(UUID().uuidString)-\(name)")
    }

    func verifier(signers: URL? = nil, revoked: URL? = nil) throws -> BundleVerifier {
        BundleVerifier(
            allowedSigners: try AllowedSigners(path: (signers ?? workspace.allowedSigners).path),
            revokedKeys: try RevokedKeys(path: (revoked ?? keys.revokedKeys).path))
    }

    /// A copy of bundle 2 approved by the named reviewers.
    func approvedCopy(by names: [String]) throws -> URL {
        let copy = file("approved.tar.gz")
        try FileManager.default.copyItem(at: bundle2, to: copy)
        for name in names {
            try Reviewer(key: try keys.signingKey(name), name: name).approve(copy, verifier: try verifier())
        }
        return copy
    }

    /// Bundle 2's members, each changed or replaced as `change` says, packed as a new bundle.
    func tampered(_ change: (inout [ArchiveCrafter.Entry], URL) throws -> Void) throws -> URL {
        let folder = file("members")
        try FileManager.default.copyItem(at: extracted, to: folder)
        var entries = try ArchiveCrafter.entries(of: folder)
        try change(&entries, folder)
        let output = file("tampered.tar.gz")
        try ArchiveCrafter.write(entries, to: output)
        return output
    }

    /// Writes a file of `text` in the fixture's folder.
    func write(_ text: String, to name: String) throws -> URL {
        let url = file(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    private static func keep(_ report: RunReport, as destination: URL) throws -> URL {
        guard case let .bundle(file, _, _) = report.outcome else { throw ShellError(description: "no bundle") }
        try FileManager.default.copyItem(at: file, to: destination)
        return destination
    }

    static func apply(_ bundles: [URL], to target: URL) throws {
        for bundle in bundles {
            let folder = try Shell.extract(bundle)
            let script = try String(contentsOf: folder.appendingPathComponent("sqlite/upsert.sql"), encoding: .utf8)
            let result = try Shell.run(["sqlite3", "-bail", target.path], input: script, in: folder)
            guard result.status == 0 else { throw ShellError(description: "sqlite3: \(result.error)") }
        }
    }
}
