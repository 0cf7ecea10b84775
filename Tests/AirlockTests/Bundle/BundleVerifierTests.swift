import Foundation
import Testing

@testable import AirlockProducer
@testable import AirlockSite

/// An untouched bundle verifies, also after being unpacked and packed again by `tar`;
/// `AdversarialBundleTests` covers everything that must be refused.
@Suite(.tags(.sqlite3, .sshKeygen), .runsExternalPrograms) struct BundleVerifierTests {
    @Test func untouchedBundleVerifies() throws {
        let fixture = try TrustFixture.shared.get()
        let verified = try fixture.verifier().verify(fixture.bundle2)
        #expect(verified.signers == ["producer"])
        #expect(verified.manifest.sequence == 2)
        let repacked = fixture.file("repacked.tar.gz")
        let members = try ArchiveCrafter.entries(of: fixture.extracted).map(\.name)
        let tar = try Shell.run(["tar", "czf", repacked.path] + members, in: fixture.extracted)
        #expect(tar.status == 0, "\(tar.error)")
        #expect(try fixture.verifier().verify(repacked).digest == verified.digest)
    }
}

@Suite(.tags(.sqlite3, .sshKeygen), .runsExternalPrograms) struct SigningKeyTests {
    @Test func privateKeyRoundTripsAndSshKeygenReadsIt() throws {
        let workspace = try TestWorkspace()
        defer { workspace.remove() }
        let path = workspace.root.appendingPathComponent("keys/producer")
        let loaded = try SigningKey.load(path: path.path)
        let derived = try Shell.run(["ssh-keygen", "-y", "-f", path.path])
        #expect(derived.status == 0, "\(derived.error)")
        #expect(
            derived.output.hasPrefix(
                loaded.publicKey.openSSHLine.split(separator: " ").prefix(2).joined(separator: " ")))
        let pub = try String(contentsOf: workspace.root.appendingPathComponent("keys/producer.pub"), encoding: .utf8)
        #expect(pub == loaded.publicKey.openSSHLine + "\n")
    }

    @Test func sshKeygenSignaturesVerifyInAirlock() throws {
        let workspace = try TestWorkspace()
        defer { workspace.remove() }
        let message = workspace.root.appendingPathComponent("message")
        try "hello airlock\n".write(to: message, atomically: true, encoding: .utf8)
        let signed = try Shell.run([
            "ssh-keygen", "-Y", "sign", "-f", workspace.root.appendingPathComponent("keys/producer").path,
            "-n", "airlock-bundle", message.path
        ])
        #expect(signed.status == 0, "\(signed.error)")
        let signature = try SSHSignature(armored: try String(contentsOfFile: message.path + ".sig", encoding: .utf8))
        #expect(signature.isValid(for: Array("hello airlock\n".utf8)))
        #expect(!signature.isValid(for: Array("hello airlock!\n".utf8)))
        let ours = try SSHSignature.sign(
            Array("hello airlock\n".utf8), namespace: "airlock-bundle",
            with: try SigningKey.load(path: workspace.root.appendingPathComponent("keys/producer").path))
        #expect(ours.armored == (try String(contentsOfFile: message.path + ".sig", encoding: .utf8)))
    }
}
