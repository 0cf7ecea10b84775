import AirlockBase

/// The approvals a site asks for on top of a bundle's own policy (its manifest's
/// `approvals`, which every site enforces): at least `count` approvals when it names one, and
/// every role in `roles`. A count below the bundle's is refused rather than ignored, so a
/// site never believes it required fewer than it did.
package struct SiteApprovals: Equatable, Sendable {
    package var count: Int?
    package var roles: [String]

    package init(count: Int? = nil, roles: [String] = []) {
        self.count = count
        self.roles = roles
    }

    /// What a bundle with `policy` needs at this site.
    func required(by policy: ApprovalPolicy) -> ApprovalPolicy {
        policy.merged(with: ApprovalPolicy(required: count ?? 0, roles: roles))
    }

    /// True when this site asks for fewer approvals than `policy`.
    func isWeaker(than policy: ApprovalPolicy) -> Bool {
        (count ?? policy.required) < policy.required
    }
}
