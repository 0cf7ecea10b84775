import Foundation
import Testing

@testable import AirlockBase
@testable import AirlockProducer
@testable import AirlockSite

/// A reviewer's page for a bundle of 100,000 changes, as headless Chromium renders it: it
/// loads, filters by entity and change, pages, searches, shows the approvals and the override
/// section, logs no error and fetches nothing.
@Suite(.tags(.chromium), .runsExternalPrograms) struct LargeReportTests {
    /// A bundle's unpacked members: 60,000 inserts, 30,000 updates and 10,000 deletes of
    /// items (in key order, I-0 to I-99999, the kind by the last digit); 12 changes of tags.
    private static func bundleFolder(findings: [ValidationFinding] = []) throws -> (URL, Manifest) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("airlock-large-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: folder.appendingPathComponent("changes"), withIntermediateDirectories: true)
        var lines: [String] = []
        lines.reserveCapacity(100_000)
        for index in 0..<100_000 {
            let key = #"{"item_id":"I-\#(index)"}"#
            switch index % 10 {
            case 0..<6:
                lines.append(
                    #"{"op":"insert","key":\#(key),"after":{"name":"item \#(index)","pinned":true,"pinned_source":false}}"#
                )
            case 6..<9:
                lines.append(
                    #"{"op":"update","key":\#(key),"before":{"name":"old \#(index)"},"after":{"name":"item \#(index)"}}"#
                )
            default:
                lines.append(
                    #"{"op":"delete","key":\#(key),"before":{"name":"gone \#(index)","pinned":false,"pinned_source":false}}"#
                )
            }
        }
        try (lines.joined(separator: "\n") + "\n").write(
            to: folder.appendingPathComponent(BundleLayout.changes(of: "items")), atomically: true, encoding: .utf8)
        let tags = (0..<12).map { #"{"op":"insert","key":{"tag":"t\#($0)"},"after":{"label":"<b>tag \#($0)</b>"}}"# }
        try (tags.joined(separator: "\n") + "\n").write(
            to: folder.appendingPathComponent(BundleLayout.changes(of: "tags")), atomically: true, encoding: .utf8)
        let manifest = Manifest(
            format: Manifest.currentFormat, id: "airlock-000007-000000000000", sequence: 7, parent: "",
            created: "2026-12-01T00:00:00Z",
            producer: "producer", approvals: ApprovalPolicy(required: 1), sources: [],
            entities: [
                .init(
                    name: "items", key: ["item_id"], rows: 90_000,
                    counts: EntityCounts(processed: 90_000, inserted: 60_000, updated: 30_000, deleted: 10_000),
                    overrides: [
                        .init(
                            when: "pinned_source = 0", set: ["pinned": "true"], note: "the API forgets pins",
                            rows: 60_000)
                    ]),
                .init(name: "tags", key: ["tag"], rows: 12, counts: EntityCounts(processed: 12, inserted: 12))
            ])
        try ValidationReport(findings: findings).encoded().write(
            to: folder.appendingPathComponent(BundleLayout.validation))
        return (folder, manifest)
    }

    @Test func aPageOfAHundredThousandChangesFiltersPagesAndSearches() throws {
        let (folder, manifest) = try Self.bundleFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let contents = try BundleContents(folder: folder, manifest: manifest, sampleSize: ReportPage.sampleSize)
        let alice = Review.Approval(name: "alice", principals: ["alice"], fingerprint: "SHA256:alice")
        let review = HTMLReport.Review(
            signatures: [
                .init(
                    role: .producer, name: "producer", principals: ["producer"], fingerprint: "SHA256:producer",
                    recorded: nil, valid: true, reason: nil),
                .init(
                    role: .approval, name: "alice", principals: ["alice"], fingerprint: "SHA256:alice",
                    recorded: nil, valid: true, reason: nil)
            ],
            approvals: ApprovalStatus(required: ApprovalPolicy(required: 1), approvals: [alice]))
        let page = folder.appendingPathComponent("report.html")
        try HTMLReport(contents: contents, review: review, carried: HTMLReport.carriedByShow).write(to: page)

        let seen = try BundleReviewTests.openInChromium(page)
        let present = seen["present"] as? [String] ?? []
        for id in ["signatures", "approvals", "overrides", "entity-filter", "op-filter", "search", "next", "position"] {
            #expect(present.contains(id), "no #\(id)")
        }
        #expect(seen["total_changes"] as? Int == 100_012)
        #expect(seen["change_rows"] as? Int == HTMLReport.pageSize)
        #expect(seen["paged"] as? Bool == true)
        #expect(seen["per_entity"] as? [String: Int] == ["items": 100_000, "tags": 12])
        #expect(seen["per_op"] as? [String: Int] == ["insert": 60_012, "update": 30_000, "delete": 10_000])
        #expect((seen["search"] as? [String: Any])?["matching"] as? Int == 1)
        let approvals = seen["approvals"] as? [String: String]
        #expect(approvals?["met"] == "true" && approvals?["text"] == "approvals: 1 of 1 (alice), met")
    }
}

extension LargeReportTests {
    /// The page a bundle carries holds the first 1,000 changes of each kind of an entity and
    /// says so; a finding whose key's change it does not carry points to the change file
    /// rather than saying that the bundle makes none.
    @Test func theBundlesOwnPageCarriesTheFirstChangesOfEachKind() throws {
        let finding = { (key: String) in
            ValidationFinding(severity: .quarantine, check: "pattern", entity: "items", reason: "odd", key: key)
        }
        let (folder, manifest) = try Self.bundleFolder(findings: [
            finding("item_id='I-9'"), finding("item_id='I-99999'"), finding("item_id='I-100000'")
        ])
        defer { try? FileManager.default.removeItem(at: folder) }
        let contents = try BundleContents(folder: folder, manifest: manifest, sampleSize: ReportPage.sampleSize)
        let page = folder.appendingPathComponent("report.html")
        try HTMLReport(contents: contents).write(to: page)

        let seen = try BundleReviewTests.openInChromium(page)
        #expect(seen["per_entity"] as? [String: Int] == ["items": 3_000, "tags": 12])
        #expect(seen["per_op"] as? [String: Int] == ["insert": 1_012, "update": 1_000, "delete": 1_000])
        let text = try String(contentsOf: page, encoding: .utf8)
        #expect(
            text.contains(
                "Changes carried: items: 3000 of 100000; tags: 12 of 12 (every change is in changes/items.ndjson, changes/tags.ndjson). This page carries the first 1000 changes of each kind"
            ))
        let buttons = (seen["finding_keys"] as? [[String: Any]] ?? []).map {
            [$0["key"] as? String ?? "", "\($0["enabled"] ?? "")", $0["title"] as? String ?? ""]
        }
        #expect(
            buttons == [
                ["item_id='I-9'", "1", ""],
                [
                    "item_id='I-99999'", "0",
                    "this page carries no change to this key, but only some of the changes: changes/items.ndjson lists them all"
                ],
                [
                    "item_id='I-100000'", "0",
                    "this page carries no change to this key, but only some of the changes: changes/items.ndjson lists them all"
                ]
            ])
    }
}
