import Foundation
import GRDB
import Testing

@testable import AirlockBase
@testable import AirlockProducer
@testable import AirlockSite

/// What a spec change tells the people around it: reviewers see the schema changes first,
/// with their DDL; a change that would lose information blocks with the rows named and
/// changes nothing; a change no migration can make is refused with what to do instead.
@Suite(.runsExternalPrograms) struct SpecChangeReviewTests {
    private static func spec(_ columns: String, key: String = "id") -> String {
        """
        producer: {key: producer}
        entities:
          items:
            source: {files: "items*.csv"}
            key: \(key)
            columns: {\(columns)}
        """
    }

    private static let items = "id,code,price,active\na,1,1.50,yes\nb,2,4.125,no\n"

    private func start(_ columns: String) throws -> TestWorkspace {
        let workspace = try TestWorkspace(spec: Self.spec(columns))
        try workspace.write(Self.items, toInbox: "items.csv")
        guard case .bundle = try workspace.run().outcome else { throw ShellError(description: "no first bundle") }
        return workspace
    }

    private func respec(_ workspace: TestWorkspace, _ text: String) throws {
        try text.write(to: workspace.root.appendingPathComponent("airlock.yml"), atomically: true, encoding: .utf8)
    }

    @Test func aNarrowingThatSomeValueDoesNotFitBlocksWithItsRowAndChangesNothing() throws {
        let workspace = try start("id: text, price: \"decimal(12,3)\"")
        defer { workspace.remove() }
        try respec(workspace, Self.spec("id: text, price: \"decimal(10,2)\""))
        let report = try workspace.run()
        guard case let .blocked(findings) = report.outcome else {
            throw ShellError(description: "not blocked: \(report.outcome)")
        }
        let finding = try #require(findings.first { $0.check == "schema_change" })
        #expect(findings.count == 1)
        #expect(finding.key == "id=b" && finding.field == "price" && finding.value == "4.125")
        #expect(finding.reason.hasPrefix("row id=b: '4.125' does not fit decimal(10,2)"), "\(finding.reason)")
        let (rows, definition) = try DatabaseQueue(path: workspace.database.path).read { db in
            (
                try String.fetchAll(db, sql: "SELECT id || '|' || price FROM base_items ORDER BY id"),
                try String.fetchOne(db, sql: "SELECT definition FROM airlock_entities")
            )
        }
        #expect(rows == ["a|1.500", "b|4.125"])
        #expect(definition?.contains("decimal(12,3)") == true)
        // The spec put back, nothing is left to do.
        try respec(workspace, Self.spec("id: text, price: \"decimal(12,3)\""))
        #expect(try workspace.run().outcome == .noNewFiles)
    }

    @Test func aNewKeyAndATypeNoCastReachesAreRefusedWithWhatToDo() throws {
        let workspace = try start("id: text, code: integer, active: boolean")
        defer { workspace.remove() }
        try respec(workspace, Self.spec("id: text, code: integer, active: boolean", key: "code"))
        #expect {
            try Workspace(root: workspace.root.path)
        } throws: { error in
            "\(error)".contains("entity 'items': its key changed from (id) to (code)")
                && "\(error)".contains("make a new entity")
        }
        try respec(workspace, Self.spec("id: text, code: integer, active: integer"))
        #expect {
            try Workspace(root: workspace.root.path)
        } throws: { error in
            "\(error)".contains("column 'active' changed its type from boolean to integer, which no cast converts")
        }
    }

    /// The workspace's baseline and before-images of the entity (the snapshot is made afresh
    /// by each run), each row as JSON with its columns by name, so a column added back at the
    /// end compares equal, and its recorded definition.
    private func tables(_ workspace: TestWorkspace) throws -> [String] {
        try DatabaseQueue(path: workspace.database.path).read { db in
            try ["base_items", "undo_items"].flatMap { table in
                let columns = try String.fetchAll(
                    db, sql: "SELECT name FROM pragma_table_info(?) ORDER BY name", arguments: [table])
                let object = columns.map { "'\($0)', \"\($0)\"" }.joined(separator: ", ")
                return try String.fetchAll(
                    db, sql: "SELECT '\(table) ' || json_object(\(object)) FROM \"\(table)\" ORDER BY 1")
            } + String.fetchAll(db, sql: "SELECT definition FROM airlock_entities")
        }
    }

    @Test func aDiscardedSchemaChangeTakesTheWorkspaceBackAndTheSameSpecMakesItAgain() throws {
        let workspace = try start("id: text, code: text, price: \"decimal(12,3)\", active: boolean")
        defer { workspace.remove() }
        try workspace.write(Self.items.replacingOccurrences(of: "b,2,", with: "b,02,"), toInbox: "items-2.csv")
        _ = try workspace.run()
        let before = try tables(workspace)
        try respec(
            workspace, Self.spec("id: text, number: {type: integer, from: code, renamed_from: code}, price: text"))
        guard case let .bundle(_, changed, digest) = try workspace.run().outcome else {
            throw ShellError(description: "the spec change made no bundle")
        }
        #expect(
            changed.schemaChanges?.map(\.change) == [
                "column_renamed", "column_retyped", "column_retyped", "column_removed"
            ])
        let producer = Producer(workspace: try Workspace(root: workspace.root.path), logger: .test)
        _ = try producer.discard(digest: digest)
        #expect(try tables(workspace) == before)
        // The same spec makes the same bundle again: the next one in the chain.
        guard case let .bundle(_, again, _) = try workspace.run().outcome else {
            throw ShellError(description: "the spec change made no bundle after the discard")
        }
        #expect(again.sequence == changed.sequence && again.schemaChanges == changed.schemaChanges)
        #expect(again.entities == changed.entities)
    }

    /// A discarded bundle of a rule change sets its records aside; a column added after it is
    /// a bundle of the schema change alone, upsert only, where it crashed writing a cutover
    /// of no table. The records, dropped again, fill the column.
    @Test func aSchemaChangeWhoseRecordsAreSetAsideIsABundleOfItsStatements() throws {
        let workspace = try start("id: text, code: text")
        defer { workspace.remove() }
        try respec(workspace, Self.spec("id: text, code: {type: text, nulls: [\"1\"]}"))
        guard case let .bundle(_, mapped, digest) = try workspace.run().outcome else {
            throw ShellError(description: "the rule change made no bundle")
        }
        #expect(mapped.entities.map(\.counts.updated) == [1])
        _ = try Producer(workspace: try Workspace(root: workspace.root.path), logger: .test).discard(digest: digest)
        try respec(workspace, Self.spec("id: text, code: {type: text, nulls: [\"1\"]}, price: text"))
        guard case let .bundle(_, added, _) = try workspace.run().outcome else {
            throw ShellError(description: "the added column made no bundle")
        }
        #expect(added.schemaChanges?.map(\.change) == ["column_added"])
        #expect(added.entities.isEmpty && added.delivery == [.upsert])
        try workspace.write(Self.items, toInbox: "items-again.csv")
        guard case let .bundle(_, filled, _) = try workspace.run().outcome else {
            throw ShellError(description: "the records dropped again made no bundle")
        }
        #expect(filled.entities.map(\.counts.updated) == [2])
    }

    @Test func showAndTheReportsListTheSchemaChangesFirstWithTheirStatements() throws {
        let workspace = try start("id: text, price: \"decimal(12,3)\"")
        defer { workspace.remove() }
        try respec(workspace, Self.spec("id: text, price: \"decimal(12,3)\", code: integer"))
        guard case let .bundle(file, manifest, _) = try workspace.run().outcome else {
            throw ShellError(description: "the new column made no bundle")
        }
        let change = try #require(manifest.schemaChanges?.first)
        #expect(change.line == "items: column_added code (integer)")
        #expect(change.postgres == [#"ALTER TABLE "items" ADD COLUMN "code" bigint;"#])
        #expect(change.sqlite == [#"ALTER TABLE "items" ADD COLUMN "code" INTEGER;"#])
        #expect(manifest.parentSpecDigest != nil && manifest.parentSpecDigest != manifest.specDigest)
        #expect(manifest.entities.first?.counts.updated == 2)

        let shown = try BundleReviewTests.airlock(["show", file.path], in: workspace)
        #expect(shown.status == 0, "\(shown.error)")
        let lines = shown.output.split(separator: "\n").map(String.init)
        let schema = try #require(lines.firstIndex { $0.hasPrefix("Schema changes") })
        #expect(schema < (lines.firstIndex(of: "Signatures") ?? 0))
        #expect(lines[schema + 1] == "  items: column_added code (integer)")
        #expect(lines[schema + 2] == #"    postgres: ALTER TABLE "items" ADD COLUMN "code" bigint;"#)

        let site = "sqlite:" + workspace.root.appendingPathComponent("site.db").path
        for (bundle, line) in [
            ("bundle-000001", nil), ("bundle-000002", "  schema: items: column_added code (integer)")
        ] {
            let applied = try BundleReviewTests.airlock(
                ["apply", workspace.root.appendingPathComponent("outbox/\(bundle).tar.gz").path, "--target", site],
                in: workspace)
            #expect(applied.status == 0, "\(applied.error)")
            if let line { #expect(applied.output.contains(line + "\n"), "\(applied.output)") }
        }
        let undone = try BundleReviewTests.airlock(["rollback", file.path, "--target", site], in: workspace)
        #expect(undone.output.contains("  schema undone: items: column_added code (integer)\n"), "\(undone.output)")

        let folder = try Shell.extract(file)
        defer { try? FileManager.default.removeItem(at: folder) }
        let markdown = try String(contentsOf: folder.appendingPathComponent("report.md"), encoding: .utf8)
        let section = try #require(markdown.range(of: "## Schema changes"))
        #expect(section.lowerBound < (markdown.range(of: "## Sources")?.lowerBound ?? markdown.startIndex))
        #expect(markdown.contains(#"ALTER TABLE "items" ADD COLUMN "code" bigint;"#))
        let page = try String(contentsOf: folder.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(page.contains(#"<table id="schema-changes">"#))
        #expect(page.contains("ALTER TABLE &quot;items&quot; ADD COLUMN &quot;code&quot; bigint;"))
    }
}
