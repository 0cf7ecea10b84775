import Foundation
import Testing

@testable import AirlockBase
@testable import AirlockProducer
@testable import AirlockSite

/// A site keeps its policy in its own config (`--site FILE`): the keys it trusts, the
/// approvals it requires, how long past expiry it still takes a bundle, and its databases by
/// name, one of them a rehearsal copy that only takes dry runs. Real `airlock` processes on a
/// site folder that holds nothing but the config, its keys and the bundle.
@Suite(.tags(.sqlite3), .runsExternalPrograms) struct SiteConfigTests {
    /// A producer workspace, one bundle made `daysAgo` days ago (the example's bundles expire
    /// after 30 days), and a site folder with a copy of it and of allowed_signers under keys/.
    private struct Site {
        let workspace: TestWorkspace
        let folder: URL
        let bundle: URL

        init(daysAgo: Int = 0) throws {
            workspace = try TestWorkspace()
            try KeyStore(directory: workspace.root.appendingPathComponent("keys")).generate(
                name: "alice", role: .reviewer)
            try workspace.drop(TestWorkspace.exampleDrop)
            let made = Int(Date().timeIntervalSince1970) - daysAgo * 86_400
            let producer = Producer(workspace: try Workspace(root: workspace.root.path), logger: .test, fixedTime: made)
            guard case let .bundle(file, _, _) = try producer.runOnce().outcome else {
                throw ShellError(description: "no bundle")
            }
            folder = workspace.root.appendingPathComponent("site")
            try FileManager.default.createDirectory(
                at: folder.appendingPathComponent("keys"), withIntermediateDirectories: true)
            bundle = folder.appendingPathComponent(file.lastPathComponent)
            try FileManager.default.copyItem(at: file, to: bundle)
            try FileManager.default.copyItem(
                at: workspace.allowedSigners, to: folder.appendingPathComponent("keys/allowed_signers"))
        }

        /// Writes `site.yml` (or `name`) into the site folder and returns its path.
        @discardableResult func config(_ text: String, name: String = "site.yml") throws -> String {
            let file = folder.appendingPathComponent(name)
            try text.write(to: file, atomically: true, encoding: .utf8)
            return file.path
        }

        /// `airlock ARGUMENTS` run from elsewhere, so only the config's own paths can find the keys.
        func airlock(_ arguments: [String]) throws -> Shell.Result {
            try Shell.run(
                [AirlockProcess.executable.path] + arguments + [
                    "--workspace", folder.appendingPathComponent("none").path
                ])
        }

        func remove() { workspace.remove() }
    }

    @Test func theSitesApprovalsAreEnforcedAndAFlagMayOnlyAddToThem() throws {
        let site = try Site()
        defer { site.remove() }
        let config = try site.config("allowed_signers: keys/allowed_signers\napprovals: {required: 1}\n")

        let unapproved = try site.airlock(["verify", site.bundle.path, "--site", config])
        #expect(unapproved.status == ExitStatus.verificationRefused.rawValue, "\(unapproved.error)")
        #expect(unapproved.error.contains("needs 1 approval; approved by nobody"), "\(unapproved.error)")
        let dryRun = try site.airlock([
            "apply", site.bundle.path, "--site", config, "--target", "sqlite:\(site.folder.path)/shop.db", "--dry-run"
        ])
        #expect(dryRun.status == ExitStatus.verificationRefused.rawValue, "\(dryRun.error)")

        let weaker = try site.airlock(["verify", site.bundle.path, "--site", config, "--require-approvals", "0"])
        #expect(weaker.status == ExitStatus.usageOrConfig.rawValue)
        #expect(
            weaker.error.contains(
                "--require-approvals 0 asks for fewer approvals than the site requires (1, \(config)); a command may ask for more, never less"
            ), "\(weaker.error)")

        let approve = try Shell.run([
            AirlockProcess.executable.path, "approve", site.bundle.path, "--key", "alice", "--workspace",
            site.workspace.root.path
        ])
        #expect(approve.status == 0, "\(approve.error)")
        let approved = try site.airlock(["verify", site.bundle.path, "--site", config])
        #expect(approved.status == 0, "\(approved.error)")
        #expect(approved.output.contains("  approvals: 1 of 1 (alice)\n"), "\(approved.output)")
        let more = try site.airlock(["verify", site.bundle.path, "--site", config, "--require-approvals", "2"])
        #expect(more.status == ExitStatus.verificationRefused.rawValue)
        #expect(more.error.contains("needs 2 approvals; approved by alice"), "\(more.error)")
        let role = try site.airlock([
            "verify", site.bundle.path, "--site",
            try site.config(
                "allowed_signers: keys/allowed_signers\napprovals: {required: 1, roles: [dba]}\n", name: "dba.yml")
        ])
        #expect(role.status == ExitStatus.verificationRefused.rawValue)
        #expect(role.error.contains("including role dba"), "\(role.error)")
    }

    /// The config's count is a floor: a bundle that needs more needs more (never refused as a
    /// weaker site), one that needs fewer needs the config's; flags raise it, never lower it.
    @Test func theConfigsApprovalsAreAFloorAndFlagsOnlyRaiseIt() throws {
        var config = SiteConfig()
        config.path = "/etc/airlock/site.yml"
        config.approvals = SiteApprovals(count: 1, roles: ["dba"])
        let site = try config.approvals(adding: SiteApprovals(roles: ["ops"]))
        #expect(site.required(by: ApprovalPolicy(required: 2)) == ApprovalPolicy(required: 2, roles: ["dba", "ops"]))
        #expect(site.required(by: ApprovalPolicy(required: 0)) == ApprovalPolicy(required: 1, roles: ["dba", "ops"]))
        #expect(!site.isWeaker(than: ApprovalPolicy(required: 2)))
        let raised = try config.approvals(adding: SiteApprovals(count: 3))
        #expect(raised.required(by: ApprovalPolicy(required: 2)).required == 3)
        #expect(throws: SiteConfigError.weakerThanSite(asked: 0, site: 1, path: "/etc/airlock/site.yml")) {
            try config.approvals(adding: SiteApprovals(count: 0))
        }
    }

    @Test func anExpiredBundleIsTakenWithinTheSitesGraceAndSaysSo() throws {
        // Made 35 days ago: it expired 5 days ago.
        let site = try Site(daysAgo: 35)
        defer { site.remove() }
        let target = "sqlite:\(site.folder.path)/shop.db"
        let without = try site.airlock([
            "verify", site.bundle.path, "--site", try site.config("allowed_signers: keys/allowed_signers\n")
        ])
        #expect(without.status == ExitStatus.verificationRefused.rawValue)
        #expect(
            without.error.contains(
                "; ask the producer for a fresh one (airlock catchup --from the bundle the target is at), or give late bundles time with expiry_grace in the site config"
            ),
            "\(without.error)")

        let short = try site.config("allowed_signers: keys/allowed_signers\nexpiry_grace: 3d\n", name: "short.yml")
        let late = try site.airlock(["apply", site.bundle.path, "--site", short, "--target", target])
        #expect(late.status == ExitStatus.verificationRefused.rawValue)
        #expect(late.error.contains(", and the site's expiry grace ended at "), "\(late.error)")
        #expect(!late.error.contains("give late bundles time"), "\(late.error)")

        let week = try site.config("allowed_signers: keys/allowed_signers\nexpiry_grace: 7d\n", name: "week.yml")
        let verified = try site.airlock(["verify", site.bundle.path, "--site", week])
        #expect(verified.status == 0, "\(verified.error)")
        #expect(
            verified.output.contains(", accepted within the site's expiry grace of 7d (until "), "\(verified.output)")
        let applied = try site.airlock(["apply", site.bundle.path, "--site", week, "--target", target])
        #expect(applied.status == 0, "\(applied.error)")
        #expect(applied.error.contains("accepted within the site's expiry grace of 7d"), "\(applied.error)")
    }

    @Test func aNamedTargetMarkedDryRunOnlyTakesOnlyDryRuns() throws {
        let site = try Site()
        defer { site.remove() }
        let config = try site.config(
            """
            allowed_signers: keys/allowed_signers
            targets:
              live: {target: "sqlite:\(site.folder.path)/live.db"}
              rehearsal: {target: "sqlite:\(site.folder.path)/rehearsal.db", dry_run_only: true}
            """)
        let refused = try site.airlock(["apply", site.bundle.path, "--site", config, "--target", "rehearsal"])
        #expect(refused.status == ExitStatus.usageOrConfig.rawValue)
        #expect(
            refused.error.contains(
                "target 'rehearsal' is dry-run only (\(config)): add --dry-run, or use the live target's name"),
            "\(refused.error)")
        #expect(!FileManager.default.fileExists(atPath: site.folder.appendingPathComponent("rehearsal.db").path))

        let rehearsed = try site.airlock([
            "apply", site.bundle.path, "--site", config, "--target", "rehearsal", "--dry-run"
        ])
        #expect(rehearsed.status == 0, "\(rehearsed.error)")
        #expect(rehearsed.output.contains("(dry run: nothing was changed)"), "\(rehearsed.output)")

        let live = try site.airlock(["apply", site.bundle.path, "--site", config, "--target", "live"])
        #expect(live.status == 0, "\(live.error)")
        let status = try site.airlock(["target-status", "--site", config, "--target", "live"])
        #expect(status.output.contains("  at bundle 000001"), "\(status.output)")

        let unknown = try site.airlock(["verify", site.bundle.path, "--site", config, "--target", "staging"])
        #expect(unknown.status == ExitStatus.usageOrConfig.rawValue)
        #expect(unknown.error.contains("or a target \(config) names (live, rehearsal)"), "\(unknown.error)")
    }

    @Test func theReaderRefusesWhatItCannotTakeNamingTheSettingAndLine() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("airlock-site-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        func read(_ text: String) throws -> SiteConfig {
            let file = folder.appendingPathComponent("site.yml")
            try text.write(to: file, atomically: true, encoding: .utf8)
            return try SiteConfigReader.load(file.path)
        }
        let full = try read(
            """
            allowed_signers: keys/allowed_signers
            revoked_keys: /etc/airlock/revoked_keys
            approvals: {required: 2, roles: [dba, ops]}
            expiry_grace: 12h
            targets:
              live: {target: "postgres:dbname=shop"}
            """)
        #expect(full.allowedSigners?.path == folder.appendingPathComponent("keys/allowed_signers").path)
        #expect(full.revokedKeys?.path == "/etc/airlock/revoked_keys")
        #expect(full.approvals == SiteApprovals(count: 2, roles: ["dba", "ops"]))
        #expect(full.expiryGrace == 43_200)
        #expect(full.targets == ["live": SiteConfig.NamedTarget(target: "postgres:dbname=shop")])

        let cases: [(text: String, says: String)] = [
            ("allowed_signer: keys/a\n", "unknown setting 'allowed_signer' (line 1); did you mean 'allowed_signers'?"),
            ("expiry_grace: soon\n", "expiry_grace: 'soon' is not a duration"),
            ("approvals: {required: many}\n", "approvals.required: expected a whole number of approvals"),
            ("targets:\n  live: {dry_run_only: true}\n", "targets.live"),
            ("targets:\n  live: {target: x, dry_run_only: maybe}\n", "targets.live.dry_run_only")
        ]
        for test in cases {
            #expect(throws: SiteConfigError.self) { try read(test.text) }
            do {
                _ = try read(test.text)
            } catch {
                #expect("\(error)".contains(test.says), "\(test.text): \(error)")
            }
        }
        #expect(throws: SiteConfigError.missing(path: folder.appendingPathComponent("absent.yml").path)) {
            try SiteConfigReader.load(folder.appendingPathComponent("absent.yml").path)
        }
    }
}
