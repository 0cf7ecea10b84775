@testable import AirlockCore
import Foundation
import Testing

/// A bundle changed in any way after signing is refused, each time with a specific reason.
@Suite struct BundleVerifierTests {
    private struct Fixture {
        let workspace: TestWorkspace
        let bundle: URL
        let extracted: URL

        init() throws {
            workspace = try TestWorkspace()
            try workspace.drop(TestWorkspace.exampleDrop)
            guard case let .bundle(file, _, _) = try workspace.run().outcome else { throw ShellError(description: "no bundle") }
            bundle = file
            extracted = try Shell.extract(file)
        }

        /// Packs the extracted folder, after `change`, into a new bundle file.
        func repack(_ change: (URL) throws -> Void) throws -> URL {
            try change(extracted)
            let output = workspace.root.appendingPathComponent("tampered-\(UUID().uuidString).tar.gz")
            let members = try Shell.run(["find", ".", "-mindepth", "1", "-not", "-type", "d"], in: extracted).output
                .split(separator: "\n").map { String($0.dropFirst(2)) }.sorted()
            let result = try Shell.run(["tar", "czf", output.path] + members, in: extracted)
            guard result.status == 0 else { throw ShellError(description: result.error) }
            return output
        }

        func verify(_ file: URL, signers: URL? = nil) throws {
            _ = try BundleVerifier(allowedSigners: try AllowedSigners(path: (signers ?? workspace.allowedSigners).path)).verify(file)
        }
    }

    @Test func untouchedBundleVerifies() throws {
        let fixture = try Fixture()
        defer { fixture.workspace.remove() }
        try fixture.verify(fixture.bundle)
        try fixture.verify(try fixture.repack { _ in })
    }

    @Test(arguments: ["manifest.json", "postgres/upsert.sql", "postgres/rollback.sql", "sqlite/upsert.sql", "sqlite/rollback.sql"])
    func flippedByteInAnyMemberIsRefused(member: String) throws {
        let fixture = try Fixture()
        defer { fixture.workspace.remove() }
        let tampered = try fixture.repack { folder in
            let url = folder.appendingPathComponent(member)
            var bytes = [UInt8](try Data(contentsOf: url))
            bytes[bytes.count / 2] ^= 0x01
            try Data(bytes).write(to: url)
        }
        #expect(throws: VerificationError.checksumMismatch(name: member)) { try fixture.verify(tampered) }
    }

    @Test func changedChecksumsBreakTheSignature() throws {
        let fixture = try Fixture()
        defer { fixture.workspace.remove() }
        let tampered = try fixture.repack { folder in
            // Re-hash a changed script so SHA256SUMS matches it again: only the signature can tell.
            let script = folder.appendingPathComponent("sqlite/upsert.sql")
            try (try String(contentsOf: script, encoding: .utf8) + "DROP TABLE payments;\n").write(to: script, atomically: true, encoding: .utf8)
            let sums = try Shell.run(["sha256sum", "manifest.json", "postgres/rollback.sql", "postgres/upsert.sql", "sqlite/rollback.sql", "sqlite/upsert.sql"], in: folder)
            try sums.output.write(to: folder.appendingPathComponent("SHA256SUMS"), atomically: true, encoding: .utf8)
        }
        #expect(throws: VerificationError.badSignature(reason: "the signature does not match SHA256SUMS")) { try fixture.verify(tampered) }
    }

    @Test func extraAndMissingMembersAreRefused() throws {
        let fixture = try Fixture()
        defer { fixture.workspace.remove() }
        let extra = try fixture.repack { folder in
            try "SELECT 1;\n".write(to: folder.appendingPathComponent("postgres/extra.sql"), atomically: true, encoding: .utf8)
        }
        #expect(throws: VerificationError.unlistedMember(name: "postgres/extra.sql")) { try fixture.verify(extra) }
        let missing = try fixture.repack { folder in
            try FileManager.default.removeItem(at: folder.appendingPathComponent("postgres/extra.sql"))
            try FileManager.default.removeItem(at: folder.appendingPathComponent("sqlite/rollback.sql"))
        }
        #expect(throws: VerificationError.missingMember(name: "sqlite/rollback.sql")) { try fixture.verify(missing) }
    }

    @Test func signatureByAnUnknownKeyIsRefused() throws {
        let fixture = try Fixture()
        defer { fixture.workspace.remove() }
        let other = try TestWorkspace()
        defer { other.remove() }
        #expect(throws: VerificationError.self) { try fixture.verify(fixture.bundle, signers: other.allowedSigners) }
        // A key allowed only for another namespace may not sign bundles.
        let narrowed = try String(contentsOf: fixture.workspace.allowedSigners, encoding: .utf8)
            .replacingOccurrences(of: "namespaces=\"airlock-bundle\"", with: "namespaces=\"airlock-approval\"")
        let narrowedFile = fixture.workspace.root.appendingPathComponent("narrowed_signers")
        try narrowed.write(to: narrowedFile, atomically: true, encoding: .utf8)
        #expect(throws: VerificationError.self) { try fixture.verify(fixture.bundle, signers: narrowedFile) }
    }

    @Test func pathTraversalAndNonArchivesAreRefused() throws {
        let fixture = try Fixture()
        defer { fixture.workspace.remove() }
        let evil = fixture.workspace.root.appendingPathComponent("evil.tar.gz")
        let result = try Shell.run(["tar", "czf", evil.path, "-P", "--transform", "s|^|../|", "manifest.json"], in: fixture.extracted)
        #expect(result.status == 0)
        #expect(throws: VerificationError.unsafeMember(name: "../manifest.json", reason: "an unsafe path (absolute, '..', empty or control characters)")) {
            try fixture.verify(evil)
        }
        let garbage = fixture.workspace.root.appendingPathComponent("garbage.tar.gz")
        try Data("not a bundle".utf8).write(to: garbage)
        #expect(throws: VerificationError.self) { try fixture.verify(garbage) }
    }
}

@Suite struct SigningKeyTests {
    @Test func privateKeyRoundTripsAndSshKeygenReadsIt() throws {
        let workspace = try TestWorkspace()
        defer { workspace.remove() }
        let path = workspace.root.appendingPathComponent("keys/producer")
        let loaded = try SigningKey.load(path: path.path)
        let derived = try Shell.run(["ssh-keygen", "-y", "-f", path.path])
        #expect(derived.status == 0, "\(derived.error)")
        #expect(derived.output.hasPrefix(loaded.publicKey.openSSHLine.split(separator: " ").prefix(2).joined(separator: " ")))
        let pub = try String(contentsOf: workspace.root.appendingPathComponent("keys/producer.pub"), encoding: .utf8)
        #expect(pub == loaded.publicKey.openSSHLine + "\n")
    }

    @Test func sshKeygenSignaturesVerifyInAirlock() throws {
        let workspace = try TestWorkspace()
        defer { workspace.remove() }
        let message = workspace.root.appendingPathComponent("message")
        try "hello airlock\n".write(to: message, atomically: true, encoding: .utf8)
        let signed = try Shell.run(["ssh-keygen", "-Y", "sign", "-f", workspace.root.appendingPathComponent("keys/producer").path,
                                    "-n", "airlock-bundle", message.path])
        #expect(signed.status == 0, "\(signed.error)")
        let signature = try SSHSignature(armored: try String(contentsOfFile: message.path + ".sig", encoding: .utf8))
        #expect(signature.isValid(for: Array("hello airlock\n".utf8)))
        #expect(!signature.isValid(for: Array("hello airlock!\n".utf8)))
        let ours = try SSHSignature.sign(Array("hello airlock\n".utf8), namespace: "airlock-bundle",
                                         with: try SigningKey.load(path: workspace.root.appendingPathComponent("keys/producer").path))
        #expect(ours.armored == (try String(contentsOfFile: message.path + ".sig", encoding: .utf8)))
    }
}
