import AirlockBase

/// Why `verify` refused a bundle. Each case names the member or key at fault.
package enum VerificationError: AirlockError, Equatable {
    case notABundle(file: String, reason: String)
    case unsafeMember(name: String, reason: String)
    case missingMember(name: String)
    case unlistedMember(name: String)
    case checksumMismatch(name: String)
    case malformedChecksums(line: Int)
    case badSignature(reason: String)
    case signerNotAllowed(reason: String)
    case badManifest(reason: String)
    /// A member the signature covers that does not read as its format says.
    case badMember(name: String, reason: String)
    case rejected(by: String, reason: String)
    /// Past its expiry and any grace the site gives (`graceEnded`, nil without one).
    case expired(expires: String, graceEnded: String?)
    case approvalsMissing(required: Int, approvedBy: [String], missingRoles: [String], notCounted: [String])
    /// Fewer distinct producer keys signed the bundle than its manifest's `signatures`.
    case signaturesMissing(required: Int, signedBy: [String], notCounted: [String])
    /// The site asked for fewer approvals or roles than the bundle's own policy.
    case weakerPolicy(site: ApprovalPolicy, bundle: ApprovalPolicy, sequence: Int)
    /// A replay, a skipped sequence or a fork, against the target's chain.
    case outOfOrder(String)

    package var exitStatus: ExitStatus { .verificationRefused }

    package var description: String {
        switch self {
        case let .notABundle(file, reason): return "\(file): not a readable bundle archive: \(reason)"
        case let .unsafeMember(name, reason): return "member '\(name)': \(reason)"
        case let .missingMember(name): return "member '\(name)' is missing"
        case let .unlistedMember(name): return "member '\(name)' is not listed in \(BundleLayout.checksums)"
        case let .checksumMismatch(name):
            return "member '\(name)' does not match its SHA-256 in \(BundleLayout.checksums) (changed after signing)"
        case let .badMember(name, reason): return "member '\(name)': \(reason)"
        case let .malformedChecksums(line):
            return "\(BundleLayout.checksums) line \(line) is not '<64 hex digits>  <name>'"
        case let .badSignature(reason): return "\(BundleLayout.signature): \(reason)"
        case let .signerNotAllowed(reason): return "\(BundleLayout.signature): \(reason)"
        case let .badManifest(reason): return "\(BundleLayout.manifest): \(reason)"
        case let .rejected(name, reason): return "rejected by \(name): \(reason.isEmpty ? "(no reason given)" : reason)"
        case let .expired(expires, graceEnded):
            return "the bundle expired at \(expires)"
                + (graceEnded.map { ", and the site's expiry grace ended at \($0)" } ?? "")
                + "; ask the producer for a fresh one (airlock catchup --from the bundle the target is at)"
                + (graceEnded == nil ? ", or give late bundles time with expiry_grace in the site config" : "")
        case let .signaturesMissing(required, signedBy, notCounted):
            return
                "needs \(required) producer signatures; signed by \(signedBy.joined(separator: ", ")): a second producer adds one with airlock cosign BUNDLE --key KEY"
                + (notCounted.isEmpty ? "" : " (not counted: \(notCounted.joined(separator: "; ")))")
        case let .approvalsMissing(required, approvedBy, missingRoles, notCounted):
            var text = "needs \(required) approval\(required == 1 ? "" : "s")"
            if !missingRoles.isEmpty {
                text += " including role\(missingRoles.count == 1 ? "" : "s") \(missingRoles.joined(separator: ", "))"
            }
            text += "; approved by " + (approvedBy.isEmpty ? "nobody" : approvedBy.joined(separator: ", "))
            if !notCounted.isEmpty { text += "; not counted: " + notCounted.joined(separator: "; ") }
            return text
        case let .weakerPolicy(site, bundle, sequence):
            return
                "bundle \(sequence) requires \(bundle.summary), but this site asks for \(site.summary); a site may require more than a bundle, never less"
        case let .outOfOrder(reason): return reason
        }
    }
}
