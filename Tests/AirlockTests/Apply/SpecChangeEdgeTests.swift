import Foundation
import GRDB
import Testing

@testable import AirlockBase
@testable import AirlockProducer
@testable import AirlockSite

/// Spec edits as a user makes them over months, found by trying to break the chain: each
/// bundle applies with plain psql and sqlite3 onto a target at the bundle before, `verify.sql`
/// agrees, and its rollback gives back the target as it was (`SpecChangeTests.contents`).
@Suite(.tags(.postgres, .sqlite3), .runsExternalPrograms) struct SpecChangeEdgeTests {
    struct Step {
        var spec: String
        var drop: (name: String, text: String)?
    }

    static func spec(_ columns: [String]) -> String {
        """
        producer: {key: producer}
        entities:
          items:
            source: {files: "items*.csv"}
            key: id
            columns:
        \(columns.map { "      " + $0 }.joined(separator: "\n"))

        """
    }

    private func run(_ target: ScriptTarget, _ script: URL, _ context: String) throws {
        let result = try target.run(script)
        #expect(result.status == 0, "\(context): \(script.lastPathComponent): \(result.error)")
        if result.status != 0 { throw ShellError(description: "\(context): \(result.error)") }
    }

    /// Applies each step's bundle (upsert and verify, its rollback, the cutover and verify, its
    /// rollback, then the upsert again) and returns the target's rows of `query` at the end.
    private func chain(_ steps: [Step], _ dialect: SQLDialect, query: String) throws -> String {
        let workspace = try TestWorkspace(spec: steps[0].spec)
        defer { workspace.remove() }
        let target = try ScriptTarget.fresh(dialect)
        defer { target.remove() }
        for (number, step) in steps.enumerated() {
            let context = "\(dialect.rawValue) bundle \(number + 1)"
            try step.spec.write(
                to: workspace.root.appendingPathComponent("airlock.yml"), atomically: true, encoding: .utf8)
            if let drop = step.drop { try workspace.write(drop.text, toInbox: drop.name) }
            let report = try workspace.run()
            guard case let .bundle(file, _, _) = report.outcome else {
                throw ShellError(description: "\(context): no bundle: \(report.outcome), \(report.findings)")
            }
            let folder = try Shell.extract(file)
            defer { try? FileManager.default.removeItem(at: folder) }
            func script(_ script: BundleScript) -> URL {
                folder.appendingPathComponent(BundleLayout.script(script, for: dialect))
            }
            let before = try SpecChangeTests.contents(target)
            for (apply, undo) in [(BundleScript.upsert, BundleScript.rollback), (.cutover, .cutoverRollback)]
            where number > 0 {
                try run(target, script(apply), context)
                try run(target, script(.verify), context)
                try run(target, script(undo), context)
                let after = try SpecChangeTests.contents(target)
                #expect(after == before, "\(context): \(undo.fileName)\nBEFORE\n\(before)\nAFTER\n\(after)")
            }
            try run(target, script(.upsert), context)
            try run(target, script(.verify), context)
        }
        return try target.query(query)
    }

    /// Text made a date with the format its values were written in: the targets hold the text
    /// as it was read (`13/11/2026`), which PostgreSQL's cast cannot read (or reads month
    /// first); the bundle must still apply and give the dates the new spec reads.
    @Test(arguments: SQLDialect.allCases) func textMadeADateWithAFormatApplies(_ dialect: SQLDialect) throws {
        let steps = [
            Step(
                spec: Self.spec(["id: text", "paid: text"]),
                drop: ("items-1.csv", "id,paid\na,05/11/2026\nb,13/11/2026\nc,\n")),
            Step(spec: Self.spec(["id: text", "paid: {type: date, format: \"%d/%m/%Y\"}"]))
        ]
        #expect(
            try chain(steps, dialect, query: "SELECT id, paid FROM items ORDER BY id")
                == "a|2026-11-05\nb|2026-11-13\nc|\n")
    }

    /// Text made an integer in the same run as a drop that deletes the one row whose value is
    /// no integer: every row the workspace keeps fits, but the targets still hold the deleted
    /// row when the column is retyped.
    @Test(arguments: SQLDialect.allCases) func textMadeAnIntegerWithADropThatDeletesTheRowThatDoesNotFit(
        _ dialect: SQLDialect
    ) throws {
        let steps = [
            Step(spec: Self.spec(["id: text", "qty: text"]), drop: ("items-1.csv", "id,qty\na,1\nb,n/a\nc,3\n")),
            Step(spec: Self.spec(["id: text", "qty: integer"]), drop: ("items-2.csv", "id,qty\na,1\nc,4\n"))
        ]
        #expect(try chain(steps, dialect, query: "SELECT id, qty FROM items ORDER BY id") == "a|1\nc|4\n")
    }

    /// Text made an integer where a row's record is held back under the new type: its row keeps
    /// its old value, which blocks the run with the row named (not cleared with the rows the
    /// targets' cast may not read), and nothing changes.
    @Test func aHeldBackRowThatDoesNotFitStillBlocks() throws {
        let workspace = try TestWorkspace(spec: Self.spec(["id: text", "qty: text"]))
        defer { workspace.remove() }
        try workspace.write("id,qty\na,1\nb,n/a\n", toInbox: "items-1.csv")
        guard case .bundle = try workspace.run().outcome else { throw ShellError(description: "no first bundle") }
        try Self.spec(["id: text", "qty: integer"]).write(
            to: workspace.root.appendingPathComponent("airlock.yml"), atomically: true, encoding: .utf8)
        guard case let .blocked(findings) = try workspace.run().outcome else {
            throw ShellError(description: "the unfit row did not block")
        }
        #expect(findings.contains { $0.check == "schema_change" && $0.key == "id=b" && $0.value == "n/a" })
        let rows = try DatabaseQueue(path: workspace.database.path).read { db in
            try String.fetchAll(db, sql: "SELECT id || '|' || qty FROM base_items ORDER BY id")
        }
        #expect(rows == ["a|1", "b|n/a"])
    }

    /// A decimal narrowed in the same run as a drop that deletes the one row whose value is too
    /// wide for the new precision: the targets still hold the row when the column is retyped.
    @Test(arguments: SQLDialect.allCases) func aDecimalNarrowedWithADropThatDeletesTheRowThatDoesNotFit(
        _ dialect: SQLDialect
    ) throws {
        let steps = [
            Step(
                spec: Self.spec(["id: text", "price: decimal(12,2)"]),
                drop: ("items-1.csv", "id,price\na,1.50\nb,123456.78\nc,2.00\n")),
            Step(
                spec: Self.spec(["id: text", "price: decimal(6,2)"]),
                drop: ("items-2.csv", "id,price\na,1.50\nc,2.25\n"))
        ]
        #expect(try chain(steps, dialect, query: "SELECT id, price FROM items ORDER BY id") == "a|1.50\nc|2.25\n")
    }

    /// Names that are SQL keywords, renamed (one retyped at the same time), removed, and the
    /// table renamed to one; a `renamed_from:` that names no column is no rename.
    @Test(arguments: SQLDialect.allCases) func keywordNamesAreRenamedRetypedAndRemoved(_ dialect: SQLDialect) throws {
        let steps = [
            Step(
                spec: Self.spec(["id: text", "note: text", "qty: text"]),
                drop: ("items-1.csv", "id,note,qty\na,x,1\nb,y,02\n")),
            Step(
                spec: Self.spec([
                    "id: text", "order: {type: text, from: note, renamed_from: note}",
                    "select: {type: integer, from: qty, renamed_from: qty}",
                    "from: {type: text, from: note, renamed_from: nothing_here}"
                ])),
            Step(
                spec: Self.spec(["id: text", "select: {type: integer, from: qty}"])
                    .replacingOccurrences(of: "key: id", with: "key: id\n    table: user"))
        ]
        #expect(try chain(steps, dialect, query: "SELECT id, \"select\" FROM \"user\" ORDER BY id") == "a|1\nb|2\n")
    }

    /// A column an index of the site uses is not dropped (nor, in SQLite, moved to a new type)
    /// behind its back: PostgreSQL would drop the index with it and the rollback could not make
    /// it again, SQLite refuses with an error about Airlock's own column. The script refuses
    /// first, naming the column, and changes nothing; without the index the bundle applies.
    @Test(arguments: SQLDialect.allCases) func aColumnASiteIndexUsesIsNotDroppedBehindItsBack(_ dialect: SQLDialect)
        throws
    {
        let workspace = try TestWorkspace(spec: Self.spec(["id: text", "qty: text", "note: text"]))
        defer { workspace.remove() }
        let target = try ScriptTarget.fresh(dialect)
        defer { target.remove() }
        try workspace.write("id,qty,note\na,1,x\nb,2,y\n", toInbox: "items-1.csv")
        func bundle(_ columns: [String]) throws -> URL {
            try Self.spec(columns).write(
                to: workspace.root.appendingPathComponent("airlock.yml"), atomically: true, encoding: .utf8)
            guard case let .bundle(file, _, _) = try workspace.run().outcome else {
                throw ShellError(description: "no bundle for \(columns)")
            }
            return try Shell.extract(file)
        }
        func script(_ folder: URL, _ script: BundleScript) -> URL {
            folder.appendingPathComponent(BundleLayout.script(script, for: dialect))
        }
        let first = try bundle(["id: text", "qty: text", "note: text"])
        try run(target, script(first, .upsert), "bundle 1")
        try target.execute("CREATE INDEX items_note ON items (note); CREATE INDEX items_qty ON items (qty);")

        let removal = try bundle(["id: text", "qty: text"])
        let before = try SpecChangeTests.contents(target)
        let refused = try target.run(script(removal, .upsert))
        #expect(refused.status != 0)
        #expect(
            (refused.output + refused.error).contains(
                "drops or retypes column items.note, which an index of this target uses: drop the index first"),
            "\(refused.error)")
        #expect(try SpecChangeTests.contents(target) == before)
        try target.execute("DROP INDEX items_note;")
        try run(target, script(removal, .upsert), "bundle 2 without the index")
        try run(target, script(removal, .verify), "bundle 2 without the index")

        // PostgreSQL retypes an indexed column in place; SQLite cannot.
        let retype = try bundle(["id: text", "qty: integer"])
        let retyped = try target.run(script(retype, .upsert))
        #expect((retyped.status == 0) == (dialect == .postgres), "\(retyped.error)")
        if dialect == .sqlite {
            #expect((retyped.output + retyped.error).contains("retypes column items.qty, which an index"))
        }
    }
}
