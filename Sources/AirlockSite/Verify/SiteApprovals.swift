import AirlockBase

/// The approvals a site asks for on top of a bundle's own policy (its manifest's
/// `approvals`, which every site enforces): at least `count` approvals when it names one, and
/// every role in `roles`, and never fewer than `minimum`. A count asked for on the command
/// line below the bundle's is refused rather than ignored, so a site never believes it
/// required fewer than it did; the site config's `minimum` is a floor and only ever raises it.
package struct SiteApprovals: Equatable, Sendable {
    package var count: Int?
    package var roles: [String]
    /// The site config's required approvals: a bundle needing more needs more, one needing
    /// fewer needs this many.
    package var minimum: Int

    package init(count: Int? = nil, roles: [String] = [], minimum: Int = 0) {
        self.count = count
        self.roles = roles
        self.minimum = minimum
    }

    /// What a bundle with `policy` needs at this site.
    func required(by policy: ApprovalPolicy) -> ApprovalPolicy {
        policy.merged(with: ApprovalPolicy(required: max(count ?? 0, minimum), roles: roles))
    }

    /// True when this site asks for fewer approvals than `policy`.
    func isWeaker(than policy: ApprovalPolicy) -> Bool {
        (count ?? policy.required) < policy.required
    }
}
