import AirlockBase
import AirlockSite
import ArgumentParser
import Foundation

/// The approvals a site requires beyond the bundle's own policy (its manifest's `approvals`,
/// which every site enforces).
struct ApprovalOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Approvals by distinct reviewer keys the site requires (default: the site config's, else the bundle manifest's; more is fine, fewer is refused).",
            valueName: "n"))
    var requireApprovals: Int?

    @Option(help: ArgumentHelp("A principal that must be among the approvers (repeatable).", valueName: "role"))
    var requireRole: [String] = []

    func validate() throws {
        guard (requireApprovals ?? 0) >= 0 else { throw ValidationError("--require-approvals must not be negative") }
    }

    /// What the flags and the site config ask for on top of the bundle's own policy.
    func policy(under config: SiteConfig) throws -> SiteApprovals {
        try config.approvals(adding: SiteApprovals(count: requireApprovals, roles: requireRole))
    }
}
