import Foundation
import Testing

@testable import AirlockBase
@testable import AirlockProducer
@testable import AirlockSite

/// A target that has taken more than nine bundles: its ledger is read in the order the rows
/// were written, so bundle 11 follows bundle 10 (PostgreSQL once sorted the ledger's ids as
/// text, 1, 10, 11, 2, …, and refused bundle 11 as skipping a sequence), and the last one rolls back.
@Suite(.tags(.postgres, .sqlite3), .runsExternalPrograms) struct LongChainTests {
    static let spec = """
        producer: {key: producer}
        entities:
          items:
            source: {files: "items*.csv"}
            key: id
            columns: {id: text, v: integer}

        """

    @Test(arguments: SQLDialect.allCases) func twelveBundlesApplyInTurnAndTheLastRollsBack(_ dialect: SQLDialect) throws
    {
        let workspace = try TestWorkspace(spec: Self.spec)
        defer { workspace.remove() }
        let site = try ScriptTarget.fresh(dialect)
        defer { site.remove() }
        let applier = BundleApplier(
            verifier: BundleVerifier(allowedSigners: try AllowedSigners(path: workspace.allowedSigners.path)))
        var last: URL?
        for number in 1...12 {
            try workspace.write("id,v\na,\(number)\n", toInbox: "items-\(number).csv")
            guard case let .bundle(bundle, _, _) = try workspace.run().outcome else {
                Issue.record("drop \(number): no bundle")
                return
            }
            _ = try applier.apply(bundle, to: try site.target, approvals: SiteApprovals())
            last = bundle
        }
        #expect(try site.query("SELECT v FROM items") == "12\n")
        _ = try applier.rollback(try #require(last), from: try site.target)
        #expect(try site.query("SELECT v FROM items") == "11\n")
    }
}
