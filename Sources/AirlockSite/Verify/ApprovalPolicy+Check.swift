import AirlockBase

extension ApprovalPolicy {
    /// Refuses when the counted approvals fall short of the policy.
    func check(_ approvals: [Review.Approval], ignored: [String]) throws {
        let roles = Set(approvals.flatMap(\.principals))
        let missingRoles = self.roles.filter { !roles.contains($0) }
        guard approvals.count < required || !missingRoles.isEmpty else { return }
        throw VerificationError.approvalsMissing(
            required: required, approvedBy: approvals.map(\.name),
            missingRoles: missingRoles, notCounted: ignored)
    }
}
