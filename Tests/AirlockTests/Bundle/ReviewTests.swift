import Foundation
import Logging
import Testing

@testable import AirlockBase
@testable import AirlockProducer
@testable import AirlockSite

/// Approvals, rejections, revocation, discard and reproducible bundles, checked against the
/// tools a site without Airlock would use (`ssh-keygen`, `sqlite3`, `psql`).
@Suite(.tags(.postgres, .sqlite3, .sshKeygen), .runsExternalPrograms) struct ReviewTests {
    @Test func approvalsLeaveSignedMembersUntouchedAndSshKeygenAcceptsThem() throws {
        let fixture = try TrustFixture.shared.get()
        let approved = try fixture.approvedCopy(by: ["alice", "bob"])
        let before = try BundleArchive.read(fixture.bundle2, keepContent: { _ in false })
        let after = try BundleArchive.read(approved, keepContent: { _ in false })
        #expect(Set(after.keys) == Set(before.keys).union(["approvals/alice.sig", "approvals/bob.sig"]))
        for (name, member) in before { #expect(after[name]?.sha256 == member.sha256, "\(name) changed") }

        let verified = try fixture.verifier().verify(approved, policy: .init(approvals: SiteApprovals(count: 2)))
        #expect(verified.approvals.map(\.name) == ["alice", "bob"])
        #expect(verified.ignored.isEmpty)

        let folder = try Shell.extract(approved)
        let sums = try String(contentsOf: folder.appendingPathComponent("SHA256SUMS"), encoding: .utf8)
        for (principal, namespace, signature) in [
            ("producer", "airlock-bundle", "SHA256SUMS.sig"),
            ("alice", "airlock-approval", "approvals/alice.sig"),
            ("bob", "airlock-approval", "approvals/bob.sig")
        ] {
            let ssh = try Shell.run(
                [
                    "ssh-keygen", "-Y", "verify", "-f", fixture.workspace.allowedSigners.path, "-I", principal,
                    "-n", namespace, "-s", folder.appendingPathComponent(signature).path
                ], input: sums)
            #expect(ssh.status == 0, "\(signature): \(ssh.error)")
        }

        // A revoked reviewer no longer counts, for Airlock and for ssh-keygen alike.
        let revoked = try fixture.write(
            try String(contentsOf: fixture.workspace.root.appendingPathComponent("keys/alice.pub"), encoding: .utf8),
            to: "revoked")
        let withoutAlice = try fixture.verifier(revoked: revoked).verify(approved)
        #expect(withoutAlice.approvals.map(\.name) == ["bob"])
        #expect(withoutAlice.ignored.first?.contains("is revoked") == true)
        let ssh = try Shell.run(
            [
                "ssh-keygen", "-Y", "verify", "-f", fixture.workspace.allowedSigners.path, "-r", revoked.path, "-I",
                "alice",
                "-n", "airlock-approval", "-s", folder.appendingPathComponent("approvals/alice.sig").path
            ], input: sums)
        #expect(ssh.status != 0)
    }

    @Test func aReviewersExistingSshKeyCanApprove() throws {
        let fixture = try TrustFixture.shared.get()
        let own = fixture.file("carol")
        let made = try Shell.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "carol@example", "-f", own.path])
        #expect(made.status == 0, "\(made.error)")
        let store = KeyStore(directory: fixture.file("keys"))
        try store.allow(
            name: "carol", key: try store.publicKey(own.path + ".pub"), role: .reviewer, validAfter: "20200101")
        let signers = try fixture.write(
            try String(contentsOf: fixture.workspace.allowedSigners, encoding: .utf8)
                + (try String(contentsOf: store.allowedSigners, encoding: .utf8)), to: "signers")

        let bundle = fixture.file("bundle.tar.gz")
        try FileManager.default.copyItem(at: fixture.bundle2, to: bundle)
        let verifier = try fixture.verifier(signers: signers)
        try Reviewer(key: try SigningKey.load(path: own.path), name: "carol").approve(bundle, verifier: verifier)
        let verified = try verifier.verify(bundle, policy: .init(approvals: SiteApprovals(count: 1)))
        #expect(verified.approvals.map(\.name) == ["carol"])

        let folder = try Shell.extract(bundle)
        let ssh = try Shell.run(
            [
                "ssh-keygen", "-Y", "verify", "-f", signers.path, "-I", "carol", "-n", "airlock-approval",
                "-s", folder.appendingPathComponent("approvals/carol.sig").path
            ],
            input: try String(contentsOf: folder.appendingPathComponent("SHA256SUMS"), encoding: .utf8))
        #expect(ssh.status == 0, "\(ssh.error)")
    }

    @Test func theProducerCannotApproveItsOwnBundle() throws {
        let fixture = try TrustFixture.shared.get()
        let bundle = fixture.file("bundle.tar.gz")
        try FileManager.default.copyItem(at: fixture.bundle2, to: bundle)
        let producer = try fixture.keys.signingKey("producer")
        #expect(throws: ReviewError.ownBundle(fingerprint: producer.publicKey.fingerprint)) {
            try Reviewer(key: producer, name: "producer").approve(bundle, verifier: try fixture.verifier())
        }
        #expect(try Data(contentsOf: bundle) == (try Data(contentsOf: fixture.bundle2)))
    }

    @Test func rolesArePrincipalsInAllowedSigners() throws {
        let fixture = try TrustFixture.shared.get()
        let signers = try String(contentsOf: fixture.workspace.allowedSigners, encoding: .utf8)
            .replacingOccurrences(of: "alice namespaces", with: "alice,dba namespaces")
        let verifier = try fixture.verifier(signers: try fixture.write(signers, to: "signers"))
        let verified = try verifier.verify(
            try fixture.approvedCopy(by: ["alice"]),
            policy: .init(approvals: SiteApprovals(count: 1, roles: ["dba"])))
        #expect(verified.approvals.first?.principals == ["alice", "dba"])
    }

    @Test func aBundleMadeAfterADiscardFollowsTheTargetsChain() throws {
        let fixture = try TrustFixture.shared.get()
        let chain = try Target("sqlite:" + fixture.targetAtOne.path).appliedChain()
        #expect(chain.headSequence == 1)
        let verified = try fixture.verifier().verify(fixture.forked2, policy: .init(chain: chain))
        #expect(verified.manifest.sequence == 2)
        #expect(verified.manifest.entities.map(\.name) == ["payments"])
    }

    @Test func discardRestoresTheBaselineOfTheLastAcceptedBundle() throws {
        let workspace = try TestWorkspace()
        defer { workspace.remove() }
        try workspace.drop(TestWorkspace.exampleDrop)
        guard case let .bundle(_, _, firstDigest) = try workspace.run().outcome else {
            throw ShellError(description: "no bundle 1")
        }
        let afterOne = try baseline(workspace)
        try workspace.drop(TestWorkspace.secondDrop)
        guard case let .bundle(file, _, digest) = try workspace.run().outcome else {
            throw ShellError(description: "no bundle 2")
        }
        #expect(try baseline(workspace) != afterOne)

        let producer = Producer(workspace: try Workspace(root: workspace.root.path), logger: .test)
        #expect(throws: DiscardError.notLatest(sequence: 1, latest: 2)) { try producer.discard(digest: firstDigest) }
        #expect(throws: DiscardError.noSuchSource(name: "other.csv", sequence: 2)) {
            try producer.discard(digest: digest, requeue: ["other.csv"])
        }
        let discarded = try producer.discard(digest: digest)
        #expect(discarded.discardedFiles == ["payments.csv", "products.json"])
        #expect(try baseline(workspace) == afterOne)
        #expect(!FileManager.default.fileExists(atPath: file.path))
        #expect(discarded.movedTo.map { FileManager.default.fileExists(atPath: $0.path) } == true)
        // The set-aside files stay out of the next run; corrected content makes bundle 2 again.
        #expect(try workspace.run().outcome == .noNewFiles)
        try workspace.write(
            try String(contentsOf: TestWorkspace.secondDrop[1], encoding: .utf8)
                + "9999,New,Row,1.00,card,2026-11-02\n",
            toInbox: "payments-fixed.csv")
        guard case let .bundle(_, manifest, _) = try workspace.run().outcome else {
            throw ShellError(description: "no new bundle 2")
        }
        #expect(manifest.sequence == 2)
        #expect(manifest.parent == firstDigest)
    }

    @Test func sameInputsKeysAndTimeGiveIdenticalBytes() throws {
        let first = try TestWorkspace(), second = try TestWorkspace()
        defer { first.remove(); second.remove() }
        for name in ["producer", "producer.pub", "allowed_signers"] {
            let target = second.root.appendingPathComponent("keys/\(name)")
            try FileManager.default.removeItem(at: target)
            try FileManager.default.copyItem(at: first.root.appendingPathComponent("keys/\(name)"), to: target)
        }
        func bundle(_ workspace: TestWorkspace, at time: Int) throws -> Data {
            try workspace.drop(TestWorkspace.exampleDrop)
            guard
                case let .bundle(file, _, _) = try Producer(
                    workspace: try Workspace(root: workspace.root.path), logger: .test, fixedTime: time
                ).runOnce().outcome
            else {
                throw ShellError(description: "no bundle")
            }
            return try Data(contentsOf: file)
        }
        let time = 1_795_000_000
        let one = try bundle(first, at: time)
        let two = try bundle(second, at: time)
        #expect(one == two)
        #expect(Array(one[4..<8]) == [0, 0, 0, 0], "gzip header carries no timestamp")
        let third = try TestWorkspace()
        defer { third.remove() }
        try FileManager.default.removeItem(at: third.root.appendingPathComponent("keys/producer"))
        try FileManager.default.copyItem(
            at: first.root.appendingPathComponent("keys/producer"),
            to: third.root.appendingPathComponent("keys/producer"))
        #expect(try bundle(third, at: time + 1) != one, "a different time must change the bytes")
    }

    @Test func postgresLedgerGivesTheChain() throws {
        let fixture = try TrustFixture.shared.get()
        let postgres = try Postgres.freshDatabase()
        let target = try Target("postgres:" + postgres.conninfo)
        #expect(try target.appliedChain() == .empty)
        let one = try Shell.extract(fixture.bundle1)
        let applied = try postgres.apply(one.appendingPathComponent("postgres/upsert.sql"))
        #expect(applied.status == 0, "\(applied.error)")
        let chain = try target.appliedChain()
        let first = try fixture.verifier().verify(fixture.bundle1)
        #expect(chain.head == first.digest)
        #expect(chain.headSequence == 1)
        #expect(try fixture.verifier().verify(fixture.bundle2, policy: .init(chain: chain)).manifest.sequence == 2)
        #expect(throws: VerificationError.self) {
            try fixture.verifier().verify(fixture.bundle1, policy: .init(chain: chain))
        }

        #expect(try postgres.apply(one.appendingPathComponent("postgres/rollback.sql")).status == 0)
        let rolledBack = try target.appliedChain()
        #expect(rolledBack.head == "")
        #expect(try fixture.verifier().verify(fixture.bundle1, policy: .init(chain: rolledBack)).manifest.sequence == 1)
    }

    private func baseline(_ workspace: TestWorkspace) throws -> String {
        let result = try Shell.run([
            "sqlite3", workspace.database.path,
            "SELECT * FROM base_products ORDER BY 1; SELECT * FROM base_payments ORDER BY 1;"
        ])
        #expect(result.status == 0, "\(result.error)")
        return result.output
    }
}
