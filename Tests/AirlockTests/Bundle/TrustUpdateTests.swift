import Foundation
import Testing

@testable import AirlockSite

/// Trust moves to the sites in signed updates: a rotation to a new producer key and the
/// revocation of a reviewer, each taken only with enough trustee signatures, checked by
/// ssh-keygen as well, and never rolled back.
@Suite(.tags(.sshKeygen), .runsExternalPrograms) struct TrustUpdateTests {
    @Test func rotationAndRevocationReachTheSiteAndOlderTrustIsRefused() throws {
        let workspace = try TestWorkspace()
        defer { workspace.remove() }
        let root = workspace.root.path
        func airlock(_ arguments: [String]) throws -> Shell.Result {
            try Shell.run([AirlockProcess.executable.path] + arguments + ["--workspace", root])
        }
        for (name, role) in [("alice", "--reviewer"), ("trustee-1", "--trustee"), ("trustee-2", "--trustee")] {
            #expect(try airlock(["keygen", name, role]).status == 0)
        }
        // The site holds what the producer's keys/ held when it was set up, nothing more.
        let site = workspace.root.appendingPathComponent("site")
        try FileManager.default.createDirectory(at: site, withIntermediateDirectories: true)
        let siteSigners = site.appendingPathComponent("allowed_signers"),
            siteRevoked = site.appendingPathComponent("revoked_keys")
        try FileManager.default.copyItem(at: workspace.allowedSigners, to: siteSigners)
        let siteFlags = ["--allowed-signers", siteSigners.path, "--revoked-keys", siteRevoked.path]
        // The same files named by a site config, as a site that runs airlock trust apply --site has them.
        let siteConfig = site.appendingPathComponent("site.yml")
        try "allowed_signers: allowed_signers\nrevoked_keys: revoked_keys\n".write(
            to: siteConfig, atomically: true, encoding: .utf8)

        // Bundle 1, signed by the producer key the site trusts today.
        try workspace.drop(TestWorkspace.exampleDrop)
        #expect(try airlock(["run", "--once"]).status == 0)
        let oldKeyBundle = workspace.root.appendingPathComponent("outbox/bundle-000001.tar.gz")
        let oldKeyFiles = try Shell.extract(oldKeyBundle)
        let oldKeySums = try String(
            contentsOf: oldKeyFiles.appendingPathComponent(BundleLayout.checksums), encoding: .utf8)
        func checkOldKey(revoked: Bool) throws -> Shell.Result {
            try Shell.run(
                [
                    "ssh-keygen", "-Y", "verify", "-f", siteSigners.path, "-I", "producer", "-n",
                    SigningNamespace.bundle, "-s", oldKeyFiles.appendingPathComponent(BundleLayout.signature).path
                ] + (revoked ? ["-r", siteRevoked.path] : []), input: oldKeySums)
        }
        #expect(try airlock(["verify", oldKeyBundle.path] + siteFlags).status == 0)
        #expect(try checkOldKey(revoked: false).status == 0)

        // Version 1 raises the threshold to two trustees; the site's first update needs one.
        let first = workspace.root.appendingPathComponent("trust-1.tar.gz")
        #expect(try airlock(["trust", "make", "1", "--threshold", "2", "--out", first.path]).status == 0)
        #expect(try airlock(["trust", "sign", first.path, "--key", "trustee-1"]).status == 0)
        let tookFirst = try airlock(["trust", "apply", first.path] + siteFlags)
        #expect(tookFirst.status == 0, "\(tookFirst.error)")
        #expect(try TrustState(allowedSigners: siteSigners.path) == TrustState(version: 1, threshold: 2))
        let atVersion1 = site.appendingPathComponent("allowed_signers.v1")
        try FileManager.default.copyItem(at: siteSigners, to: atVersion1)

        // Version 2 rotates the producer key (the new one allowed, the old one revoked) and revokes alice.
        #expect(try airlock(["keygen", "producer-2027"]).status == 0)
        #expect(try airlock(["revoke", "producer"]).status == 0)
        #expect(try airlock(["revoke", "alice"]).status == 0)
        let second = workspace.root.appendingPathComponent("trust-2.tar.gz")
        #expect(try airlock(["trust", "make", "2", "--threshold", "2", "--out", second.path]).status == 0)
        #expect(try airlock(["trust", "sign", second.path, "--key", "trustee-1"]).status == 0)
        let short = try airlock(["trust", "apply", second.path] + siteFlags)
        #expect(short.status == 5)
        #expect(
            short.error.contains(
                "needs 2 trustee signatures by keys this site trusts for airlock-trust; signed by trustee-1"),
            "\(short.error)")
        #expect(try airlock(["trust", "sign", second.path, "--key", "trustee-2"]).status == 0)
        let tookSecond = try airlock(["trust", "apply", second.path, "--site", siteConfig.path])
        #expect(tookSecond.status == 0, "\(tookSecond.error)")
        #expect(try TrustState(allowedSigners: siteSigners.path) == TrustState(version: 2, threshold: 2))

        // The old producer key is retired: its bundle is refused by Airlock and by ssh-keygen.
        let oldKey = try airlock(["verify", oldKeyBundle.path, "--site", siteConfig.path])
        #expect(oldKey.status == 5, "\(oldKey.output)")
        #expect(oldKey.error.contains("revoked"), "\(oldKey.error)")
        #expect(try checkOldKey(revoked: false).status == 0)
        let oldKeyCheck = try checkOldKey(revoked: true)
        #expect(oldKeyCheck.status != 0, "\(oldKeyCheck.output)")

        // ssh-keygen checks each trustee signature against the trust the site held before.
        let extracted = try Shell.extract(second)
        let sums = try String(
            contentsOf: extracted.appendingPathComponent(TrustUpdateLayout.checksums), encoding: .utf8)
        for trustee in ["trustee-1", "trustee-2"] {
            let check = try Shell.run(
                [
                    "ssh-keygen", "-Y", "verify", "-f", atVersion1.path, "-I", trustee, "-n", SigningNamespace.trust,
                    "-s",
                    extracted.appendingPathComponent(TrustUpdateLayout.signature(by: trustee)).path
                ], input: sums)
            #expect(check.status == 0, "\(trustee): \(check.error)")
        }

        // A bundle signed by the new producer key verifies at the site, for Airlock and ssh-keygen;
        // alice's approval no longer counts there.
        let spec = try String(contentsOf: workspace.root.appendingPathComponent("airlock.yml"), encoding: .utf8)
        try spec.replacingOccurrences(of: "key: producer ", with: "key: producer-2027 ").write(
            to: workspace.root.appendingPathComponent("airlock.yml"), atomically: true, encoding: .utf8)
        try workspace.write(
            try String(
                contentsOf: TestWorkspace.fixtures.appendingPathComponent("drop2/payments.csv"), encoding: .utf8),
            toInbox: "payments.csv")
        let newKeyRun = try airlock(["run", "--once"])
        #expect(newKeyRun.status == 0, "\(newKeyRun.error)")
        let bundle = workspace.root.appendingPathComponent("outbox/bundle-000002.tar.gz")
        let verified = try airlock(["verify", bundle.path] + siteFlags)
        #expect(verified.status == 0, "\(verified.error)")
        #expect(verified.output.contains("signed by producer-2027"), "\(verified.output)")
        let bundleFiles = try Shell.extract(bundle)
        let producerCheck = try Shell.run(
            [
                "ssh-keygen", "-Y", "verify", "-f", siteSigners.path, "-I", "producer-2027", "-n",
                SigningNamespace.bundle,
                "-s", bundleFiles.appendingPathComponent(BundleLayout.signature).path
            ],
            input: try String(contentsOf: bundleFiles.appendingPathComponent(BundleLayout.checksums), encoding: .utf8))
        #expect(producerCheck.status == 0, "\(producerCheck.error)")
        #expect(try airlock(["approve", bundle.path, "--key", "alice"]).status == 0)
        let revoked = try airlock(["verify", bundle.path, "--require-approvals", "1"] + siteFlags)
        #expect(revoked.status == 5)
        #expect(revoked.error.contains("approved by nobody; not counted: approvals/alice.sig: key"), "\(revoked.error)")
        #expect(revoked.error.contains("is revoked"), "\(revoked.error)")
        // ssh-keygen refuses alice's approval too once it reads the site's revoked_keys.
        let approvedFiles = try Shell.extract(bundle)
        func checkApproval(_ extra: [String]) throws -> Shell.Result {
            try Shell.run(
                [
                    "ssh-keygen", "-Y", "verify", "-f", siteSigners.path, "-I", "alice", "-n",
                    SigningNamespace.approval,
                    "-s", approvedFiles.appendingPathComponent(BundleLayout.approval(by: "alice")).path
                ] + extra,
                input: try String(
                    contentsOf: approvedFiles.appendingPathComponent(BundleLayout.checksums), encoding: .utf8))
        }
        #expect(try checkApproval([]).status == 0)
        let approvalCheck = try checkApproval(["-r", siteRevoked.path])
        #expect(approvalCheck.status != 0, "\(approvalCheck.output)")

        // Version 1 again is a rollback of trust.
        let replay = try airlock(["trust", "apply", first.path] + siteFlags)
        #expect(replay.status == 5)
        #expect(
            replay.error.contains("trust update version 1 is not newer than version 2, which this site holds"),
            "\(replay.error)")
    }
}
