import AirlockBase
import AirlockSite
import Foundation

/// What `airlock show` tells a reviewer about a bundle, as plain values: the bundle, who signed
/// and reviewed it and whether each signature counts, the breakdown per entity and category,
/// validation findings and a sample of field-level changes. `show --json` prints it as is.
package struct BundleSummary: Encodable, Equatable, Sendable {
    package var bundle: Identity
    package var signatures: [Signature]
    /// Whether the approvals meet the bundle's own policy.
    package var approvals: ApprovalStatus
    package var sources: [Manifest.Source]
    package var entities: [Entity]
    /// What the spec's overrides did to what the sources reported.
    /// The limits each entity's drop was held to, with what the bundle did against them.
    package var limits: [LimitLine]
    package var overrides: [OverrideLine]
    package var validation: Validation
    /// What the bundle changes in the targets' tables before their rows (empty: nothing).
    package var schemaChanges: [Manifest.SchemaChange]

    enum CodingKeys: String, CodingKey {
        case bundle, signatures, approvals, sources, entities, limits, overrides, validation
        case schemaChanges = "schema_changes"
    }

    package struct Identity: Encodable, Equatable, Sendable {
        package var file: String
        package var id: String
        package var sequence: Int
        package var digest: String
        package var parent: String
        package var created: String
        package var expires: String?
        package var expired: Bool
        package var producer: String
        /// Set for a catch-up bundle: the bundle the target is at before, and the digest its
        /// ledger is at afterwards.
        package var catchup: Manifest.CatchUp?
        /// The spec that made the bundle, and for one that changes the schema the spec before.
        package var specDigest: String?
        package var parentSpecDigest: String?
        /// The dialects and delivery methods the bundle carries scripts for.
        package var targets: [SQLDialect]
        package var delivery: [DeliveryMethod]

        enum CodingKeys: String, CodingKey {
            case file, id, sequence, digest, parent, created, expires, expired, producer, catchup, targets, delivery
            case specDigest = "spec_digest"
            case parentSpecDigest = "parent_spec_digest"
        }
    }

    /// A producer signature, an approval or a rejection.
    package struct Signature: Encodable, Equatable, Sendable {
        package enum Role: String, Encodable, Sendable { case producer, approval, rejection }
        package var role: Role
        package var name: String
        package var principals: [String]
        package var fingerprint: String?
        /// When the member was added to the bundle file (not signed); nil where unknown.
        package var recorded: String?
        package var valid: Bool
        /// Why it does not count, or a rejection's reason.
        package var reason: String?
    }

    package struct Entity: Encodable, Equatable, Sendable {
        package var name: String
        package var key: [String]
        package var rows: Int
        package var category: String?
        package var breakdown: Breakdown
        package var changes: Changes
    }

    package struct Changes: Encodable, Equatable, Sendable {
        package var total: Int
        package var sample: [Change]
    }

    package struct Validation: Encodable, Equatable, Sendable {
        package var total: Int
        package var findings: [ValidationFinding]
    }

    /// `verified` must come from `BundleVerifier.verify(_:policy:extractTo:)` with `folder`.
    init(file: String, verified: BundleVerifier.Verified, folder: URL, sampleSize: Int, now: Date = Date()) throws {
        let manifest = verified.manifest
        let contents = try BundleContents(folder: folder, manifest: manifest, sampleSize: sampleSize)
        let expired = manifest.expires.flatMap { Date(utcTimestamp: $0) }.map { $0 <= now } ?? false
        bundle = Identity(
            file: file, id: manifest.id, sequence: manifest.sequence, digest: verified.digest, parent: manifest.parent,
            created: manifest.created, expires: manifest.expires, expired: expired, producer: manifest.producer,
            catchup: manifest.catchup, specDigest: manifest.specDigest, parentSpecDigest: manifest.parentSpecDigest,
            targets: manifest.carriedTargets, delivery: manifest.carriedDelivery)
        func recorded(_ member: String) -> String? {
            // A member as old as the bundle came from before review times were kept.
            verified.reviewTimes[member].flatMap {
                $0 == verified.archiveTime ? nil : Date(timeIntervalSince1970: TimeInterval($0)).utcTimestamp
            }
        }
        signatures = [
            Signature(
                role: .producer, name: verified.signers.joined(separator: ","), principals: verified.signers,
                fingerprint: verified.producerKey.fingerprint, recorded: manifest.created, valid: true, reason: nil)
        ]
        signatures += verified.cosignatures.map {
            Signature(
                role: .producer, name: $0.name, principals: $0.principals, fingerprint: $0.fingerprint,
                recorded: recorded(BundleLayout.cosignature(by: $0.name)), valid: true, reason: nil)
        }
        signatures += verified.approvals.map {
            Signature(
                role: .approval, name: $0.name, principals: $0.principals, fingerprint: $0.fingerprint,
                recorded: recorded(BundleLayout.approval(by: $0.name)), valid: true, reason: nil)
        }
        signatures += verified.rejections.map {
            Signature(
                role: .rejection, name: $0.name, principals: [], fingerprint: nil,
                recorded: recorded(BundleLayout.rejection(by: $0.name).signature), valid: true, reason: $0.reason)
        }
        signatures += verified.ignored.map { note in
            let member = String(note.prefix { $0 != ":" })
            let review = BundleLayout.reviewMember(member)
            let role: Signature.Role =
                switch review?.kind {
                case .rejection: .rejection
                case .cosignature: .producer
                default: .approval
                }
            return Signature(
                role: role, name: review?.name ?? member, principals: [],
                fingerprint: nil,
                recorded: recorded(member), valid: false, reason: String(note.dropFirst(member.count + 2)))
        }
        approvals = verified.approvalStatus
        sources = manifest.sources
        entities = manifest.entities.map { entity in
            Entity(
                name: entity.name, key: entity.key, rows: entity.rows, category: entity.category,
                breakdown: Breakdown(entity),
                changes: Changes(total: entity.counts.changed, sample: contents.changes[entity.name] ?? []))
        }
        overrides = contents.overrideLines
        limits = contents.limitLines
        validation = Validation(total: contents.validation?.total ?? 0, findings: contents.validation?.findings ?? [])
        schemaChanges = manifest.schemaChanges ?? []
    }

    /// Verifies `url` (integrity and the producer's signature: an expired or rejected bundle is
    /// still shown, and says so) and summarizes it with `sampleSize` changes per entity. With
    /// `page`, writes the bundle's report.html there again, with the signatures and approvals
    /// the file holds now.
    package static func load(
        _ url: URL, verifier: BundleVerifier, sampleSize: Int, now: Date = Date(), page: URL? = nil
    ) throws -> BundleSummary {
        try verifier.withUnpacked(url) { verified, folder in
            let summary = try BundleSummary(
                file: url.lastPathComponent, verified: verified, folder: folder, sampleSize: sampleSize, now: now)
            if let page {
                let contents = try BundleContents(
                    folder: folder, manifest: verified.manifest, sampleSize: ReportPage.sampleSize)
                let review = HTMLReport.Review(signatures: summary.signatures, approvals: summary.approvals)
                try HTMLReport(contents: contents, review: review, carried: HTMLReport.carriedByShow).write(to: page)
            }
            return summary
        }
    }
}
