import AirlockBase

/// Failures while producing a bundle.
package enum BundleError: AirlockError, Equatable {
    case archive(String)

    package var exitStatus: ExitStatus { .failure }

    package var description: String {
        switch self {
        case let .archive(reason): return "cannot write the bundle archive: \(reason)"
        }
    }
}

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
    case expired(expires: String)
    case approvalsMissing(required: Int, approvedBy: [String], missingRoles: [String], notCounted: [String])
    /// A replay, a skipped sequence or a fork, against the target's chain.
    case outOfOrder(String)

    package var exitStatus: ExitStatus { .verificationRefused }

    package var description: String {
        switch self {
        case let .notABundle(file, reason): return "\(file): not a readable bundle archive: \(reason)"
        case let .unsafeMember(name, reason): return "member '\(name)': \(reason)"
        case let .missingMember(name): return "member '\(name)' is missing"
        case let .unlistedMember(name): return "member '\(name)' is not listed in SHA256SUMS"
        case let .checksumMismatch(name): return "member '\(name)' does not match its SHA-256 in SHA256SUMS (changed after signing)"
        case let .badMember(name, reason): return "member '\(name)': \(reason)"
        case let .malformedChecksums(line): return "SHA256SUMS line \(line) is not '<64 hex digits>  <name>'"
        case let .badSignature(reason): return "SHA256SUMS.sig: \(reason)"
        case let .signerNotAllowed(reason): return "SHA256SUMS.sig: \(reason)"
        case let .badManifest(reason): return "manifest.json: \(reason)"
        case let .rejected(name, reason): return "rejected by \(name): \(reason.isEmpty ? "(no reason given)" : reason)"
        case let .expired(expires): return "the bundle expired at \(expires); ask the producer for a fresh one"
        case let .approvalsMissing(required, approvedBy, missingRoles, notCounted):
            var text = "needs \(required) approval\(required == 1 ? "" : "s")"
            if !missingRoles.isEmpty { text += " including role\(missingRoles.count == 1 ? "" : "s") \(missingRoles.joined(separator: ", "))" }
            text += "; approved by " + (approvedBy.isEmpty ? "nobody" : approvedBy.joined(separator: ", "))
            if !notCounted.isEmpty { text += "; not counted: " + notCounted.joined(separator: "; ") }
            return text
        case let .outOfOrder(reason): return reason
        }
    }
}

/// Failures of `approve`, `reject` and `discard`.
package enum ReviewError: AirlockError, Equatable {
    case ownBundle(fingerprint: String)
    case invalidName(String)
    case unknownReviewer(fingerprint: String)
    case notLatest(sequence: Int, latest: Int?)
    case unknownBundle(id: String)
    case noSuchSource(name: String, sequence: Int)

    package var exitStatus: ExitStatus { .usageOrConfig }

    package var description: String {
        switch self {
        case let .ownBundle(fingerprint):
            return "key \(fingerprint) signed this bundle; a producer cannot approve its own bundle"
        case let .invalidName(name):
            return "'\(name)' cannot name a reviewer: use letters, digits, '.', '_', '@' and '-'"
        case let .unknownReviewer(fingerprint):
            return "key \(fingerprint) is not in allowed_signers for namespace airlock-approval; pass --name or add it with `airlock allow NAME KEY.pub --reviewer`"
        case let .notLatest(sequence, latest):
            return "bundle \(sequence) is not the latest bundle of this workspace (\(latest.map { "latest: \($0)" } ?? "none left")); discard newer bundles first"
        case let .unknownBundle(id):
            return "bundle \(id) was not produced by this workspace"
        case let .noSuchSource(name, sequence):
            return "bundle \(sequence) has no source file named '\(name)'"
        }
    }
}
