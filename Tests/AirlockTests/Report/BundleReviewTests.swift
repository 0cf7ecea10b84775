import Foundation
import Logging
import Testing

@testable import AirlockBase
@testable import AirlockProducer
@testable import AirlockSite

/// What reviewers see: change files, `show`, `diff` and the report pages of the example's
/// bundles, with a fixed clock and bundles that never expire, so every value is fixed.
@Suite(.tags(.chromium), .runsExternalPrograms) struct BundleReviewTests {
    static let clock = 1_764_000_000

    /// A workspace that bundled the example and then `second` (the repository's second drop by
    /// default), with the keys of `keysFrom` when given, so both verify with one allowed_signers.
    static func twoBundles(second: [(name: String, text: String)]? = nil, keysFrom other: TestWorkspace? = nil) throws
        -> (TestWorkspace, URL, URL)
    {
        let spec = try TestWorkspace.exampleSpecMovingFiles().replacingOccurrences(
            of: "expires_after: 30d", with: "expires_after: never")
        let workspace = try TestWorkspace(spec: spec)
        if let other {
            let keys = workspace.root.appendingPathComponent("keys")
            try FileManager.default.removeItem(at: keys)
            try FileManager.default.copyItem(at: other.root.appendingPathComponent("keys"), to: keys)
        }
        let producer = Producer(workspace: try Workspace(root: workspace.root.path), logger: .test, fixedTime: clock)
        try workspace.drop(TestWorkspace.exampleDrop)
        guard case let .bundle(first, _, _) = try producer.runOnce().outcome else {
            throw ShellError(description: "no first bundle")
        }
        if let second {
            for file in second { try workspace.write(file.text, toInbox: file.name) }
        } else {
            try workspace.drop(TestWorkspace.secondDrop)
        }
        guard case let .bundle(next, _, _) = try producer.runOnce().outcome else {
            throw ShellError(description: "no second bundle")
        }
        return (workspace, first, next)
    }

    /// A workspace whose example spec has `old` (which it must hold) replaced by `new`.
    static func workspace(specReplacing old: String, with new: String) throws -> TestWorkspace {
        let spec = try TestWorkspace.exampleSpecMovingFiles()
        guard spec.contains(old) else { throw ShellError(description: "the example spec no longer says \(old)") }
        return try TestWorkspace(spec: spec.replacingOccurrences(of: old, with: new))
    }

    static func airlock(_ arguments: [String], in workspace: TestWorkspace) throws -> Shell.Result {
        try Shell.run([AirlockProcess.executable.path] + arguments + ["--workspace", workspace.root.path])
    }

    static func fixture(_ name: String) throws -> String {
        try String(contentsOf: TestWorkspace.fixtures.appendingPathComponent("review/\(name)"), encoding: .utf8)
    }

    /// What scripts/report-check saw of the page, after checking that it made no request
    /// beyond the page itself and logged no error.
    static func openInChromium(_ page: URL) throws -> [String: Any] {
        let result = try Shell.run([
            TestWorkspace.repository.appendingPathComponent("scripts/report-check").path, page.path
        ])
        #expect(result.status == 0, "\(result.error)")
        let seen = try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as! [String: Any]
        #expect(seen["requests"] as? [String] == [seen["url"] as! String])
        #expect(seen["errors"] as? [String] == [])
        return seen
    }

    @Test func changeFilesListEveryChangedKeyWithTheFieldsThatChanged() throws {
        let (workspace, _, second) = try Self.twoBundles()
        defer { workspace.remove() }
        let folder = try Shell.extract(second)
        let products = try String(contentsOf: folder.appendingPathComponent("changes/products.ndjson"), encoding: .utf8)
        // After the line that names the bundle (EndToEndTests checks it against the manifest).
        #expect(products.hasPrefix(#"{"bundle":""#))
        #expect(
            products.drop { $0 != "\n" }.dropFirst() == """
                {"op":"update","key":{"product_id":"P-100"},"before":{"amount":"50.00","updated_at":"2026-11-01T06:00:00Z"},"after":{"amount":"55.00","updated_at":"2026-11-08T06:00:00Z"},"unchanged":{"name":"City Power prepaid","product_type":"bill_payment","currency":"ZAR","pinned":true,"pinned_source":false}}
                {"op":"delete","key":{"product_id":"P-101"},"before":{"name":"Vodacom R29 airtime","product_type":"airtime","amount":"29.00","currency":"ZAR","pinned":true,"pinned_source":true,"updated_at":"2026-11-01T08:05:00Z"}}
                {"op":"update","key":{"product_id":"P-103"},"before":{"pinned_source":false},"after":{"pinned_source":true},"unchanged":{"name":"DStv Compact","product_type":"bill_payment","amount":"12345678.90","currency":"ZAR","pinned":true,"updated_at":"2026-11-03T12:00:00.25Z"}}
                {"op":"insert","key":{"product_id":"P-104"},"after":{"name":"Telkom LTE 10GB; DROP TABLE products; --","product_type":"data","amount":"149.00","currency":"ZAR","pinned":false,"pinned_source":false,"updated_at":"2026-11-08T09:00:00Z"}}

                """)
        let payments = try String(contentsOf: folder.appendingPathComponent("changes/payments.ndjson"), encoding: .utf8)
        let paymentChanges = payments.split(separator: "\n").dropFirst()
        #expect(
            paymentChanges.first?.hasPrefix(
                #"{"op":"update","key":{"payment_id":1001},"before":{"method":"bill_payment"},"after":{"method":"card"},"unchanged":{"#
            ) == true, "\(payments)")
        #expect(paymentChanges.count == 3)
    }

    @Test func showJSONHasTheBundleItsCountsAndItsChanges() throws {
        let (workspace, _, second) = try Self.twoBundles()
        defer { workspace.remove() }
        let result = try Self.airlock(["show", second.path, "--json", "--changes", "2"], in: workspace)
        #expect(result.status == 0, "\(result.error)")
        let fingerprint = try KeyStore(directory: workspace.root.appendingPathComponent("keys")).signingKey("producer")
            .publicKey.fingerprint
        let expected = try Self.fixture("show-bundle-2.json").replacingOccurrences(
            of: "<PRODUCER_FINGERPRINT>", with: fingerprint)
        #expect(result.output == expected)
    }

    @Test func showSaysWhoApprovedAndWhichApprovalsDoNotCount() throws {
        let (workspace, _, second) = try Self.twoBundles()
        defer { workspace.remove() }
        let keys = KeyStore(directory: workspace.root.appendingPathComponent("keys"))
        try keys.generate(name: "alice", role: .reviewer)
        try keys.generate(name: "bob", role: .reviewer)
        for name in ["alice", "bob"] {
            let approved = try Self.airlock(
                ["approve", second.path, "--key", keys.directory.appendingPathComponent(name).path], in: workspace)
            #expect(approved.status == 0, "\(approved.error)")
        }
        #expect(try Self.airlock(["revoke", "bob"], in: workspace).status == 0)
        let result = try Self.airlock(["show", second.path, "--json"], in: workspace)
        #expect(result.status == 0, "\(result.error)")
        let summary = try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as! [String: Any]
        let signatures = summary["signatures"] as! [[String: Any]]
        #expect(
            signatures.map { "\($0["role"]!) \($0["name"]!) \($0["valid"]!)" } == [
                "producer producer 1", "approval alice 1", "approval bob 0"
            ])
        #expect((signatures[2]["reason"] as? String)?.contains("revoked") == true)
        let recorded = try #require(signatures[1]["recorded"] as? String)
        let when = try #require(ISO8601DateFormatter().date(from: recorded))
        #expect(abs(when.timeIntervalSinceNow) < 120)

        let text = try Self.airlock(["show", second.path], in: workspace)
        #expect(text.output.contains("approval by alice: valid"))
        #expect(text.output.contains("approval by bob: not counted"))
        #expect(!text.output.contains("\u{1B}["), "no colors in a pipe")
    }

    /// `show` and `show --html` say whether the approvals the bundle holds meet its policy,
    /// before a reviewer approves it and after.
    @Test func showSaysWhetherTheApprovalPolicyIsMet() throws {
        let workspace = try Self.workspace(
            specReplacing: "# approvals:\n#   required: 1\n", with: "approvals:\n  required: 1\n")
        defer { workspace.remove() }
        try workspace.drop(TestWorkspace.exampleDrop)
        #expect(try Self.airlock(["run", "--once"], in: workspace).status == 0)
        let bundle = workspace.root.appendingPathComponent("outbox/bundle-000001.tar.gz")
        let page = workspace.root.appendingPathComponent("review.html")
        func shown() throws -> (text: String, page: String) {
            let result = try Self.airlock(["show", bundle.path, "--html", page.path], in: workspace)
            #expect(result.status == 0, "\(result.error)")
            return (result.output, try String(contentsOf: page, encoding: .utf8))
        }
        let report = try String(
            contentsOf: try Shell.extract(bundle).appendingPathComponent("report.md"), encoding: .utf8)
        #expect(report.contains("| approvals (approvals/) |  | approvals: 0 of 1 (none), not yet met |\n"), "\(report)")
        #expect(report.contains("Policy: 1 approval required by the producer's spec"), "\(report)")
        let before = try shown()
        #expect(before.text.contains("\n  approvals: 0 of 1 (none), not yet met\n"), "\(before.text)")
        #expect(
            before.text.hasSuffix(
                "\nwrote \(page.path): the report page, with the changes and the approvals the file holds\n"))
        #expect(before.page.contains(#"<p id="approvals" data-met="false">approvals: 0 of 1 (none), not yet met</p>"#))

        try KeyStore(directory: workspace.root.appendingPathComponent("keys")).generate(name: "alice", role: .reviewer)
        #expect(try Self.airlock(["approve", bundle.path, "--key", "alice"], in: workspace).status == 0)
        let after = try shown()
        #expect(after.text.contains("\n  approval by alice: valid"), "\(after.text)")
        #expect(after.text.contains("\n  approvals: 1 of 1 (alice), met\n"), "\(after.text)")
        #expect(after.page.contains(#"<p id="approvals" data-met="true">approvals: 1 of 1 (alice), met</p>"#))
        #expect(after.page.contains("alice"))
    }

    /// The example's override pins bill payments the API reports unpinned: the first bundle
    /// inserts two of them, and show, report.md and report.html list each with the source's
    /// value and the value the override set.
    @Test func overridesListTheirNoteRowsAndSourceToSetExamples() throws {
        let (workspace, first, _) = try Self.twoBundles()
        defer { workspace.remove() }
        let examples = ["product_id=P-100: pinned false → true", "product_id=P-103: pinned false → true"]
        let shown = try Self.airlock(["show", first.path], in: workspace)
        #expect(shown.status == 0, "\(shown.error)")
        #expect(
            shown.output.contains(
                """

                Overrides
                  products: when product_type = 'bill_payment' set pinned = true: 2 row(s) changed in this run (the catalog API does not report pins for bill payments)
                    \(examples[0])
                    \(examples[1])

                """), "\(shown.output)")
        let folder = try Shell.extract(first)
        let report = try String(contentsOf: folder.appendingPathComponent("report.md"), encoding: .utf8)
        #expect(
            report.contains(
                "| products | product_type = 'bill_payment' | pinned = true | the catalog API does not report pins for bill payments | 2 | \(examples.joined(separator: "; ")) |\n"
            ), "\(report)")
        let seen = try Self.openInChromium(folder.appendingPathComponent("report.html"))
        #expect(
            seen["overrides"] as? [[String]] == [
                [
                    "products", "product_type = 'bill_payment'", "pinned = true",
                    "the catalog API does not report pins for bill payments", "2", examples.joined(separator: "\n")
                ]
            ], "\(String(describing: seen["overrides"]))")
    }

    /// `scripts/report-check --screenshot` captures a page far taller than one capture may be
    /// in tiles, top to bottom, each 1280 pixels wide and at most 4,000 high.
    @Test func aTallPageIsScreenshotInTiles() throws {
        let (workspace, first, _) = try Self.twoBundles()
        defer { workspace.remove() }
        let folder = try Shell.extract(first)
        var page = try String(contentsOf: folder.appendingPathComponent("report.html"), encoding: .utf8)
        let body = try #require(page.range(of: "<body>"))
        page.insert(contentsOf: #"<div style="height:50000px"></div>"#, at: body.upperBound)
        let tall = folder.appendingPathComponent("tall.html")
        try page.write(to: tall, atomically: true, encoding: .utf8)
        let shot = folder.appendingPathComponent("shots/report.png")
        try FileManager.default.createDirectory(
            at: shot.deletingLastPathComponent(), withIntermediateDirectories: true)
        let result = try Shell.run([
            TestWorkspace.repository.appendingPathComponent("scripts/report-check").path, tall.path, "--screenshot",
            shot.path
        ])
        #expect(result.status == 0, "\(result.error)")
        let seen = try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as! [String: Any]
        let height = try #require(seen["height"] as? Int)
        #expect(height > 50_000)
        let tiles = (height + 3_999) / 4_000
        let names = ["report.png"] + (2...tiles).map { "report-\($0).png" }
        #expect(
            seen["screenshots"] as? [String]
                == names.map { shot.deletingLastPathComponent().appendingPathComponent($0).path })
        var covered = 0
        for name in names {
            let png = try Data(contentsOf: shot.deletingLastPathComponent().appendingPathComponent(name))
            #expect(png.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]), "\(name) is no PNG")
            let size = [16, 20].map { start in png[start..<start + 4].reduce(0) { $0 << 8 | Int($1) } }
            #expect(size[0] == 1280 && size[1] <= 4_000 && size[1] > 0, "\(name): \(size)")
            covered += size[1]
        }
        #expect(covered == height)
    }

    /// A finding's key in report.html is a button that filters the changes to that key's
    /// change; where the bundle changes nothing for it (a quarantined record), it is disabled.
    @Test func aFindingsKeyShowsItsChangeInChromium() throws {
        let workspace = try Self.workspace(
            specReplacing: "checks: [{range: {min: 0}}]", with: "checks: [{range: {min: 0}, severity: warn}]")
        defer { workspace.remove() }
        try workspace.drop(
            ["products.json", "contacts.ndjson"].map { TestWorkspace.repository.appendingPathComponent("inbox/\($0)") })
        // 1001 is under the range's minimum, which only warns: it is bundled with its finding.
        // Its neighbour 10010 starts with the same digits; clicking 1001 shows 1001 alone.
        try workspace.write(
            TestWorkspace.paymentsHeader + "1001,A,B,-5.00,card,2026-11-05\n10010,A,B,1.00,card,2026-11-05\n",
            toInbox: "payments.csv")
        #expect(try Self.airlock(["run", "--once"], in: workspace).status == 0)
        let folder = try Shell.extract(workspace.root.appendingPathComponent("outbox/bundle-000001.tar.gz"))
        let seen = try Self.openInChromium(folder.appendingPathComponent("report.html"))
        let keys = try #require(seen["finding_keys"] as? [[String: Any]])
        #expect(
            keys.map { "\($0["entity"]!) \($0["key"]!) \($0["enabled"]!)" } == [
                "contacts contact_id='C-3' 0", "payments payment_id=1001 1"
            ], "\(keys)")
        #expect(keys.last?["matching"] as? Int == 1, "\(keys)")
        #expect(keys.last?["rows"] as? [String] == ["payments insert payment_id=1001"], "\(keys)")
    }

    @Test func diffJSONNamesKeysAndFieldsThatDiffer() throws {
        let (a, _, underReview) = try Self.twoBundles()
        defer { a.remove() }
        // The same day regenerated from an export where P-100 costs 56.00 and the API still says P-103 is not pinned.
        var products = try String(contentsOf: TestWorkspace.secondDrop[0], encoding: .utf8)
        products = products.replacingOccurrences(of: "\"amount\": 55.00", with: "\"amount\": 56.00")
            .replacingOccurrences(
                of: "\"pinned\": true, \"updatedAt\": \"2026-11-03T12:00:00.250Z\"",
                with: "\"pinned\": false, \"updatedAt\": \"2026-11-03T12:00:00.250Z\"")
        let payments = try String(contentsOf: TestWorkspace.secondDrop[1], encoding: .utf8)
        let (b, _, regenerated) = try Self.twoBundles(
            second: [("products.json", products), ("payments.csv", payments)], keysFrom: a)
        defer { b.remove() }
        let result = try Self.airlock(["diff", underReview.path, regenerated.path, "--json"], in: a)
        #expect(result.status == 0, "\(result.error)")
        let verifier = BundleVerifier(allowedSigners: try AllowedSigners(path: a.allowedSigners.path))
        let verified = try [underReview, regenerated].map { try verifier.verify($0, policy: .integrityOnly) }
        let expected = try Self.fixture("diff-bundle-2.json")
            .replacingOccurrences(of: "<DIGEST_A>", with: verified[0].digest).replacingOccurrences(
                of: "<DIGEST_B>", with: verified[1].digest
            )
            .replacingOccurrences(of: "<ID_A>", with: verified[0].manifest.id).replacingOccurrences(
                of: "<ID_B>", with: verified[1].manifest.id)
        #expect(result.output == expected)

        // The text form opens with a summary per entity before the keys.
        let text = try Self.airlock(["diff", underReview.path, regenerated.path], in: a)
        let summary =
            text.output.components(separatedBy: "\nSummary\n").last?.components(separatedBy: "\n\n").first ?? ""
        #expect(
            summary.split(separator: "\n").map { $0.split(separator: " ").joined(separator: " ") } == [
                "entity only in A only in B different", "products 1 0 1", "all 1 0 1"
            ], "\(text.output)")

        let same = try Self.airlock(["diff", underReview.path, underReview.path, "--json"], in: a)
        #expect(same.output.contains("\"identical\" : true"))
        #expect(same.output.contains("\"entities\" : [\n\n  ]"))
    }

    @Test func reportMarkdownHasTheBreakdownAndTheChanges() throws {
        let (workspace, _, second) = try Self.twoBundles()
        defer { workspace.remove() }
        let report = try String(
            contentsOf: try Shell.extract(second).appendingPathComponent("report.md"), encoding: .utf8)
        #expect(report.hasPrefix("# Airlock bundle 2\n"))
        #expect(
            report.contains(
                "| entity | processed | inserted | updated | unchanged | superseded | quarantined | failed | deleted |\n"
            ))
        #expect(
            report.contains("| products | 4 | 1 (20.0%) | 2 (40.0%) | 1 (20.0%) | 0 | 0 (0.0%) | 0 | 1 (20.0%) |\n"))
        #expect(
            report.contains(
                "| products · product_type = bill_payment | 2 | 0 (0.0%) | 2 (100.0%) | 0 (0.0%) | 0 | 0 (0.0%) | — | 0 (0.0%) |\n"
            ))
        #expect(report.contains("| update | product_id=P-100 | amount | 50.00 | 55.00 |\n"))
        #expect(report.contains("| insert | payment_id=1004 | last_name |  | Line one\\\\r\\\\nline two |\n"))
        #expect(report.contains("No findings.\n"))
        #expect(
            report.contains(
                """
                ## Signatures and approvals

                | signature | by | when this page was written |
                |---|---|---|
                | producer signature (SHA256SUMS.sig) | producer | signed |
                | approvals (approvals/) |  | approvals: none required, met |

                Policy: none required by the producer's spec (a site may require some). Signatures and approvals added to the bundle file after this page was written are not on it: `airlock show BUNDLE` lists them and says whether the policy is met.

                """), "\(report)")
    }

    /// The page as headless Chromium renders it, checked over the DevTools protocol by
    /// scripts/report-check: no request beyond the page itself, no console error, and the
    /// counts of the breakdown table equal the manifest's.
    @Test func reportPageRendersInChromiumWithTheManifestsCounts() throws {
        let (workspace, _, second) = try Self.twoBundles()
        defer { workspace.remove() }
        let folder = try Shell.extract(second)
        let page = try String(contentsOf: folder.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(!page.contains("http://") && !page.contains("https://") && !page.contains("src="), "no external assets")

        let seen = try Self.openInChromium(folder.appendingPathComponent("report.html"))
        #expect(
            seen["present"] as? [String] == [
                "facts", "policy", "approvals", "sources", "breakdown", "overrides", "findings-none", "changes",
                "chart",
                "entity-filter", "op-filter", "search", "previous", "next", "position"
            ])
        let manifest = try JSONDecoder().decode(
            Manifest.self, from: Data(contentsOf: folder.appendingPathComponent("manifest.json")))
        let breakdown = seen["breakdown"] as! [String: [String: Int]]
        for entity in manifest.entities {
            let c = entity.counts
            #expect(
                breakdown[entity.name] == [
                    "processed": c.processed!, "inserted": c.inserted, "updated": c.updated,
                    "unchanged": c.unchanged, "superseded": c.superseded!, "quarantined": c.quarantined,
                    "failed": c.failed!, "deleted": c.deleted
                ])
        }
        let changed = manifest.entities.map(\.counts.changed).reduce(0, +)
        #expect(seen["change_rows"] as? Int == changed && seen["total_changes"] as? Int == changed)
        #expect(
            seen["per_entity"] as? [String: Int]
                == Dictionary(uniqueKeysWithValues: manifest.entities.map { ($0.name, $0.counts.changed) }))
        let search = seen["search"] as? [String: Any]
        #expect(
            search?["matching"] as? Int == 1,
            "a key taken from the bundle finds its one change: \(String(describing: search))")
        #expect(seen["chart_bars"] as? Int == 6)
    }

    /// Markup in a value is text on the page: it neither runs nor fetches. A quarantined record
    /// is listed in validation.json, show and both pages.
    @Test func hostileValuesStayTextAndFindingsAreListed() throws {
        let hostile = #"<script>document.title='owned'</script><img src=\"http://127.0.0.1:9/x.png\">"#
        let products = try String(contentsOf: TestWorkspace.secondDrop[0], encoding: .utf8)
            .replacingOccurrences(of: "Telkom LTE 10GB; DROP TABLE products; --", with: hostile)
        let payments =
            try String(contentsOf: TestWorkspace.secondDrop[1], encoding: .utf8)
            + "1005,Sipho,Dlamini,12.345,card,2026-11-09\n"
        let (workspace, _, second) = try Self.twoBundles(second: [
            ("products.json", products), ("payments.csv", payments)
        ])
        defer { workspace.remove() }
        let folder = try Shell.extract(second)
        let validation = try JSONDecoder().decode(
            ValidationReport.self, from: Data(contentsOf: folder.appendingPathComponent("validation.json")))
        #expect(
            validation.findings == [
                ValidationFinding(
                    severity: .quarantine, check: "type", entity: "payments", file: "payments.csv", line: 6,
                    record: 4, field: "Amount", value: "12.345",
                    reason: "'12.345' has more than 2 decimal places", key: "payment_id=1005")
            ])

        let seen = try Self.openInChromium(folder.appendingPathComponent("report.html"))
        #expect(seen["title"] as? String == "Airlock bundle 2")
        #expect((seen["present"] as? [String])?.contains("findings") == true)
        let page = try String(contentsOf: folder.appendingPathComponent("report.html"), encoding: .utf8)
        // The value travels as JSON data whose every < is written \u003c, and the page puts it in
        // cells as text.
        #expect(
            page.contains(
                #"\u003cscript>document.title='owned'\u003c/script>\u003cimg src=\"http://127.0.0.1:9/x.png\">"#))
        #expect(!page.contains("<script>document.title") && !page.contains("<img"))

        let markdown = try String(contentsOf: folder.appendingPathComponent("report.md"), encoding: .utf8)
        #expect(
            markdown.contains(
                "| quarantine | payments | payments.csv: line 6: field 'Amount' | payment_id=1005 | 12.345 | '12.345' has more than 2 decimal places |"
            ))
        let shown = try Self.airlock(["show", second.path], in: workspace)
        #expect(
            shown.output.contains(
                "quarantine payments: payments.csv: line 6: field 'Amount' (payment_id=1005): '12.345' has more than 2 decimal places"
            ))
    }
}
