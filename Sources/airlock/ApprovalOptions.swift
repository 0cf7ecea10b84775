import AirlockBase
import AirlockSite
import ArgumentParser
import Foundation

/// The approvals a site requires beyond the bundle's own policy (its manifest's `approvals`,
/// which every site enforces).
struct ApprovalOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Approvals by distinct reviewer keys the site requires (default: what the bundle's manifest requires; more is fine, fewer is refused).",
            valueName: "n"))
    var requireApprovals: Int?

    @Option(help: ArgumentHelp("A principal that must be among the approvers (repeatable).", valueName: "role"))
    var requireRole: [String] = []

    func validate() throws {
        guard (requireApprovals ?? 0) >= 0 else { throw ValidationError("--require-approvals must not be negative") }
    }

    /// What the flags ask for on top of the bundle's own policy.
    var policy: SiteApprovals { SiteApprovals(count: requireApprovals, roles: requireRole) }
}
