import AirlockBase
import AirlockSite
import Foundation

/// The review pages every bundle carries, rendered from its own members at production time:
/// `report.md` for terminals and mail, `report.html` for a browser (self-contained: no network,
/// no external assets).
package enum ReportPage: CaseIterable, Sendable {
    case markdown
    case html

    /// Changes per entity decoded for the pages (report.md lists them; report.html carries up
    /// to `HTMLReport.carried` of each kind, read straight from the change files).
    static let sampleSize = MarkdownReport.changesListed

    package var memberName: String {
        switch self {
        case .markdown: return BundleLayout.markdownReport
        case .html: return BundleLayout.htmlReport
        }
    }

    /// Writes the page of `contents` to `url`.
    package func write(_ contents: BundleContents, to url: URL) throws {
        switch self {
        case .markdown: try ScriptWriter.write(MarkdownReport(contents: contents).render().utf8, to: url)
        case .html: try HTMLReport(contents: contents).write(to: url)
        }
    }
}

extension BundleContents {
    /// One row per source file: name, entity, records, SHA-256, and when an incremental pull
    /// fetched one, its cursor (a column only pages with such a source have).
    var sources: (header: [String], rows: [[String]]) {
        let cursors = manifest.sources.contains { $0.cursor != nil }
        return (
            ["file", "entity", "records", "sha256"] + (cursors ? ["cursor (sent → committed)"] : []),
            manifest.sources.map { source in
                [source.name, source.entity, String(source.records), source.sha256]
                    + (cursors ? [source.cursor?.line ?? ""] : [])
            }
        )
    }

    /// The bundle's changes to the targets' tables, one row each: entity, change, column, was,
    /// is, and each dialect's statements (one per line). Empty when it changes none.
    var schemaChanges: (header: [String], rows: [[String]]) {
        (
            ["entity", "change", "column", "was", "is", "PostgreSQL", "SQLite"],
            (manifest.schemaChanges ?? []).map { change in
                [
                    change.entity, change.change, change.column ?? "", change.from ?? "", change.to ?? "",
                    change.postgres.joined(separator: "\n"), change.sqlite.joined(separator: "\n")
                ]
            }
        )
    }

    /// Said above the schema changes on both pages.
    static let schemaChangesNote = "The scripts change the tables first, then the rows; their rollbacks undo both."

    /// Which spec made the bundle, and for one that changes the schema, which made the one before.
    var specLine: String? {
        guard let digest = manifest.specDigest else { return nil }
        guard manifest.schemaChanges != nil else { return digest }
        return "\(manifest.parentSpecDigest ?? "(not recorded)") → \(digest)"
    }

    /// Key facts about the bundle, as label and value.
    var facts: [(String, String)] {
        let catchup = manifest.catchup.map {
            [
                (
                    "catch-up",
                    "moves a target at bundle \($0.from) to bundle \(manifest.sequence) (ledger then at \($0.head))"
                )
            ]
        }
        return [
            ("id", manifest.id), ("sequence", String(manifest.sequence)), ("created", manifest.created),
            ("expires", manifest.expires ?? "never"), ("producer", manifest.producer),
            ("parent", manifest.parent.isEmpty ? "(none: the first bundle)" : manifest.parent)
        ] + (catchup ?? []) + (specLine.map { [("spec (SHA-256 of airlock.yml)", $0)] } ?? [])
    }

    /// How many changes an entity's change file holds, and how many of them are listed here.
    func changeCount(_ entity: Manifest.Entity) -> (listed: Int, total: Int) {
        (changes[entity.name]?.count ?? 0, entity.counts.changed)
    }

    /// What the bundle's approval policy asks, as the pages say it.
    var policyText: String {
        let policy = manifest.approvals ?? ApprovalPolicy()
        return policy.required == 0 && policy.roles.isEmpty
            ? "none required by the producer's spec (a site may require some)"
            : "\(policy.summary) required by the producer's spec (a site may require more)"
    }
}
