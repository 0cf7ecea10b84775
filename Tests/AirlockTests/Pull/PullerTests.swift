import Foundation
import Logging
import Testing

@testable import AirlockBase
@testable import AirlockProducer
@testable import AirlockSpec

/// `airlock pull` against a real HTTP server on 127.0.0.1 (`Tests/Fixtures/pull/api_server.py`)
/// through libcurl: each pagination style, injected failures, and where credentials end up.
@Suite(.tags(.python3), .runsExternalPrograms) struct PullerTests {
    static let token = "tok-\(UUID().uuidString)"
    static let apiKey = "key-\(UUID().uuidString)"
    static let environment = ["TEST_API_TOKEN": token, "TEST_API_KEY": apiKey]
    static let allIDs = (1...23).map { String(format: "p%02d", $0) }

    /// The example's products entity, pulled from `url` with the given pull settings and
    /// further source settings (`mode: delta`).
    static func spec(url: String, settings: String, source: String = "") -> String {
        """
        producer: {key: producer}
        entities:
          products:
            source:
              files: "products*.json"
              records: data.products\(source.isEmpty ? "" : "\n      \(source)")
              pull:
                url: \(url)
                auth: {bearer: TEST_API_TOKEN}
                headers: {X-Api-Key: "${TEST_API_KEY}"}
                timeout: 1s
                backoff: 50ms
        \(settings.split(separator: "\n").map { "        \($0)" }.joined(separator: "\n"))
            key: product_id
            columns:
              product_id: {from: id, type: text}
              name: text
              product_type: {from: type, type: enum}
              amount: {from: price.amount, type: "decimal(12,2)"}
              currency: {from: price.currency, type: text}
              pinned: boolean
              updated_at: {from: updatedAt, type: timestamp}
        """
    }

    struct Style: CustomTestStringConvertible, Sendable {
        let path: String
        let settings: String
        let pages: Int
        var testDescription: String { path }
    }

    static let styles = [
        Style(path: "/page", settings: "page_size: 10\npagination: {style: page, size_param: per_page}", pages: 3),
        Style(path: "/offset", settings: "page_size: 10\npagination: {style: offset, size_param: limit}", pages: 3),
        Style(path: "/cursor", settings: "pagination: {style: cursor, next: meta.next_cursor}", pages: 3),
        Style(path: "/next", settings: "pagination: {style: next_link, next: links.next}", pages: 3),
        Style(path: "/link", settings: "pagination: {style: next_link}", pages: 3),
        // Pages of 5 against a page size of 10: only the has_more flag can tell the end.
        Style(path: "/hasmore", settings: "page_size: 10\npagination: {style: page, has_more: has_more}", pages: 5)
    ]

    private func workspace(_ server: APIServer, path: String, settings: String) throws -> TestWorkspace {
        try TestWorkspace(spec: Self.spec(url: server.url(path), settings: settings))
    }

    /// Pulls the workspace's one pullable entity, products.
    @discardableResult
    private func pull(_ workspace: TestWorkspace, environment: [String: String] = PullerTests.environment) throws
        -> PullReport
    {
        let puller = Puller(
            workspace: try Workspace(root: workspace.root.path), environment: environment, logger: .test)
        return try puller.pull(try #require(puller.pullableEntities.first))
    }

    /// The product ids of a dump, page after page, and its provenance.
    private func contents(of dump: URL) throws -> (ids: [String], provenance: [String: Any]) {
        let document = try JSONSerialization.jsonObject(with: Data(contentsOf: dump)) as? [String: Any] ?? [:]
        let pages = document["pages"] as? [[String: Any]] ?? []
        let ids = pages.flatMap {
            (($0["data"] as? [String: Any])?["products"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
        }
        return (ids, document["airlock_pull"] as? [String: Any] ?? [:])
    }

    private func files(in directory: URL) -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()) ?? []
    }

    @Test(arguments: styles)
    func eachPaginationStyleFetchesEveryRecordOnceInOrder(_ style: Style) throws {
        let server = try APIServer(token: Self.token)
        let workspace = try workspace(server, path: style.path, settings: style.settings)
        defer { workspace.remove() }
        let report = try pull(workspace)

        #expect(files(in: workspace.inbox) == [report.file.lastPathComponent])
        #expect(report.file.lastPathComponent.wholeMatch(of: #/products-[0-9]{8}T[0-9]{6}Z\.json/#) != nil)
        let (ids, provenance) = try contents(of: report.file)
        #expect(ids == Self.allIDs)
        #expect(report.pages == style.pages && report.records == 23 && report.retries == 0)
        #expect(provenance["pages"] as? Int == style.pages && provenance["records"] as? Int == 23)
        #expect(provenance["url"] as? String == server.url(style.path))
        #expect((provenance["pulled_at"] as? String)?.hasSuffix("Z") == true)
        let requests = try server.log().filter { $0.path != "/log" }
        #expect(requests.count == style.pages, "each page is asked for once: \(requests)")
        #expect(files(in: workspace.root.appendingPathComponent(".airlock/pulling")).isEmpty)
    }

    @Test func transientFailuresAreRetriedUntilThePageArrives() throws {
        let server = try APIServer(token: Self.token)
        let workspace = try workspace(
            server, path: "/flaky/page",
            settings: "page_size: 10\nattempts: 6\npagination: {style: page, size_param: per_page}")
        defer { workspace.remove() }
        let report = try pull(workspace)

        // 429 with Retry-After, 500, a timeout, a body cut short, a body that is not JSON; then the page.
        #expect(report.retries == 5)
        #expect(try contents(of: report.file).ids == Self.allIDs)
        let pages = try server.log().filter { $0.path == "/flaky/page" }.map(\.query)
        #expect(
            pages == ["page=1&per_page=10"] + Array(repeating: "page=2&per_page=10", count: 6) + ["page=3&per_page=10"])
        #expect(files(in: workspace.inbox).count == 1)
    }

    @Test func aPageThatNeverArrivesLeavesTheInboxAsItWas() throws {
        let server = try APIServer(token: Self.token)
        let workspace = try workspace(
            server, path: "/broken/page",
            settings: "page_size: 10\nattempts: 3\npagination: {style: page, size_param: per_page}")
        defer { workspace.remove() }
        // A killed pull's leftover goes; a partial file of a pull still running stays.
        let pulling = workspace.root.appendingPathComponent(".airlock/pulling")
        try FileManager.default.createDirectory(at: pulling, withIntermediateDirectories: true)
        for name in ["killed.partial", "running.partial"] {
            try Data("{\"pages\":[".utf8).write(to: pulling.appendingPathComponent(name))
        }
        try FileManager.default.setAttributes(
            [.modificationDate: Date(timeIntervalSinceNow: -2 * 86_400)],
            ofItemAtPath: pulling.appendingPathComponent("killed.partial").path)
        let error = try #require(throws: PullError.self) { try pull(workspace) }
        guard case let .gaveUp(source, page, url, attempts, reason) = error else { Issue.record("\(error)"); return }
        #expect(source == "products" && page == 2 && attempts == 3)
        #expect(url == server.url("/broken/page?page=2&per_page=10"))
        #expect(reason.contains("HTTP 500") && reason.contains("database unavailable"))
        #expect(error.description.hasPrefix("products: page 2 ("))
        #expect(files(in: workspace.inbox).isEmpty, "page 1 arrived, but a partial pull must not land")
        #expect(files(in: pulling) == ["running.partial"])
    }

    @Test func aPullBecomesABundleAndCredentialsAreWrittenNowhere() throws {
        let server = try APIServer(token: Self.token)
        let workspace = try workspace(
            server, path: "/page", settings: "page_size: 10\npagination: {style: page, size_param: per_page}")
        defer { workspace.remove() }
        let report = try pull(workspace)
        let run = try workspace.run()
        guard case let .bundle(bundle, manifest, _) = run.outcome else { Issue.record("no bundle: \(run)"); return }
        #expect(manifest.sources.map(\.name) == [report.file.lastPathComponent])
        #expect(manifest.sources.first?.records == 23)
        #expect(manifest.sources.first?.pulled?.hasSuffix("Z") == true)
        #expect(manifest.entities.first?.counts.inserted == 23)

        // A refused request (wrong token) goes through the error path too.
        let wrong = ["TEST_API_TOKEN": "wrong-\(Self.token)", "TEST_API_KEY": Self.apiKey]
        let refusal = try #require(throws: PullError.self) { try pull(workspace, environment: wrong) }
        #expect(refusal.description.contains("HTTP 401"))
        #expect(!refusal.description.contains(Self.token) && !refusal.description.contains(Self.apiKey))

        let extracted = try Shell.extract(bundle)
        defer { try? FileManager.default.removeItem(at: extracted) }
        var scanned = 0
        for root in [workspace.root, extracted] {
            let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey])!
            for case let file as URL in walker
            where (try file.resourceValues(forKeys: [.isRegularFileKey])).isRegularFile == true {
                let data = try Data(contentsOf: file)
                for secret in [Self.token, Self.apiKey] {
                    #expect(data.range(of: Data(secret.utf8)) == nil, "\(secret.prefix(4))… found in \(file.path)")
                }
                scanned += 1
            }
        }
        #expect(scanned > 10)
    }

    @Test func tlsIsVerifiedAndACAFileCanBeNamed() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "airlock-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let certificate = directory.appendingPathComponent("cert.pem"),
            key = directory.appendingPathComponent("key.pem")
        let made = try Shell.run([
            "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", key.path, "-out", certificate.path, "-days", "2",
            "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"
        ])
        try #require(made.status == 0, "\(made.error)")
        let server = try APIServer(token: Self.token, tls: (certificate, key))
        let paging = "page_size: 10\npagination: {style: page, size_param: per_page}"
        let untrusted = try workspace(server, path: "/page", settings: paging)
        let trusted = try workspace(server, path: "/page", settings: paging + "\nca_file: \(certificate.path)")
        defer { untrusted.remove(); trusted.remove() }

        let error = try #require(throws: PullError.self) { try pull(untrusted) }
        guard case let .refused(_, page, _, reason) = error else { Issue.record("\(error)"); return }
        #expect(page == 1 && reason.contains("certificate"), "\(reason)")
        #expect(try server.log().isEmpty, "no request may pass an unverified TLS connection")
        #expect(files(in: untrusted.inbox).isEmpty)

        let report = try pull(trusted)
        #expect(try contents(of: report.file).ids == Self.allIDs)
    }

    @Test func loopsForeignLinksAndMissingVariablesAreRefused() throws {
        let server = try APIServer(token: Self.token)
        let loop = try workspace(
            server, path: "/loop/cursor", settings: "pagination: {style: cursor, next: meta.next_cursor}")
        let elsewhere = try workspace(
            server, path: "/elsewhere/next", settings: "pagination: {style: next_link, next: links.next}")
        defer { loop.remove(); elsewhere.remove() }

        let looping = try #require(throws: PullError.self) { try pull(loop) }
        #expect(looping.description.contains("page 2") && looping.description.contains("the pagination loops"))
        let foreign = try #require(throws: PullError.self) { try pull(elsewhere) }
        #expect(foreign.description.contains("another site (example.invalid)"))
        let unset = try #require(throws: PullError.self) {
            try pull(loop, environment: ["TEST_API_TOKEN": Self.token])
        }
        #expect(unset == .missingVariable(source: "products", variable: "TEST_API_KEY"))
        for workspace in [loop, elsewhere] { #expect(files(in: workspace.inbox).isEmpty) }
    }

    @Test func specMistakesAreNamed() {
        func problem(_ settings: String, url: String = "https://api.example.com/products") -> String {
            do {
                _ = try Spec.parse(yaml: Self.spec(url: url, settings: settings))
                return "no error"
            } catch {
                return "\(error)"
            }
        }
        #expect(problem("pagination: {style: cursor}").contains("a cursor pagination needs next:"))
        #expect(problem("pagination: {style: pages}").contains("unknown style 'pages'"))
        #expect(problem("rate_limit: fast").contains("not a rate such as 5/s"))
        #expect(problem("retries: 3").contains("unknown setting 'retries'"))
        #expect(problem("", url: "ftp://api.example.com").contains("is not an http:// or https:// URL"))
        #expect(
            problem("params: {key: \"${not-a-name}\"}").contains("'${not-a-name}' is not an environment variable name"))
        let renamed = Self.spec(url: "https://api.example.com", settings: "").replacingOccurrences(
            of: "products*.json", with: "catalog.json")
        #expect(throws: SpecError.self) { try Spec.parse(yaml: renamed) }
        let pull = try? Spec.parse(
            yaml: Self.spec(url: "https://api.example.com", settings: "rate_limit: 4/s\nattempts: 2"))
        #expect(pull?.entities.first?.source.pull?.minimumInterval == 0.25)
        #expect(pull?.entities.first?.source.pull?.auth == .bearer(variable: "TEST_API_TOKEN"))
    }

    @Test func linkHeadersAndRetryAfterDatesAreRead() {
        let response = HTTPResponse(
            status: 429,
            headers: [
                (
                    "link",
                    #"<https://api.example.com/items?page=1>; rel="prev", <https://api.example.com/items?page=3>; rel="next""#
                ),
                ("Retry-After", "Wed, 21 Oct 2026 07:28:30 GMT")
            ], body: Data(), url: "https://api.example.com/items?page=2")
        #expect(response.nextLink == "https://api.example.com/items?page=3")
        let now = Date(timeIntervalSince1970: 1_792_567_700)  // 2026-10-21T07:28:20Z
        #expect(response.retryAfter(now: now) == 10)
    }
}
