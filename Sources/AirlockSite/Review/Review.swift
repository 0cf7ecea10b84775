import AirlockBase
import Crypto
import Foundation

/// Reviewers' statements carried inside a bundle beside the signed members, outside
/// `SHA256SUMS` so adding one changes nothing that was signed:
/// - `approvals/NAME.sig`: SSHSIG over `SHA256SUMS` in namespace `airlock-approval`;
/// - `rejections/NAME.txt` with `rejections/NAME.sig` over it in namespace `airlock-rejection`;
///   the text names the `SHA256SUMS` it rejects, so it cannot be moved to another bundle;
/// - `signatures/NAME.sig`: a second producer key's SSHSIG over `SHA256SUMS` in namespace
///   `airlock-bundle`, for bundles that need two producer signatures.
package struct Review {
    let checksums: [UInt8]
    let producerKey: PublicSigningKey
    let trust: SignatureCheck

    package struct Approval: Equatable, Sendable {
        package var name: String
        package var principals: [String]
        package var fingerprint: String
    }

    package struct Rejection: Equatable, Sendable {
        package var name: String
        package var reason: String
    }

    /// A member a reviewer added (`BundleLayout.reviewMember`) under a valid name.
    static func isReviewMember(_ member: String) -> Bool {
        BundleLayout.reviewMember(member).map { PrincipalName.isValid($0.name) } ?? false
    }

    /// The text a rejection signs: bound to this bundle's checksums.
    static func rejectionText(checksums: [UInt8], reason: String) -> String {
        "sha256sums: \(SHA256.hash(data: checksums).hexString)\nreason: \(reason.replacingOccurrences(of: "\n", with: " "))\n"
    }

    struct Outcome {
        var approvals: [Approval] = []
        /// Producer keys other than the one that signed `SHA256SUMS.sig`, each once.
        var cosignatures: [Approval] = []
        var rejections: [Rejection] = []
        var ignored: [String] = []
    }

    func evaluate(_ contents: [String: [UInt8]]) -> Outcome {
        var outcome = Outcome()
        for member in contents.keys.sorted() {
            guard let (kind, name, isSignature) = BundleLayout.reviewMember(member), isSignature else { continue }
            if kind == .cosignature {
                switch cosignature(named: name, signature: contents[member]!) {
                case let .success(cosignature):
                    if outcome.cosignatures.contains(where: { $0.fingerprint == cosignature.fingerprint }) {
                        outcome.ignored.append("\(member): the same key as another signature; a key counts once")
                    } else {
                        outcome.cosignatures.append(cosignature)
                    }
                case let .failure(reason): outcome.ignored.append("\(member): \(reason.description)")
                }
            } else if kind == .approval {
                switch approval(named: name, signature: contents[member]!) {
                case let .success(approval):
                    if outcome.approvals.contains(where: { $0.fingerprint == approval.fingerprint }) {
                        outcome.ignored.append("\(member): the same key as another approval; a key counts once")
                    } else {
                        outcome.approvals.append(approval)
                    }
                case let .failure(reason): outcome.ignored.append("\(member): \(reason.description)")
                }
            } else {
                let textMember = BundleLayout.rejection(by: name).text
                switch rejection(named: name, text: contents[textMember], signature: contents[member]!) {
                case let .success(rejection): outcome.rejections.append(rejection)
                case let .failure(reason): outcome.ignored.append("\(member): \(reason.description)")
                }
            }
        }
        return outcome
    }

    private func approval(named name: String, signature bytes: [UInt8]) -> Result<Approval, ReviewRefusal> {
        Result {
            let (signature, principals) = try check(
                bytes, over: checksums, named: BundleLayout.checksums,
                namespace: SigningNamespace.approval, signer: name)
            guard signature.publicKey.raw != producerKey.raw else {
                throw ReviewRefusal(
                    "made with the key that signed the bundle; a producer cannot approve its own bundle")
            }
            return Approval(name: name, principals: principals, fingerprint: signature.publicKey.fingerprint)
        }.mapError { $0 as? ReviewRefusal ?? ReviewRefusal("\($0)") }
    }

    /// A second producer signature: a key allowed in the producer's namespace, not the one
    /// that signed the bundle.
    private func cosignature(named name: String, signature bytes: [UInt8]) -> Result<Approval, ReviewRefusal> {
        Result {
            let (signature, principals) = try check(
                bytes, over: checksums, named: BundleLayout.checksums, namespace: SigningNamespace.bundle,
                signer: name)
            guard signature.publicKey.raw != producerKey.raw else {
                throw ReviewRefusal("made with the key that signed the bundle; a second signature needs another key")
            }
            return Approval(name: name, principals: principals, fingerprint: signature.publicKey.fingerprint)
        }.mapError { $0 as? ReviewRefusal ?? ReviewRefusal("\($0)") }
    }

    private func rejection(named name: String, text: [UInt8]?, signature bytes: [UInt8]) -> Result<
        Rejection, ReviewRefusal
    > {
        Result {
            guard let text else { throw ReviewRefusal("its text \(BundleLayout.rejection(by: name).text) is missing") }
            _ = try check(
                bytes, over: text, named: BundleLayout.rejection(by: name).text, namespace: SigningNamespace.rejection,
                signer: name)
            let lines = String(decoding: text, as: UTF8.self).split(separator: "\n")
            guard lines.first.map(String.init) == "sha256sums: \(SHA256.hash(data: checksums).hexString)" else {
                throw ReviewRefusal("it rejects another bundle (its sha256sums line differs)")
            }
            let reason = lines.dropFirst().first { $0.hasPrefix("reason: ") }.map { String($0.dropFirst(8)) } ?? ""
            return Rejection(name: name, reason: reason)
        }.mapError { $0 as? ReviewRefusal ?? ReviewRefusal("\($0)") }
    }

    /// A valid signature over `message` by a key allowed now to sign in `namespace` as `signer`.
    private func check(
        _ bytes: [UInt8], over message: [UInt8], named messageName: String, namespace: String,
        signer: String
    ) throws -> (SSHSignature, [String]) {
        let (signature, principals): (SSHSignature, [String])
        do {
            (signature, principals) = try trust.check(bytes, over: message, named: messageName, namespace: namespace)
        } catch let refusal as SignatureCheck.Refusal {
            throw ReviewRefusal(refusal.description)
        }
        guard principals.contains(signer) else {
            throw ReviewRefusal("signed by \(principals.joined(separator: ",")), not by \(signer)")
        }
        return (signature, principals)
    }
}

/// Why one approval or rejection does not count.
struct ReviewRefusal: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
