import AirlockBase

/// Whether a bundle's approvals meet what it needs at this site (its manifest's policy and
/// what the site adds), as `verify`, `apply` and `show` print it: `approvals: 1 of 1 (alice)`.
package struct ApprovalStatus: Encodable, Equatable, Sendable {
    package var required: ApprovalPolicy
    /// The reviewers whose approvals count.
    package var approvedBy: [String]
    /// Roles the policy names that no counted approver holds.
    package var missingRoles: [String]
    package var isMet: Bool

    private enum CodingKeys: String, CodingKey {
        case required, approvedBy = "approved_by", missingRoles = "missing_roles", isMet = "met"
    }

    package init(required: ApprovalPolicy, approvals: [Review.Approval]) {
        self.required = required
        approvedBy = approvals.map(\.name)
        let held = Set(approvals.flatMap(\.principals))
        missingRoles = required.roles.filter { !held.contains($0) }
        isMet = approvals.count >= required.required && missingRoles.isEmpty
    }

    /// `approvals: 1 of 1 (alice)`; `approvals: 0 of 1 (none; role dba missing)`; where
    /// none are required, `approvals: none required` or `approvals: 1, none required (alice)`.
    package var line: String {
        if required.required == 0 && required.roles.isEmpty {
            return approvedBy.isEmpty
                ? "approvals: none required"
                : "approvals: \(approvedBy.count), none required (\(approvedBy.joined(separator: ", ")))"
        }
        var text =
            "approvals: \(approvedBy.count) of \(required.required) (\(approvedBy.isEmpty ? "none" : approvedBy.joined(separator: ", "))"
        if !missingRoles.isEmpty {
            text += "; role\(missingRoles.count == 1 ? "" : "s") \(missingRoles.joined(separator: ", ")) missing"
        }
        return text + ")"
    }
}

extension BundleVerifier.Verified {
    /// What this bundle's approvals amount to against what it needs here.
    package var approvalStatus: ApprovalStatus {
        ApprovalStatus(required: requiredApprovals, approvals: approvals)
    }
}

extension BundleVerifier.Verified {
    /// The producer signatures the bundle's manifest asks for: one unless it says more.
    package var requiredSignatures: Int { manifest.signatures ?? 1 }

    /// The producer key's signature and each valid second one.
    package var signatureCount: Int { 1 + cosignatures.count }

    /// Who signed: the producer key's first principal, then each second signer.
    package var signedBy: [String] { [signers.first ?? "producer"] + cosignatures.map(\.name) }

    /// `signatures: 2 of 2 (producer, carol)`, for bundles that need more than one.
    package var signatureLine: String? {
        guard requiredSignatures > 1 else { return nil }
        return "signatures: \(signatureCount) of \(requiredSignatures) (\(signedBy.joined(separator: ", ")))"
    }
}
