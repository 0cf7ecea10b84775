/// How many reviewers must approve a bundle, and which roles must be among them, before
/// `verify` and `apply` accept it. Roles are principals in `allowed_signers`: a line
/// `alice,dba namespaces="airlock-approval,airlock-rejection" ssh-ed25519 …` makes alice a dba.
package struct ApprovalPolicy: Codable, Equatable, Sendable {
    /// Distinct reviewer keys, none of them the producer's.
    package var required = 0
    package var roles: [String] = []

    package init(required: Int = 0, roles: [String] = []) {
        self.required = required
        self.roles = roles
    }

    /// What both policies ask, together: the larger count and every role of either.
    package func merged(with other: ApprovalPolicy) -> ApprovalPolicy {
        ApprovalPolicy(
            required: max(required, other.required), roles: roles + other.roles.filter { !roles.contains($0) })
    }

    /// `1 approval`, `2 approvals including roles dba, ops`.
    package var summary: String {
        var text = "\(required) approval\(required == 1 ? "" : "s")"
        if !roles.isEmpty { text += " including role\(roles.count == 1 ? "" : "s") \(roles.joined(separator: ", "))" }
        return text
    }
}
