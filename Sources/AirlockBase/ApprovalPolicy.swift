/// How many reviewers must approve a bundle, and which roles must be among them, before
/// `verify` and `apply` accept it. Roles are principals in `allowed_signers`: a line
/// `alice,dba namespaces="airlock-approval,airlock-rejection" ssh-ed25519 …` makes alice a dba.
package struct ApprovalPolicy: Equatable, Sendable {
    /// Distinct reviewer keys, none of them the producer's.
    package var required = 0
    package var roles: [String] = []

    package init(required: Int = 0, roles: [String] = []) {
        self.required = required
        self.roles = roles
    }
}
