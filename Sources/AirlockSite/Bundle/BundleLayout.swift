import AirlockBase
import Foundation

/// Where every member of a bundle sits (format `airlock-bundle/1`, README: The bundle). Each
/// path is spelled here once, for the producer that writes the members and for the verifier,
/// the applier and the readers that find them.
///
/// ```
/// manifest.json  validation.json  report.md  report.html  SHA256SUMS  SHA256SUMS.sig
/// changes/ENTITY.ndjson                               (the rows every script loads)
/// postgres/upsert.sql …  sqlite/upsert.sql …          (BundleScript, per SQLDialect)
/// approvals/NAME.sig  rejections/NAME.txt  rejections/NAME.sig   (added by reviewers, unsigned)
/// signatures/NAME.sig                                  (added by a second producer, unsigned)
/// ```
package enum BundleLayout {
    /// What the bundle is and changes; its SHA-256 is the bundle's digest.
    package static let manifest = "manifest.json"
    /// coreutils checksums of every signed member.
    package static let checksums = "SHA256SUMS"
    /// The producer's SSHSIG over `checksums`.
    package static let signature = "SHA256SUMS.sig"
    /// What validation found in the drop.
    package static let validation = "validation.json"
    /// The review pages.
    package static let markdownReport = "report.md"
    package static let htmlReport = "report.html"

    /// The folder of the change files.
    package static let changesFolder = "changes"

    /// `changes/ENTITY.ndjson`: a line naming the bundle, then one line per key the bundle
    /// changes. Every script loads its rows from it by this path relative to the unpacked
    /// bundle, so they run from its folder (`cd BUNDLE && psql -f postgres/upsert.sql`).
    /// (Older bundles, whose change files do not start with the bundle line, carry the rows
    /// their scripts load inside the scripts or in `rows/ENTITY.ndjson`.)
    package static func changes(of entity: String) -> String { "\(changesFolder)/\(entity).ndjson" }

    /// The unpacked bundle that `script` (`postgres/upsert.sql` and the like) is a member of.
    package static func bundleFolder(ofScript script: URL) -> URL {
        script.deletingLastPathComponent().deletingLastPathComponent()
    }

    /// The folder of one dialect's scripts: `postgres`, `sqlite`.
    package static func scriptFolder(_ dialect: SQLDialect) -> String { dialect.rawValue }

    /// `postgres/upsert.sql` and the like.
    package static func script(_ script: BundleScript, for dialect: SQLDialect) -> String {
        "\(scriptFolder(dialect))/\(script.fileName)"
    }

    /// `approvals/NAME.sig`: a reviewer's SSHSIG over `checksums`.
    package static func approval(by name: String) -> String { "approvals/\(name).sig" }

    /// `signatures/NAME.sig`: a second producer key's SSHSIG over `checksums`, in the
    /// producer's namespace, for bundles whose manifest asks for more than one signature.
    package static func cosignature(by name: String) -> String { "signatures/\(name).sig" }

    /// `rejections/NAME.txt` and its SSHSIG `rejections/NAME.sig`.
    package static func rejection(by name: String) -> (text: String, signature: String) {
        ("rejections/\(name).txt", "rejections/\(name).sig")
    }

    /// A review member as a reviewer adds it: its kind and the reviewer's name, or nil for
    /// any other path. A rejection is two members, its text and its signature.
    package static func reviewMember(_ path: String) -> (kind: ReviewKind, name: String, isSignature: Bool)? {
        guard let match = path.wholeMatch(of: #/(approvals|rejections|signatures)/(.+)\.(sig|txt)/#) else { return nil }
        let kind: ReviewKind =
            switch match.output.1 {
            case "approvals": .approval
            case "signatures": .cosignature
            default: .rejection
            }
        let isSignature = match.output.3 == "sig"
        guard kind == .rejection || isSignature else { return nil }
        return (kind, String(match.output.2), isSignature)
    }

    /// The most review members a bundle may carry. They are outside `SHA256SUMS`, so anyone
    /// can add them; each costs a signature check, and a bundle stuffed with thousands is
    /// refused before they are read rather than verified for minutes.
    package static let maximumReviewMembers = 256

    /// What a review member records.
    package enum ReviewKind: Sendable {
        case approval, rejection, cosignature
    }
}
