import AirlockBase
import AirlockProducer
import AirlockSite
import AirlockSpec
import ArgumentParser
import Foundation

/// The approval policy a site requires; the workspace's `airlock.yml` gives the default.
struct ApprovalOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Approvals by distinct reviewer keys the bundle needs (default: approvals.required in airlock.yml, else 0).",
            valueName: "n"))
    var requireApprovals: Int?

    @Option(help: ArgumentHelp("A principal that must be among the approvers (repeatable).", valueName: "role"))
    var requireRole: [String] = []

    func validate() throws {
        guard (requireApprovals ?? 0) >= 0 else { throw ValidationError("--require-approvals must not be negative") }
    }

    func policy(workspace: WorkspaceOptions) throws -> ApprovalPolicy {
        let specFile = workspace.url.appendingPathComponent(Workspace.specFileName).path
        var policy =
            FileManager.default.fileExists(atPath: specFile)
            ? try Spec.load(path: specFile).approvals : ApprovalPolicy()
        if let requireApprovals { policy.required = requireApprovals }
        if !requireRole.isEmpty { policy.roles = requireRole }
        return policy
    }
}
