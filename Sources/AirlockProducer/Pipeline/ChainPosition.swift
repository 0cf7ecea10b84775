import AirlockBase
import AirlockSite
import GRDB

/// Where a bundle goes in the chain, and the files it is made from: the next regular bundle,
/// or a catch-up bundle that moves a target at an earlier bundle to the producer's head.
struct ChainPosition {
    var sequence: Int
    /// The digest of the bundle the target is at before this one; empty for an empty target.
    var parent: String
    var sources: [Manifest.Source]
    var catchup: Manifest.CatchUp?

    /// The bundle after the newest one, from the files waiting for it.
    static func next(in db: Database) throws -> ChainPosition {
        let last = try BundleRecord.latest(in: db)
        return ChainPosition(
            sequence: (last?.sequence ?? 0) + 1, parent: last?.digest ?? "",
            sources: try WorkspaceFile.pendingSources(in: db))
    }

    /// `bundle-000012`, or `catchup-000004-000012` for a catch-up from bundle 4 to bundle 12.
    var fileStem: String {
        guard let catchup else { return "bundle-\(BundleIdentity.pad(sequence))" }
        return "catchup-\(BundleIdentity.pad(catchup.from))-\(BundleIdentity.pad(sequence))"
    }

    /// The start of the bundle's id: `000012`, or `000012-from-000004` for a catch-up.
    var idStem: String {
        BundleIdentity.pad(sequence) + (catchup.map { "-from-\(BundleIdentity.pad($0.from))" } ?? "")
    }
}
