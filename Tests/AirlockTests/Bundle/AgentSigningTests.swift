import Foundation
import Testing

@testable import AirlockSite

/// Keys stay where people keep them: a passphrase-protected producer key and reviewer key,
/// held by a real ssh-agent, sign a bundle and an approval that `ssh-keygen -Y verify` accepts.
@Suite(.tags(.sshKeygen), .runsExternalPrograms) struct AgentSigningTests {
    private static let passphrase = "correct horse battery"

    /// A running `ssh-agent -D` on its own socket; stopped when released.
    private final class Agent {
        let socket: String
        private let process = Process()

        init(in folder: URL) throws {
            socket = folder.appendingPathComponent("agent.sock").path
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["ssh-agent", "-D", "-a", socket]
            // Its output must not hold the test runner's pipes open after the tests end.
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            guard AirlockProcess.wait(upTo: 10, for: { FileManager.default.fileExists(atPath: socket) }) else {
                throw ShellError(description: "ssh-agent did not start")
            }
        }

        /// SIGKILL: a child of the test runner may inherit a mask that blocks SIGTERM.
        deinit { kill(process.processIdentifier, SIGKILL) }

        /// `ssh-add KEY`, answering its passphrase prompt through SSH_ASKPASS.
        func add(_ key: URL, askpass: URL) throws {
            let result = try Shell.run([
                "SSH_AUTH_SOCK=\(socket)", "SSH_ASKPASS=\(askpass.path)", "SSH_ASKPASS_REQUIRE=force", "DISPLAY=:0",
                "ssh-add", key.path
            ])
            guard result.status == 0 else { throw ShellError(description: "ssh-add: \(result.error)") }
        }
    }

    /// `ssh-keygen -t ed25519` with the passphrase, at `path`.
    private static func protectedKey(at path: URL, comment: String) throws {
        try? FileManager.default.removeItem(at: path)
        try? FileManager.default.removeItem(at: URL(fileURLWithPath: path.path + ".pub"))
        let result = try Shell.run([
            "ssh-keygen", "-q", "-t", "ed25519", "-N", passphrase, "-C", comment, "-f", path.path
        ])
        guard result.status == 0 else { throw ShellError(description: "ssh-keygen: \(result.error)") }
    }

    @Test func protectedKeysSignThroughTheAgentAndSshKeygenAcceptsTheSignatures() throws {
        let workspace = try TestWorkspace()
        defer { workspace.remove() }
        let keys = workspace.root.appendingPathComponent("keys")
        let askpass = workspace.root.appendingPathComponent("askpass.sh")
        try "#!/bin/sh\necho '\(Self.passphrase)'\n".write(to: askpass, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: askpass.path)
        let agent = try Agent(in: workspace.root)

        // The producer key is protected: a run without the agent says what to do.
        let producerKey = keys.appendingPathComponent("producer")
        try Self.protectedKey(at: producerKey, comment: "producer")
        let store = KeyStore(directory: keys)
        try store.allow(name: "producer", key: try store.publicKey(producerKey.path + ".pub"), role: .producer)
        try workspace.drop(TestWorkspace.exampleDrop)
        let run = [AirlockProcess.executable.path, "run", "--once", "--workspace", workspace.root.path]
        let withoutAgent = try Shell.run(run)
        #expect(withoutAgent.status == 64)
        #expect(withoutAgent.error.contains("signs only through ssh-agent"), "\(withoutAgent.error)")
        let notHeld = try Shell.run(["SSH_AUTH_SOCK=\(agent.socket)"] + run)
        #expect(notHeld.error.contains("is not among the keys ssh-agent at \(agent.socket) holds"), "\(notHeld.error)")

        try agent.add(producerKey, askpass: askpass)
        let signed = try Shell.run(["SSH_AUTH_SOCK=\(agent.socket)"] + run)
        #expect(signed.status == 0, "\(signed.error)")
        let bundle = workspace.root.appendingPathComponent("outbox/bundle-000001.tar.gz")
        let folder = try Shell.extract(bundle)
        let sums = try String(contentsOf: folder.appendingPathComponent(BundleLayout.checksums), encoding: .utf8)
        let producerCheck = try Shell.run(
            [
                "ssh-keygen", "-Y", "verify", "-f", workspace.allowedSigners.path, "-I", "producer", "-n",
                SigningNamespace.bundle, "-s", folder.appendingPathComponent(BundleLayout.signature).path
            ], input: sums)
        #expect(producerCheck.status == 0, "\(producerCheck.error)")

        // A reviewer's own protected key, named by its path, approves through the agent.
        let aliceKey = workspace.root.appendingPathComponent("alice_ed25519")
        try Self.protectedKey(at: aliceKey, comment: "alice")
        try store.allow(name: "alice", key: try store.publicKey(aliceKey.path + ".pub"), role: .reviewer)
        try agent.add(aliceKey, askpass: askpass)
        let approve = try Shell.run([
            "SSH_AUTH_SOCK=\(agent.socket)", AirlockProcess.executable.path, "approve", bundle.path, "--key",
            aliceKey.path, "--workspace", workspace.root.path
        ])
        #expect(approve.status == 0, "\(approve.error)")
        let approved = try Shell.extract(bundle)
        let aliceCheck = try Shell.run(
            [
                "ssh-keygen", "-Y", "verify", "-f", workspace.allowedSigners.path, "-I", "alice", "-n",
                SigningNamespace.approval, "-s",
                approved.appendingPathComponent(BundleLayout.approval(by: "alice")).path
            ], input: sums)
        #expect(aliceCheck.status == 0, "\(aliceCheck.error)")
    }
}
