/// Failures while producing a bundle.
public enum BundleError: AirlockError, Equatable {
    case archive(String)

    public var exitStatus: ExitStatus { .failure }

    public var description: String {
        switch self {
        case let .archive(reason): return "cannot write the bundle archive: \(reason)"
        }
    }
}

/// Why `verify` refused a bundle. Each case names the member or key at fault.
public enum VerificationError: AirlockError, Equatable {
    case notABundle(file: String, reason: String)
    case unsafeMember(name: String, reason: String)
    case missingMember(name: String)
    case unlistedMember(name: String)
    case checksumMismatch(name: String)
    case malformedChecksums(line: Int)
    case badSignature(reason: String)
    case unknownSigner(fingerprint: String)
    case badManifest(reason: String)

    public var exitStatus: ExitStatus { .verificationRefused }

    public var description: String {
        switch self {
        case let .notABundle(file, reason): return "\(file): not a readable bundle archive: \(reason)"
        case let .unsafeMember(name, reason): return "member '\(name)': \(reason)"
        case let .missingMember(name): return "member '\(name)' is missing"
        case let .unlistedMember(name): return "member '\(name)' is not listed in SHA256SUMS"
        case let .checksumMismatch(name): return "member '\(name)' does not match its SHA-256 in SHA256SUMS (changed after signing)"
        case let .malformedChecksums(line): return "SHA256SUMS line \(line) is not '<64 hex digits>  <name>'"
        case let .badSignature(reason): return "SHA256SUMS.sig: \(reason)"
        case let .unknownSigner(fingerprint): return "SHA256SUMS.sig: signed by key \(fingerprint), which allowed_signers does not allow for namespace airlock-bundle today"
        case let .badManifest(reason): return "manifest.json: \(reason)"
        }
    }
}
