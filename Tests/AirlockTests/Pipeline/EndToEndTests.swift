import Foundation
import Testing

@testable import AirlockBase
@testable import AirlockProducer
@testable import AirlockSite
@testable import AirlockSpec

/// The whole path, checked with the tools an air-gapped site has: sha256sum, ssh-keygen,
/// sqlite3 and psql against real databases.
@Suite(.tags(.postgres, .sqlite3, .sshKeygen), .runsExternalPrograms) struct EndToEndTests {
    /// Two successive drops of the example give two bundles; also returns the state after the first.
    private func twoBundles(_ workspace: TestWorkspace) throws -> (URL, URL, String) {
        try workspace.drop(TestWorkspace.exampleDrop)
        guard case let .bundle(first, _, _) = try workspace.run().outcome else {
            throw ShellError(description: "no first bundle")
        }
        let afterFirst = try workspaceState(workspace)
        try workspace.drop(TestWorkspace.secondDrop)
        let report = try workspace.run()
        guard case let .bundle(second, manifest, _) = report.outcome else {
            throw ShellError(description: "no second bundle")
        }
        #expect(manifest.sequence == 2)
        #expect(
            manifest.entities.map(\.counts) == [
                EntityCounts(processed: 4, inserted: 1, updated: 2, deleted: 1, unchanged: 1, superseded: 0, failed: 0),
                EntityCounts(processed: 3, inserted: 1, updated: 1, deleted: 1, unchanged: 1, superseded: 0, failed: 0)
            ])
        #expect(afterFirst != (try workspaceState(workspace)))
        return (first, second, afterFirst)
    }

    /// The workspace baseline, rendered as `sqlite3` prints it.
    private func workspaceState(_ workspace: TestWorkspace) throws -> String {
        try sqliteDump(workspace.database, tablePrefix: "base_")
    }

    private func sqliteDump(_ database: URL, tablePrefix: String = "") throws -> String {
        let sql =
            "SELECT * FROM \"\(tablePrefix)products\" ORDER BY 1; SELECT * FROM \"\(tablePrefix)payments\" ORDER BY 1;"
        let result = try Shell.run(["sqlite3", database.path, sql])
        #expect(result.status == 0, "\(result.error)")
        return result.output
    }

    /// PostgreSQL rows rendered like the workspace's canonical values.
    private func postgresDump(_ postgres: Postgres) throws -> String {
        let spec = try Spec.load(path: TestWorkspace.repository.appendingPathComponent("airlock.yml").path)
        return try spec.entities.map { entity in
            let columns = entity.columns.map(TableChecksum.postgresText)
            return try postgres.query("SELECT \(columns.joined(separator: ", ")) FROM \(entity.name) ORDER BY 1")
        }.joined()
    }

    @Test func bundlesApplyAndRollBackWithPlainSqlite3() throws {
        let workspace = try TestWorkspace()
        defer { workspace.remove() }
        let (first, second, firstState) = try twoBundles(workspace)
        let one = try Shell.extract(first), two = try Shell.extract(second)
        let target = workspace.root.appendingPathComponent("target.db")

        func apply(_ script: URL) throws -> Shell.Result {
            try Shell.run(
                ["sqlite3", "-bail", target.path], input: try String(contentsOf: script, encoding: .utf8),
                in: BundleLayout.bundleFolder(ofScript: script))
        }
        // Bundle 2 does not apply on an empty target: its parent is bundle 1.
        let early = try apply(two.appendingPathComponent("sqlite/upsert.sql"))
        #expect(early.status != 0)
        #expect(early.error.contains("applies on top of bundle 000001 (digest "), "\(early.error)")
        #expect(early.error.contains("this target has no bundle applied yet"), "\(early.error)")

        // The change file names its bundle: the digest of manifest.json.
        let member = try String(contentsOf: one.appendingPathComponent("changes/products.ndjson"), encoding: .utf8)
        let header = try JSONSerialization.jsonObject(with: Data(member.prefix { $0 != "\n" }.utf8)) as? [String: Any]
        let manifestDigest = try Shell.run(["sha256sum", one.appendingPathComponent("manifest.json").path]).output
        #expect(manifestDigest.hasPrefix(header?["bundle"] as? String ?? "-"), "\(member.prefix(200))")
        #expect(try apply(one.appendingPathComponent("sqlite/upsert.sql")).status == 0)
        let afterOne = try sqliteDump(target)
        #expect(afterOne == firstState)
        // Run from bundle 1's folder, bundle 2's script finds bundle 1's rows there and stops.
        let elsewhere = try Shell.run(
            ["sqlite3", "-bail", target.path],
            input: try String(contentsOf: two.appendingPathComponent("sqlite/upsert.sql"), encoding: .utf8), in: one)
        #expect(elsewhere.status != 0)
        #expect(elsewhere.error.contains("changes/products.ndjson here is not bundle 000002's"), "\(elsewhere.error)")
        #expect(try sqliteDump(target) == afterOne)
        #expect(try apply(two.appendingPathComponent("sqlite/upsert.sql")).status == 0)
        #expect(try sqliteDump(target) == (try workspaceState(workspace)))
        // verify.sql reads the change file only for its key listing: run from bundle 1's folder
        // without it, it still passes; asked for the keys there, it stops.
        let verify = try String(contentsOf: two.appendingPathComponent("sqlite/verify.sql"), encoding: .utf8)
        let verified = try Shell.run(["sqlite3", "-bail", target.path], input: verify, in: one)
        #expect(verified.status == 0 && verified.output.contains("airlock: products: ok"), "\(verified.error)")
        let listed = try Shell.run(
            ["sqlite3", "-bail", "-cmd", ".parameter set @airlock_keys 1", target.path], input: verify, in: one)
        #expect(listed.error.contains("changes/products.ndjson here is not bundle 000002's"), "\(listed.error)")

        let again = try apply(two.appendingPathComponent("sqlite/upsert.sql"))
        #expect(again.status != 0)
        #expect(again.error.contains("is already applied to this target"))
        #expect(try sqliteDump(target) == (try workspaceState(workspace)))

        let wrongRollback = try apply(one.appendingPathComponent("sqlite/rollback.sql"))
        #expect(wrongRollback.error.contains("only the last one can be rolled back"))
        // A row bundle 2 wrote, edited on the target since: its rollback stops and says since when.
        let amount = try Shell.run([
            "sqlite3", target.path, "SELECT quote(amount) FROM products WHERE product_id = 'P-100'"
        ])
        .output.trimmingCharacters(in: .newlines)
        _ = try Shell.run(["sqlite3", target.path, "UPDATE products SET amount = '1.00' WHERE product_id = 'P-100'"])
        let drifted = try apply(two.appendingPathComponent("sqlite/rollback.sql"))
        #expect(drifted.error.contains("(edited on the target since bundle 000002 was applied?)"), "\(drifted.error)")
        _ = try Shell.run(["sqlite3", target.path, "UPDATE products SET amount = \(amount) WHERE product_id = 'P-100'"])
        #expect(try sqliteDump(target) == (try workspaceState(workspace)))
        #expect(try apply(two.appendingPathComponent("sqlite/rollback.sql")).status == 0)
        #expect(try sqliteDump(target) == afterOne)
        // After a rollback the same bundle can be applied again.
        #expect(try apply(two.appendingPathComponent("sqlite/upsert.sql")).status == 0)
        #expect(try sqliteDump(target) == (try workspaceState(workspace)))
    }

    @Test func bundlesApplyAndRollBackWithPlainPsql() throws {
        let workspace = try TestWorkspace()
        defer { workspace.remove() }
        let (first, second, firstState) = try twoBundles(workspace)
        let one = try Shell.extract(first), two = try Shell.extract(second)
        let postgres = try Postgres.freshDatabase()

        #expect(try postgres.apply(one.appendingPathComponent("postgres/upsert.sql")).status == 0)
        let afterOne = try postgresDump(postgres)
        #expect(afterOne == firstState)
        let elsewhere = try Shell.run(
            [
                "psql", postgres.conninfo, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-1", "-f",
                two.appendingPathComponent("postgres/upsert.sql").path
            ], in: one)
        #expect(elsewhere.status != 0)
        #expect(elsewhere.error.contains("changes/products.ndjson here is not bundle 000002's"), "\(elsewhere.error)")
        #expect(try postgresDump(postgres) == afterOne)
        #expect(try postgres.apply(two.appendingPathComponent("postgres/upsert.sql")).status == 0)
        #expect(try postgresDump(postgres) == (try workspaceState(workspace)))

        let again = try postgres.apply(two.appendingPathComponent("postgres/upsert.sql"))
        #expect(again.status != 0)
        #expect(again.error.contains("is already applied to this target"))

        let unguarded = try Shell.run(
            ["psql", postgres.conninfo, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-f", "postgres/rollback.sql"], in: two)
        #expect(unguarded.error.contains("run this script as one transaction"))
        #expect(try postgresDump(postgres) == (try workspaceState(workspace)))

        #expect(try postgres.apply(two.appendingPathComponent("postgres/rollback.sql")).status == 0)
        #expect(try postgresDump(postgres) == afterOne)
        let ledger = try postgres.query("SELECT sequence, kind FROM airlock_ledger ORDER BY id")
        #expect(ledger == "1|upsert\n2|upsert\n2|rollback\n")
    }

    @Test func bundleVerifiesWithCoreutilsAndSshKeygen() throws {
        let workspace = try TestWorkspace()
        defer { workspace.remove() }
        try workspace.drop(TestWorkspace.exampleDrop)
        guard case let .bundle(file, manifest, digest) = try workspace.run().outcome else {
            Issue.record("no bundle")
            return
        }
        #expect(file.lastPathComponent == "bundle-000001.tar.gz")
        #expect(FileManager.default.fileExists(atPath: file.path))
        let verified = try BundleVerifier(allowedSigners: try AllowedSigners(path: workspace.allowedSigners.path))
            .verify(file)
        #expect(verified.signers == ["producer"])
        #expect(verified.digest == digest)
        #expect(verified.manifest == manifest)
        #expect(
            verified.members == [
                "SHA256SUMS", "SHA256SUMS.sig", "changes/payments.ndjson", "changes/products.ndjson", "manifest.json",
                "postgres/cutover-rollback.sql", "postgres/cutover.sql", "postgres/rollback.sql", "postgres/upsert.sql",
                "postgres/verify.sql",
                "report.html", "report.md",
                "sqlite/cutover-rollback.sql", "sqlite/cutover.sql", "sqlite/rollback.sql", "sqlite/upsert.sql",
                "sqlite/verify.sql",
                "validation.json"
            ])

        let extracted = try Shell.extract(file)
        let sums = try Shell.run(["sha256sum", "-c", "SHA256SUMS"], in: extracted)
        #expect(sums.status == 0, "\(sums.output)\(sums.error)")
        let checksums = try String(contentsOf: extracted.appendingPathComponent("SHA256SUMS"), encoding: .utf8)
        let ssh = try Shell.run(
            [
                "ssh-keygen", "-Y", "verify", "-f", workspace.allowedSigners.path, "-I", "producer",
                "-n", "airlock-bundle", "-s", extracted.appendingPathComponent("SHA256SUMS.sig").path
            ],
            input: checksums)
        #expect(ssh.status == 0, "\(ssh.error)")
        #expect(ssh.output.contains("Good \"airlock-bundle\" signature for producer"))
    }

    @Test func sameContentTwiceAndNoChangeGiveNoBundle() throws {
        let workspace = try TestWorkspace()
        defer { workspace.remove() }
        try workspace.drop(TestWorkspace.exampleDrop)
        guard case .bundle = try workspace.run().outcome else {
            Issue.record("no first bundle")
            return
        }
        // The same content under another name is recorded once and changes nothing.
        try workspace.drop([TestWorkspace.exampleDrop[0]], renamedTo: ["products-copy.json"])
        let copy = try workspace.run()
        #expect(copy.outcome == .noNewFiles)
        #expect(copy.alreadySeen.contains("products-copy.json (same content as products.json)"))
        // New content that normalizes to the same rows: no change, no bundle.
        let reformatted = try String(contentsOf: TestWorkspace.exampleDrop[0], encoding: .utf8).replacingOccurrences(
            of: "\"amount\": 50.00", with: "\"amount\": \"50\"")
        try workspace.write(reformatted, toInbox: "products-again.json")
        #expect(try workspace.run().outcome == .noChanges)
        let bundles = try FileManager.default.contentsOfDirectory(
            atPath: workspace.root.appendingPathComponent("outbox").path)
        #expect(bundles == ["bundle-000001.tar.gz"])
    }

    @Test func badFilesAreNamedAndOthersProceed() throws {
        let workspace = try TestWorkspace()
        defer { workspace.remove() }
        try workspace.drop([
            TestWorkspace.fixtures.appendingPathComponent("bad/payments-unbalanced-quote.csv"),
            TestWorkspace.fixtures.appendingPathComponent("bad/products-nul-byte.json"),
            TestWorkspace.exampleDrop[1]
        ])
        try workspace.write(
            "\"Payment ID\",\"First name\",\"Last name\",Amount,Method,\"Paid at\"\n2001,A,B,12.345,card,2026-11-01\n2002,C,D,1.00,card,2026-11-01\n",
            toInbox: "payments-quarantine.csv")
        let report = try workspace.run()
        #expect(
            report.rejected.map(\.description) == [
                "products-nul-byte.json: line 1: invalid JSON: Unescaped control character"
            ])
        // The unclosed quote holds back its line to the end of the file; the line before proceeds.
        #expect(
            report.ingested.map(\.name) == ["payments-quarantine.csv", "payments-unbalanced-quote.csv", "payments.csv"])
        #expect(report.ingested[1].records == 1)
        #expect(
            report.ingested[1].firstUnparsed.map { "\($0.place): \($0.reason)" } == [
                "line 3, field 2 ('First name'): a quoted field is never closed (unbalanced quote); the rest of the file from this line is held back"
            ])
        #expect(
            report.findings.map(\.description) == [
                "payments-quarantine.csv: line 2: field 'Amount': '12.345' has more than 2 decimal places; the record is held back"
            ])
        let inbox = workspace.inbox.path
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: inbox + "/rejected").sorted() == [
                "products-nul-byte.json", "products-nul-byte.json.error.txt"
            ])
        #expect(
            try String(contentsOfFile: inbox + "/processed/payments-unbalanced-quote.csv.error.txt", encoding: .utf8)
                == "held back: payments-unbalanced-quote.csv: \(report.ingested[1].firstUnparsed[0].place): \(report.ingested[1].firstUnparsed[0].reason)\n"
        )
        guard case let .bundle(_, manifest, _) = report.outcome else {
            Issue.record("the good files should still give a bundle")
            return
        }
        #expect(manifest.entities.map(\.name) == ["payments"])
        // 7 records: 4 new payments, 1 held back for its amount, 1 superseded by a later record
        // of the same payment, 1 unreadable (the unclosed quote).
        #expect(
            manifest.entities[0].counts
                == EntityCounts(processed: 7, inserted: 4, quarantined: 1, superseded: 1, failed: 1))
    }

    /// Without the private key, only its public half: the key can sign only through an agent,
    /// and there is none. With neither file: how to make one.
    @Test func missingProducerKeySaysHowToMakeIt() throws {
        let workspace = try TestWorkspace()
        defer { workspace.remove() }
        let key = workspace.root.appendingPathComponent("keys/producer")
        try FileManager.default.removeItem(at: key)
        #expect {
            try workspace.run()
        } throws: { error in
            guard case let KeyError.needsAgent(path, _) = error else { return false }
            return path == key.path + ".pub"
        }
        try FileManager.default.removeItem(at: URL(fileURLWithPath: key.path + ".pub"))
        #expect(
            throws: KeyError.missing(
                name: "producer", path: workspace.root.appendingPathComponent("keys/producer").path)
        ) {
            try workspace.run()
        }
    }
}
