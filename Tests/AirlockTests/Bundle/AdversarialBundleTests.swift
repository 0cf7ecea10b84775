import Foundation
import Testing

@testable import AirlockBase
@testable import AirlockProducer
@testable import AirlockSite
@testable import AirlockSpec

/// Every way a bundle can be forged, damaged, replayed or under-approved is refused, each with
/// a message that says what is wrong.
@Suite(.tags(.sqlite3), .runsExternalPrograms) struct AdversarialBundleTests {
    struct Attack: CustomTestStringConvertible, Sendable {
        var name: String
        /// A part of the message the refusal must carry.
        var expected: String
        var attempt: @Sendable (TrustFixture) throws -> Void

        var testDescription: String { name }
    }

    @Test(arguments: Self.attacks)
    func isRefused(_ attack: Attack) throws {
        let fixture = try TrustFixture.shared.get()
        do {
            try attack.attempt(fixture)
            Issue.record("\(attack.name) was accepted")
        } catch let error as VerificationError {
            #expect("\(error)".contains(attack.expected), "\(attack.name): \(error)")
        }
    }

    @Test func thereAreAtLeastTwentyFiveAttacks() {
        #expect(Self.attacks.count >= 25)
    }

    static let signedMembers =
        [
            "manifest.json", "validation.json", "report.md", "report.html",
            "changes/products.ndjson", "changes/payments.ndjson"
        ]
        + SQLDialect.allCases.flatMap { dialect in BundleScript.allCases.map { BundleLayout.script($0, for: dialect) } }

    static var attacks: [Attack] {
        signedMembers.map { member in
            Attack(name: "flipped byte in \(member)", expected: "member '\(member)' does not match its SHA-256") {
                fixture in
                try verify(
                    fixture.tampered { _, folder in try flipByte(in: folder.appendingPathComponent(member)) }, fixture)
            }
        } + [
            Attack(name: "flipped byte in SHA256SUMS.sig", expected: "SHA256SUMS.sig:") { fixture in
                try verify(
                    fixture.tampered { _, folder in
                        try flipByte(in: folder.appendingPathComponent("SHA256SUMS.sig"), at: 120)
                    }, fixture)
            },
            Attack(name: "script changed and SHA256SUMS re-hashed", expected: "the signature does not match SHA256SUMS")
            { fixture in
                try verify(
                    fixture.tampered { _, folder in
                        let script = folder.appendingPathComponent("sqlite/upsert.sql")
                        try (try String(contentsOf: script, encoding: .utf8) + "DROP TABLE payments;\n").write(
                            to: script, atomically: true, encoding: .utf8)
                        let sums = try Shell.run(["sha256sum"] + signedMembers.sorted(), in: folder).output
                        try sums.write(
                            to: folder.appendingPathComponent("SHA256SUMS"), atomically: true, encoding: .utf8)
                    }, fixture)
            },
            Attack(name: "extra member", expected: "member 'postgres/extra.sql' is not listed in SHA256SUMS") {
                fixture in
                try verify(
                    fixture.tampered { entries, _ in
                        entries.append(.init(name: "postgres/extra.sql", kind: .bytes(Array("DROP TABLE x;".utf8))))
                    }, fixture)
            },
            Attack(name: "missing member", expected: "member 'sqlite/rollback.sql' is missing") { fixture in
                try verify(
                    fixture.tampered { entries, _ in entries.removeAll { $0.name == "sqlite/rollback.sql" } }, fixture)
            },
            Attack(name: "renamed member", expected: "member 'sqlite/apply.sql' is not listed in SHA256SUMS") {
                fixture in
                try verify(
                    fixture.tampered { entries, _ in
                        let index = entries.firstIndex { $0.name == "sqlite/upsert.sql" }!
                        entries[index].name = "sqlite/apply.sql"
                    }, fixture)
            },
            Attack(name: "../ path", expected: "member '../manifest.json': an unsafe path") { fixture in
                try verify(
                    fixture.tampered { entries, _ in entries.append(.init(name: "../manifest.json", kind: .bytes([1])))
                    }, fixture)
            },
            Attack(name: "absolute path", expected: "member '/etc/cron.d/airlock': an unsafe path") { fixture in
                try verify(
                    fixture.tampered { entries, _ in
                        entries.insert(.init(name: "/etc/cron.d/airlock", kind: .bytes([1])), at: 0)
                    }, fixture)
            },
            Attack(name: "symlink member", expected: "member 'sqlite/upsert.sql': a symbolic link") { fixture in
                try verify(
                    fixture.tampered { entries, _ in
                        let index = entries.firstIndex { $0.name == "sqlite/upsert.sql" }!
                        entries[index].kind = .symlink(to: "/etc/passwd")
                    }, fixture)
            },
            Attack(name: "hardlink member", expected: "member 'sqlite/upsert.sql': a hard link") { fixture in
                try verify(
                    fixture.tampered { entries, _ in
                        let index = entries.firstIndex { $0.name == "sqlite/upsert.sql" }!
                        entries[index].kind = .hardlink(to: "postgres/upsert.sql")
                    }, fixture)
            },
            Attack(name: "device file", expected: "member 'sqlite/device': not a regular file") { fixture in
                try verify(
                    fixture.tampered { entries, _ in
                        entries.append(.init(name: "sqlite/device", kind: .characterDevice))
                    }, fixture)
            },
            Attack(name: "duplicate member name", expected: "member 'manifest.json': appears twice") { fixture in
                try verify(
                    fixture.tampered { entries, _ in
                        entries.append(.init(name: "manifest.json", kind: .bytes(Array("{}".utf8))))
                    }, fixture)
            },
            Attack(name: "decompression bomb", expected: "(a decompression bomb)") { fixture in
                let zeros = fixture.file("zeros")
                #expect(FileManager.default.createFile(atPath: zeros.path, contents: nil))
                let handle = try FileHandle(forWritingTo: zeros)
                for _ in 0..<96 { try handle.write(contentsOf: Data(count: 1 << 20)) }
                try handle.close()
                try verify(
                    fixture.tampered { entries, _ in
                        let index = entries.firstIndex { $0.name == "postgres/upsert.sql" }!
                        entries[index].kind = .file(zeros)
                    }, fixture)
            },
            Attack(name: "oversized manifest", expected: "member 'manifest.json': larger than 16 MB") { fixture in
                try verify(
                    fixture.tampered { entries, _ in
                        let index = entries.firstIndex { $0.name == "manifest.json" }!
                        entries[index].kind = .bytes(Array(repeating: UInt8(ascii: " "), count: 17 << 20))
                    }, fixture)
            },
            Attack(name: "signature by an unknown key", expected: "is not in allowed_signers") { fixture in
                let stranger = try TestWorkspace()
                defer { stranger.remove() }
                try verify(fixture.bundle2, fixture, verifier: try fixture.verifier(signers: stranger.allowedSigners))
            },
            Attack(name: "signature by a revoked key", expected: "is revoked") { fixture in
                let revoked = try fixture.write(
                    try String(
                        contentsOf: fixture.workspace.root.appendingPathComponent("keys/producer.pub"), encoding: .utf8),
                    to: "revoked")
                try verify(fixture.bundle2, fixture, verifier: try fixture.verifier(revoked: revoked))
            },
            Attack(name: "key outside its validity window", expected: "is outside its validity window") { fixture in
                let signers = try String(contentsOf: fixture.workspace.allowedSigners, encoding: .utf8)
                    .replacingOccurrences(
                        of: "namespaces=\"airlock-bundle\"",
                        with: "namespaces=\"airlock-bundle\",valid-before=\"20200101\"")
                try verify(
                    fixture.bundle2, fixture,
                    verifier: try fixture.verifier(signers: try fixture.write(signers, to: "signers")))
            },
            Attack(
                name: "key allowed only in another namespace", expected: "may not sign in namespace 'airlock-bundle'"
            ) { fixture in
                let signers = try String(contentsOf: fixture.workspace.allowedSigners, encoding: .utf8)
                    .replacingOccurrences(of: "namespaces=\"airlock-bundle\"", with: "namespaces=\"file\"")
                try verify(
                    fixture.bundle2, fixture,
                    verifier: try fixture.verifier(signers: try fixture.write(signers, to: "signers")))
            },
            Attack(
                name: "signature over a different namespace",
                expected: "made for namespace 'airlock-approval', not 'airlock-bundle'"
            ) { fixture in
                try verify(
                    fixture.tampered { _, folder in
                        let sums = [UInt8](try Data(contentsOf: folder.appendingPathComponent("SHA256SUMS")))
                        try signSums(sums, in: folder, namespace: "airlock-approval", fixture)
                    }, fixture)
            },
            Attack(
                name: "expiry on a day that does not exist, signed",
                expected: "expires '2026-11-31T00:00:00Z' is not a UTC time as bundles write it"
            ) { fixture in
                try verify(
                    fixture.tampered { _, folder in
                        let manifest = folder.appendingPathComponent("manifest.json")
                        let text = try String(contentsOf: manifest, encoding: .utf8)
                        let expires = try #require(text.firstRange(of: /"expires" *: *"[^"]*"/))
                        try text.replacingCharacters(in: expires, with: "\"expires\":\"2026-11-31T00:00:00Z\"")
                            .write(to: manifest, atomically: true, encoding: .utf8)
                        let sumsFile = folder.appendingPathComponent("SHA256SUMS")
                        let lines = try String(contentsOf: sumsFile, encoding: .utf8).split(separator: "\n")
                        let manifestSum = "\(try FileDigest.sha256(of: manifest))  manifest.json"
                        let sums =
                            lines.map { $0.hasSuffix("  manifest.json") ? manifestSum : String($0) }
                            .joined(separator: "\n") + "\n"
                        try sums.write(to: sumsFile, atomically: true, encoding: .utf8)
                        try signSums(Array(sums.utf8), in: folder, namespace: "airlock-bundle", fixture)
                    }, fixture)
            },
            Attack(name: "approval by the producer", expected: "a producer cannot approve its own bundle") { fixture in
                let signers = try String(contentsOf: fixture.workspace.allowedSigners, encoding: .utf8)
                    .replacingOccurrences(
                        of: "namespaces=\"airlock-bundle\"", with: "namespaces=\"airlock-bundle,airlock-approval\"")
                let bundle = try fixture.tampered { entries, folder in
                    let sums = [UInt8](try Data(contentsOf: folder.appendingPathComponent("SHA256SUMS")))
                    let approval = try SSHSignature.sign(
                        sums, namespace: "airlock-approval", with: try fixture.keys.signingKey("producer"))
                    entries.append(.init(name: "approvals/producer.sig", kind: .bytes(Array(approval.armored.utf8))))
                }
                try verify(
                    bundle, fixture, verifier: try fixture.verifier(signers: try fixture.write(signers, to: "signers")),
                    policy: .init(approvals: SiteApprovals(count: 1)))
            },
            Attack(
                name: "approval over a different namespace",
                expected: "approvals/alice.sig: made for namespace 'airlock-bundle'"
            ) { fixture in
                let bundle = try fixture.tampered { entries, folder in
                    let sums = [UInt8](try Data(contentsOf: folder.appendingPathComponent("SHA256SUMS")))
                    let approval = try SSHSignature.sign(
                        sums, namespace: "airlock-bundle", with: try fixture.keys.signingKey("alice"))
                    entries.append(.init(name: "approvals/alice.sig", kind: .bytes(Array(approval.armored.utf8))))
                }
                try verify(bundle, fixture, policy: .init(approvals: SiteApprovals(count: 1)))
            },
            Attack(name: "too few approvals", expected: "needs 2 approvals; approved by alice") { fixture in
                try verify(
                    try fixture.approvedCopy(by: ["alice"]), fixture,
                    policy: .init(approvals: SiteApprovals(count: 2)))
            },
            Attack(
                name: "one key approving under two names",
                expected: "needs 2 approvals; approved by alice; not counted: approvals/alice2.sig"
            ) { fixture in
                let signers = try String(contentsOf: fixture.workspace.allowedSigners, encoding: .utf8)
                    .replacingOccurrences(of: "alice namespaces", with: "alice,alice2 namespaces")
                let bundle = try fixture.approvedCopy(by: ["alice"])
                try Reviewer(key: try fixture.keys.signingKey("alice"), name: "alice2").approve(
                    bundle, verifier: try fixture.verifier())
                try verify(
                    bundle, fixture, verifier: try fixture.verifier(signers: try fixture.write(signers, to: "signers")),
                    policy: .init(approvals: SiteApprovals(count: 2)))
            },
            Attack(name: "required role missing", expected: "needs 1 approval including role dba; approved by alice") {
                fixture in
                try verify(
                    try fixture.approvedCopy(by: ["alice"]), fixture,
                    policy: .init(approvals: SiteApprovals(count: 1, roles: ["dba"])))
            },
            Attack(name: "rejected by a reviewer", expected: "rejected by bob: totals doubled") { fixture in
                let bundle = try fixture.approvedCopy(by: ["alice"])
                try Reviewer(key: try fixture.keys.signingKey("bob"), name: "bob").reject(
                    bundle, reason: "totals doubled", verifier: try fixture.verifier())
                try verify(bundle, fixture)
            },
            Attack(name: "replayed older bundle", expected: "bundle 1 (airlock-000001-") { fixture in
                try verify(
                    fixture.bundle1, fixture,
                    policy: .init(chain: try Target("sqlite:" + fixture.targetAtTwo.path).appliedChain()))
            },
            Attack(
                name: "replayed last bundle", expected: "is already applied to the target; a replayed bundle is refused"
            ) { fixture in
                try verify(
                    fixture.bundle2, fixture,
                    policy: .init(chain: try Target("sqlite:" + fixture.targetAtTwo.path).appliedChain()))
            },
            Attack(
                name: "skipped sequence",
                expected: "bundle 2 skips sequence: the target is at bundle 0; apply bundle 1 first"
            ) { fixture in
                try verify(fixture.bundle2, fixture, policy: .init(chain: .empty))
            },
            Attack(name: "fork: two bundles with the same parent", expected: "bundle 2 forks the chain") { fixture in
                try verify(
                    fixture.forked2, fixture,
                    policy: .init(chain: try Target("sqlite:" + fixture.targetAtTwo.path).appliedChain()))
            },
            Attack(name: "expired bundle", expected: "the bundle expired at") { fixture in
                try verify(
                    fixture.bundle2, fixture,
                    policy: .init(now: Date().addingTimeInterval(TimeInterval(Spec.defaultBundleLifetime + 86_400))))
            },
            Attack(name: "truncated archive", expected: "not a readable bundle archive") { fixture in
                let bytes = try Data(contentsOf: fixture.bundle2)
                let truncated = fixture.file("truncated.tar.gz")
                try bytes.prefix(bytes.count / 2).write(to: truncated)
                try verify(truncated, fixture)
            },
            Attack(name: "not a gzip (plain tar)", expected: "not gzip-compressed") { fixture in
                let plain = fixture.file("plain.tar")
                try ArchiveCrafter.write(try ArchiveCrafter.entries(of: fixture.extracted), to: plain, gzip: false)
                try verify(plain, fixture)
            },
            Attack(name: "not an archive at all", expected: "not a readable bundle archive") { fixture in
                try verify(try fixture.write("SELECT 1;\n", to: "garbage.tar.gz"), fixture)
            }
        ]
    }

    private static func verify(
        _ bundle: URL, _ fixture: TrustFixture, verifier: BundleVerifier? = nil,
        policy: BundleVerifier.Policy = .init()
    ) throws {
        _ = try (verifier ?? fixture.verifier()).verify(bundle, policy: policy)
    }

    /// Signs `sums` with the producer's key in `namespace` as the bundle's `SHA256SUMS.sig`
    /// in the unpacked bundle `folder`.
    private static func signSums(_ sums: [UInt8], in folder: URL, namespace: String, _ fixture: TrustFixture) throws {
        let signature = try SSHSignature.sign(sums, namespace: namespace, with: try fixture.keys.signingKey("producer"))
        try signature.armored.write(
            to: folder.appendingPathComponent("SHA256SUMS.sig"), atomically: true, encoding: .utf8)
    }

    private static func flipByte(in file: URL, at offset: Int? = nil) throws {
        var bytes = [UInt8](try Data(contentsOf: file))
        bytes[offset ?? bytes.count / 2] ^= 0x01
        try Data(bytes).write(to: file)
    }
}
