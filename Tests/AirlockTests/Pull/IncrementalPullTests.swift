import Foundation
import GRDB
import Testing

@testable import AirlockProducer
@testable import AirlockSite
@testable import AirlockSpec

/// `pull.incremental` against the test API's changing source (`/changes/page` of
/// `Tests/Fixtures/pull/api_server.py`), with real SQLite: the cursor moves only with a bundle,
/// a failed round leaves it where it was, and the next round asks from it, `lookback` earlier.
@Suite(.tags(.python3), .runsExternalPrograms) struct IncrementalPullTests {
    static let incremental = "{param: updated_since, from: \"max(updated_at)\", lookback: 1h}"
    /// The newest `updatedAt` of the fixture's 23 products (p23, 08:00 at +02:00), and an hour
    /// before it: where the second pull starts.
    static let firstMark = "2026-11-24T06:00:00Z"
    static let firstSince = "2026-11-24T05:00:00Z"

    /// Pages of two, so that a round can fail after its first page arrived.
    static func spec(_ server: APIServer, incremental: String = incremental) -> String {
        PullerTests.spec(
            url: server.url("/changes/page"),
            settings: "page_size: 2\nattempts: 2\npagination: {style: page, size_param: per_page}\n"
                + "incremental: \(incremental)",
            source: "mode: delta")
    }

    @discardableResult
    private func pull(_ workspace: TestWorkspace) throws -> PullReport {
        let puller = Puller(
            workspace: try Workspace(root: workspace.root.path), environment: PullerTests.environment, logger: .test)
        return try puller.pull(try #require(puller.pullableEntities.first))
    }

    private func bundle(_ workspace: TestWorkspace) throws -> (manifest: Manifest, digest: String) {
        let report = try workspace.run()
        guard case let .bundle(_, manifest, digest) = report.outcome else {
            throw ShellError(description: "no bundle: \(report.outcome)")
        }
        return (manifest, digest)
    }

    /// The committed mark, read from the workspace's own bookkeeping.
    private func committed(_ workspace: TestWorkspace) throws -> String? {
        try DatabaseQueue(path: workspace.database.path).read { try PullCursor.committed(entity: "products", in: $0) }?
            .mark
    }

    /// The `updated_since` each request for the changing source sent since the last call
    /// (nil: none), and how many requests there were.
    private func sentSince(_ server: APIServer, after seen: inout Int) throws -> [String?] {
        let requests = try server.log().filter { $0.path == "/changes/page" }
        defer { seen = requests.count }
        return requests.dropFirst(seen).map { request in
            URLComponents(string: "?" + request.query)?.queryItems?.first { $0.name == "updated_since" }?.value
        }
    }

    @Test(arguments: ["drop", "500"])
    func aFailedRoundLeavesTheCursorAndTheNextRoundResumesFromIt(_ failure: String) throws {
        let server = try APIServer(token: PullerTests.token)
        let workspace = try TestWorkspace(spec: Self.spec(server))
        defer { workspace.remove() }
        var seen = 0

        // Round 1: no bundle has committed a mark, so the pull asks for everything.
        let first = try pull(workspace)
        #expect(first.records == 23 && first.pages == 12)
        #expect(first.cursor == Manifest.Cursor(param: "updated_since", since: nil))
        #expect(try sentSince(server, after: &seen) == Array(repeating: nil, count: 12))
        let bundle1 = try bundle(workspace).manifest
        #expect(bundle1.entities.first?.counts.inserted == 23)
        #expect(
            bundle1.sources.map(\.cursor)
                == [Manifest.Cursor(param: "updated_since", since: nil, committed: Self.firstMark)])
        #expect(try committed(workspace) == Self.firstMark)

        // At the source: p05 changes, p24 is new, and p10 changes with a time before the mark
        // (a transaction that committed late there), which only the lookback catches.
        try server.steer("change?id=p05&amount=55.50&at=2026-11-25T10:00:00Z")
        try server.steer("change?id=p24&amount=24.50&at=2026-11-25T11:00:00Z")
        try server.steer("change?id=p10&amount=10.75&at=2026-11-24T05:30:00Z")
        try server.steer("fail?page=2&count=2&how=\(failure)")

        // Round 2: page 1 arrives, page 2 fails on both attempts; nothing lands or moves.
        let error = try #require(throws: PullError.self) { try pull(workspace) }
        guard case let .gaveUp(_, page, _, attempts, reason) = error else {
            Issue.record("\(error)")
            return
        }
        #expect(page == 2 && attempts == 2)
        #expect(failure == "500" ? reason.contains("HTTP 500") : !reason.contains("HTTP"), "\(reason)")
        #expect(try sentSince(server, after: &seen) == Array(repeating: Self.firstSince, count: 3))
        // Round 1's dump went to inbox/processed; round 2 left none beside it.
        #expect(try FileManager.default.contentsOfDirectory(atPath: workspace.inbox.path) == ["processed"])
        #expect(try workspace.run().outcome == .noNewFiles)
        #expect(try committed(workspace) == Self.firstMark)

        // Round 3 asks from the same committed cursor and gets what changed, p23 again with it
        // (inside the lookback, unchanged); the keys it lacks keep their rows.
        let third = try pull(workspace)
        #expect(third.cursor == Manifest.Cursor(param: "updated_since", since: Self.firstSince))
        #expect(third.records == 4 && third.pages == 3)
        #expect(try sentSince(server, after: &seen) == Array(repeating: Self.firstSince, count: 3))
        let bundle2 = try bundle(workspace).manifest
        let counts = try #require(bundle2.entities.first?.counts)
        #expect(counts.processed == 4 && counts.inserted == 1 && counts.updated == 2)
        #expect(counts.unchanged == 1 && counts.deleted == 0)
        #expect(bundle2.entities.first?.rows == 24)
        #expect(
            bundle2.sources.map(\.cursor)
                == [
                    Manifest.Cursor(param: "updated_since", since: Self.firstSince, committed: "2026-11-25T11:00:00Z")
                ])
        #expect(try committed(workspace) == "2026-11-25T11:00:00Z")
    }

    @Test func aPullWhoseDropIsBlockedLeavesTheCursorForTheNextPull() throws {
        let server = try APIServer(token: PullerTests.token)
        let guarded = Self.spec(server).replacingOccurrences(
            of: "type: \"decimal(12,2)\"}",
            with: "type: \"decimal(12,2)\", checks: [{range: {min: 0, max: \"1000.00\"}, severity: block}]}")
        let workspace = try TestWorkspace(spec: guarded)
        defer { workspace.remove() }
        try pull(workspace)
        _ = try bundle(workspace)

        // The pull succeeds, but its drop breaks a blocking check: no bundle, so no mark.
        try server.steer("change?id=p05&amount=5000.00&at=2026-11-25T10:00:00Z")
        #expect(try pull(workspace).records == 2)
        guard case .blocked = try workspace.run().outcome else {
            Issue.record("the drop was not blocked")
            return
        }
        #expect(try committed(workspace) == Self.firstMark)

        try server.steer("change?id=p05&amount=55.50&at=2026-11-25T12:00:00Z")
        var seen = 0
        _ = try sentSince(server, after: &seen)
        #expect(try pull(workspace).cursor?.since == Self.firstSince)
        #expect(try sentSince(server, after: &seen).allSatisfy { $0 == Self.firstSince })
        #expect(try bundle(workspace).manifest.sources.map(\.cursor?.committed) == ["2026-11-25T12:00:00Z"])
    }

    /// A first pull bundled, then p05's amount changed at 10:00 and pulled again.
    private func pullAChangeAfterABundle(_ server: APIServer, _ workspace: TestWorkspace) throws {
        try pull(workspace)
        _ = try bundle(workspace)
        try server.steer("change?id=p05&amount=55.50&at=2026-11-25T10:00:00Z")
        try pull(workspace)
    }

    @Test func discardingABundleTakesItsCursorBackAndTheReportsShowIt() throws {
        let server = try APIServer(token: PullerTests.token)
        let workspace = try TestWorkspace(spec: Self.spec(server))
        defer { workspace.remove() }
        try pullAChangeAfterABundle(server, workspace)
        let (manifest, digest) = try bundle(workspace)
        #expect(try committed(workspace) == "2026-11-25T10:00:00Z")

        // The report the bundle carries shows what the pull sent and what the bundle commits.
        let extracted = try Shell.extract(workspace.root.appendingPathComponent("outbox/bundle-000002.tar.gz"))
        defer { try? FileManager.default.removeItem(at: extracted) }
        let report = try String(
            contentsOf: extracted.appendingPathComponent(BundleLayout.markdownReport), encoding: .utf8)
        #expect(report.contains("updated_since \(Self.firstSince) → 2026-11-25T10:00:00Z"), "\(report)")
        #expect(manifest.sources.first?.cursor?.committed == "2026-11-25T10:00:00Z")

        _ = try Producer(workspace: try Workspace(root: workspace.root.path), logger: .test).discard(digest: digest)
        #expect(try committed(workspace) == Self.firstMark)
        var seen = 0
        _ = try sentSince(server, after: &seen)
        try pull(workspace)
        #expect(try sentSince(server, after: &seen).allSatisfy { $0 == Self.firstSince })
    }

    @Test func recoverTakesTheCursorsBackFromTheManifests() throws {
        let server = try APIServer(token: PullerTests.token)
        let workspace = try TestWorkspace(spec: Self.spec(server))
        defer { workspace.remove() }
        try pullAChangeAfterABundle(server, workspace)
        _ = try bundle(workspace)

        try FileManager.default.removeItem(at: workspace.root.appendingPathComponent(".airlock"))
        let verifier = BundleVerifier(allowedSigners: try AllowedSigners(path: workspace.allowedSigners.path))
        _ = try WorkspaceRecovery(root: workspace.root, verifier: verifier, logger: .test).recover()
        #expect(try committed(workspace) == "2026-11-25T10:00:00Z")
        try server.steer("change?id=p06&amount=66.50&at=2026-11-25T11:00:00Z")
        let next = try pull(workspace)
        #expect(next.cursor?.since == "2026-11-25T09:00:00Z" && next.records == 2)
        #expect(try bundle(workspace).manifest.sources.map(\.cursor?.since) == ["2026-11-25T09:00:00Z"])
    }

    @Test func theCursorMovesBackByWholeSecondsOfLookback() {
        let hour = IncrementalPull(parameter: "since", from: "max(updated_at)", lookback: 3_600)
        #expect(hour.cursor(after: "2026-03-01T00:30:00Z") == "2026-02-28T23:30:00Z")
        #expect(hour.cursor(after: "2026-11-24T06:00:00.25Z") == "2026-11-24T05:00:00.25Z")
        #expect(hour.cursor(after: "42") == nil)
        #expect(IncrementalPull(parameter: "after_id", from: "max(seq)").cursor(after: "42") == "42")
    }

    @Test func specMistakesAreNamed() throws {
        func problem(_ incremental: String, source: String = "mode: delta", settings: String = "") -> String {
            let text = PullerTests.spec(
                url: "https://api.example.com/products",
                settings: "pagination: {style: page}\n\(settings)incremental: \(incremental)", source: source)
            do {
                _ = try Spec.parse(yaml: text)
                return "no error"
            } catch {
                return "\(error)"
            }
        }
        let known = "param: updated_since, from: \"max(updated_at)\""
        #expect(problem("{\(known), lookbak: 1h}").contains("unknown setting 'lookbak'"))
        #expect(problem("{\(known), lookbak: 1h}").contains("did you mean 'lookback'"))
        #expect(problem("{\(known), lookback: 1 hour}").contains("'1 hour' is not a duration such as 30s"))
        #expect(problem("{\(known), lookback: 1500ms}").contains("is not a duration"))
        #expect(problem("{param: updated_since}").contains("from"))
        #expect(problem("{\(known)}", source: "").contains("set source.mode: delta"))
        #expect(
            problem("{param: updated_since, from: \"max(amount)\", lookback: 1h}").contains(
                "lookback moves a timestamp cursor back"))
        #expect(
            problem("{param: updated_since, from: \"max(updatedAt)\"}").contains("names none of this entity's columns"))
        #expect(problem("{param: page, from: \"max(updated_at)\"}").contains("a parameter of the pagination already"))
        #expect(
            problem("{\(known)}", settings: "params: {updated_since: \"2020-01-01\"}\n").contains(
                "'updated_since' is also in params"))
        #expect(problem("{\(known), lookback: 1h}") == "no error")
    }

    @Test func aCursorExpressionSQLiteCannotComputeStopsTheWorkspaceFromOpening() throws {
        for (from, reason) in [
            ("updated_at", "gives a value per row"), ("max(updated_at) +", "cannot compute the cursor")
        ] {
            let server = try APIServer(token: PullerTests.token)
            let workspace = try TestWorkspace(
                spec: Self.spec(server, incremental: "{param: updated_since, from: \"\(from)\"}"))
            defer { workspace.remove() }
            let error = try #require(throws: WorkspaceError.self) { try Workspace(root: workspace.root.path) }
            #expect(error.description.contains("entities.products.source.pull.incremental.from"))
            #expect(error.description.contains(reason), "\(error)")
        }
    }
}
