import Foundation
import Testing

@testable import AirlockBase
@testable import AirlockSite

/// Bundles that need two producer signatures (`producer.signatures: 2`): sites refuse them
/// until a second producer key adds `signatures/NAME.sig` with `airlock cosign`; the key that
/// made the first signature, or one not allowed to sign bundles, does not count; `ssh-keygen`
/// verifies the second signature as it does the first.
@Suite(.tags(.sqlite3), .runsExternalPrograms) struct CosignTests {
    @Test func aBundleThatNeedsTwoSignaturesIsRefusedUntilASecondKeySigns() throws {
        let spec = try TestWorkspace.exampleSpecMovingFiles().replacingOccurrences(
            of: "  key: producer ", with: "  signatures: 2\n  key: producer ")
        let workspace = try TestWorkspace(spec: spec)
        defer { workspace.remove() }
        let keys = KeyStore(directory: workspace.root.appendingPathComponent("keys"))
        try keys.generate(name: "producer-2")
        try keys.generate(name: "alice", role: .reviewer)
        try workspace.drop(TestWorkspace.exampleDrop)
        guard case let .bundle(file, manifest, _) = try workspace.run().outcome else {
            Issue.record("no bundle")
            return
        }
        #expect(manifest.signatures == 2)
        func airlock(_ arguments: [String]) throws -> Shell.Result {
            try AirlockProcess.run(arguments + ["--workspace", workspace.root.path])
        }

        let once = try airlock(["verify", file.path])
        #expect(once.status == ExitStatus.verificationRefused.rawValue)
        #expect(once.error.contains("needs 2 producer signatures; signed by producer"), "\(once.error)")
        let own = try airlock(["cosign", file.path, "--key", "producer"])
        #expect(own.status == ExitStatus.usageOrConfig.rawValue)
        #expect(own.error.contains("a second signature needs another producer key"), "\(own.error)")
        let reviewer = try airlock(["cosign", file.path, "--key", "alice", "--name", "alice"])
        #expect(reviewer.status == 0, "\(reviewer.error)")
        let notCounted = try airlock(["verify", file.path])
        #expect(notCounted.status == ExitStatus.verificationRefused.rawValue)
        #expect(notCounted.error.contains("signatures/alice.sig"), "\(notCounted.error)")

        let second = try airlock(["cosign", file.path, "--key", "producer-2"])
        #expect(second.status == 0, "\(second.error)")
        #expect(second.output.contains("now holds signatures/producer-2.sig"), "\(second.output)")
        let twice = try airlock(["verify", file.path])
        #expect(twice.status == 0, "\(twice.error)")
        #expect(twice.output.contains("  signatures: 2 of 2 (producer, producer-2)\n"), "\(twice.output)")
        let applied = try airlock(["apply", file.path, "--target", "sqlite:\(workspace.root.path)/shop.db"])
        #expect(applied.status == 0, "\(applied.error)")

        let extracted = try Shell.extract(file)
        let checksums = try String(contentsOf: extracted.appendingPathComponent("SHA256SUMS"), encoding: .utf8)
        let ssh = try Shell.run(
            [
                "ssh-keygen", "-Y", "verify", "-f", workspace.allowedSigners.path, "-I", "producer-2", "-n",
                SigningNamespace.bundle, "-s", extracted.appendingPathComponent("signatures/producer-2.sig").path
            ], input: checksums)
        #expect(ssh.status == 0, "\(ssh.error)")
    }

    @Test func producerSignaturesAreOneToNine() throws {
        for value in ["0", "10", "two"] {
            let spec = try TestWorkspace.exampleSpecMovingFiles().replacingOccurrences(
                of: "  key: producer ", with: "  signatures: \(value)\n  key: producer ")
            let workspace = try TestWorkspace(spec: spec)
            defer { workspace.remove() }
            let run = try AirlockProcess.run(["run", "--once", "--workspace", workspace.root.path])
            #expect(run.status == ExitStatus.usageOrConfig.rawValue)
            #expect(run.error.contains("producer.signatures: expected how many producer keys sign each bundle, 1 to 9"))
        }
    }
}
