import Foundation
import Testing

@testable import AirlockBase
@testable import AirlockSite

/// The approval policy travels in the signed manifest: a site that holds nothing but
/// `allowed_signers` enforces what the producer's spec required, and may ask for more, never less.
@Suite struct BundlePolicyTests {
    @Test func aSiteWithOnlyAllowedSignersEnforcesTheBundlesPolicy() throws {
        let spec = try TestWorkspace.exampleSpecMovingFiles().replacingOccurrences(
            of: "# approvals:\n#   required: 1\n", with: "approvals:\n  required: 1\n")
        let workspace = try TestWorkspace(spec: spec)
        defer { workspace.remove() }
        try KeyStore(directory: workspace.root.appendingPathComponent("keys")).generate(name: "alice", role: .reviewer)
        try workspace.drop(TestWorkspace.exampleDrop)
        guard case let .bundle(file, manifest, _) = try workspace.run().outcome else {
            Issue.record("no bundle")
            return
        }
        #expect(manifest.approvals == ApprovalPolicy(required: 1))

        // The site: a folder holding a copy of the bundle and allowed_signers, no airlock.yml.
        let site = workspace.root.appendingPathComponent("site")
        try FileManager.default.createDirectory(at: site, withIntermediateDirectories: true)
        let bundle = site.appendingPathComponent(file.lastPathComponent)
        try FileManager.default.copyItem(at: file, to: bundle)
        try FileManager.default.copyItem(
            at: workspace.allowedSigners, to: site.appendingPathComponent("allowed_signers"))
        func verify(_ flags: [String] = []) throws -> Shell.Result {
            try Shell.run(
                [
                    AirlockProcess.executable.path, "verify", bundle.path, "--workspace", site.path,
                    "--allowed-signers",
                    site.appendingPathComponent("allowed_signers").path
                ] + flags)
        }
        let unapproved = try verify()
        #expect(unapproved.status == 5)
        #expect(unapproved.error.contains("needs 1 approval; approved by nobody"), "\(unapproved.error)")

        let approve = try Shell.run([
            AirlockProcess.executable.path, "approve", bundle.path, "--key", "alice", "--workspace", workspace.root.path
        ])
        #expect(approve.status == 0, "\(approve.error)")
        let approved = try verify()
        #expect(approved.status == 0, "\(approved.error)")
        #expect(approved.output.contains("  approvals: 1 of 1 (alice)\n"), "\(approved.output)")
        let target = "sqlite:\(site.appendingPathComponent("site.db").path)"
        let applied = try Shell.run([
            AirlockProcess.executable.path, "apply", bundle.path, "--target", target, "--dry-run", "--workspace",
            site.path, "--allowed-signers", site.appendingPathComponent("allowed_signers").path
        ])
        #expect(applied.status == 0, "\(applied.error)")
        #expect(applied.output.contains("  approvals: 1 of 1 (alice)\n"), "\(applied.output)")
        let shown = try Shell.run([
            AirlockProcess.executable.path, "show", bundle.path, "--workspace", site.path, "--allowed-signers",
            site.appendingPathComponent("allowed_signers").path
        ])
        #expect(shown.status == 0, "\(shown.error)")
        #expect(shown.output.contains("approvals: 1 of 1 (alice)"), "\(shown.output)")

        let fewer = try verify(["--require-approvals", "0"])
        #expect(fewer.status == 5)
        #expect(
            fewer.error.contains(
                "requires 1 approval, but this site asks for 0 approvals; a site may require more than a bundle, never less"
            ),
            "\(fewer.error)")
        let more = try verify(["--require-approvals", "2"])
        #expect(more.status == 5)
        #expect(more.error.contains("needs 2 approvals; approved by alice"), "\(more.error)")
        let role = try verify(["--require-role", "dba"])
        #expect(role.status == 5)
        #expect(role.error.contains("including role dba"), "\(role.error)")
    }

    /// A role the spec requires is enforced by a site holding only `allowed_signers`: an
    /// approval by a reviewer without the role does not meet it, one by a `dba` does.
    @Test func aRoleTheSpecRequiresIsEnforcedAtTheSite() throws {
        let spec = try TestWorkspace.exampleSpecMovingFiles().replacingOccurrences(
            of: "# approvals:\n#   required: 1\n", with: "approvals:\n  required: 1\n  roles: [dba]\n")
        let workspace = try TestWorkspace(spec: spec)
        defer { workspace.remove() }
        let keys = KeyStore(directory: workspace.root.appendingPathComponent("keys"))
        try keys.generate(name: "alice", role: .reviewer)
        try keys.generate(name: "bob", role: .reviewer)
        // bob holds the role dba: a second principal on his line.
        let signers = try String(contentsOf: workspace.allowedSigners, encoding: .utf8)
        try signers.replacingOccurrences(of: "\nbob ", with: "\nbob,dba ").write(
            to: workspace.allowedSigners, atomically: true, encoding: .utf8)
        #expect(try String(contentsOf: workspace.allowedSigners, encoding: .utf8).contains("\nbob,dba "))
        try workspace.drop(TestWorkspace.exampleDrop)
        guard case let .bundle(file, manifest, _) = try workspace.run().outcome else {
            Issue.record("no bundle")
            return
        }
        #expect(manifest.approvals == ApprovalPolicy(required: 1, roles: ["dba"]))

        let site = workspace.root.appendingPathComponent("site")
        try FileManager.default.createDirectory(at: site, withIntermediateDirectories: true)
        let bundle = site.appendingPathComponent(file.lastPathComponent)
        try FileManager.default.copyItem(at: file, to: bundle)
        let siteSigners = site.appendingPathComponent("allowed_signers")
        try FileManager.default.copyItem(at: workspace.allowedSigners, to: siteSigners)
        func verify() throws -> Shell.Result {
            try Shell.run([
                AirlockProcess.executable.path, "verify", bundle.path, "--workspace", site.path, "--allowed-signers",
                siteSigners.path
            ])
        }
        func approve(_ key: String) throws {
            let approve = try Shell.run([
                AirlockProcess.executable.path, "approve", bundle.path, "--key", key, "--workspace",
                workspace.root.path
            ])
            #expect(approve.status == 0, "\(approve.error)")
        }
        let unapproved = try verify()
        #expect(unapproved.status == 5)
        #expect(unapproved.error.contains("including role dba"), "\(unapproved.error)")

        try approve("alice")
        let withoutRole = try verify()
        #expect(withoutRole.status == 5, "\(withoutRole.output)")
        #expect(withoutRole.error.contains("including role dba"), "\(withoutRole.error)")
        #expect(withoutRole.error.contains("approved by alice"), "\(withoutRole.error)")

        try approve("bob")
        let approved = try verify()
        #expect(approved.status == 0, "\(approved.error)")
        #expect(approved.output.contains("  approvals: 2 of 1 (alice, bob)\n"), "\(approved.output)")
    }
}

extension BundlePolicyTests {
    /// The approvals line says what a policy asks and who approved, also where it asks none.
    @Test func theApprovalsLineSaysWhatThePolicyAsks() {
        let alice = Review.Approval(name: "alice", principals: ["alice"], fingerprint: "SHA256:alice")
        let lines = [
            ApprovalStatus(required: ApprovalPolicy(), approvals: []),
            ApprovalStatus(required: ApprovalPolicy(), approvals: [alice]),
            ApprovalStatus(required: ApprovalPolicy(required: 1), approvals: [alice]),
            ApprovalStatus(required: ApprovalPolicy(required: 1, roles: ["dba"]), approvals: [])
        ].map(\.line)
        #expect(
            lines == [
                "approvals: none required", "approvals: 1, none required (alice)", "approvals: 1 of 1 (alice)",
                "approvals: 0 of 1 (none; role dba missing)"
            ])
    }
}
