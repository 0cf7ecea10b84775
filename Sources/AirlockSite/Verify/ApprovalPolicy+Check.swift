import AirlockBase

extension ApprovalPolicy {
    /// Refuses when the counted approvals fall short of the policy.
    func check(_ approvals: [Review.Approval], ignored: [String]) throws {
        let status = ApprovalStatus(required: self, approvals: approvals)
        guard !status.isMet else { return }
        throw VerificationError.approvalsMissing(
            required: required, approvedBy: status.approvedBy, missingRoles: status.missingRoles, notCounted: ignored)
    }
}
