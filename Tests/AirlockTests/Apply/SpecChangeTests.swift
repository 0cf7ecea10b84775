import Foundation
import GRDB
import Testing

@testable import AirlockBase
@testable import AirlockProducer
@testable import AirlockSite

/// A spec edited over months is a chain of bundles, each applied with plain psql or sqlite3
/// onto a target at the bundle before: the bundle changes the tables and then the rows,
/// `verify.sql` matches it, its rollback gives back the target as it was (schema and rows,
/// types, constraints and values), and the chain goes on.
@Suite(.tags(.postgres, .sqlite3), .runsExternalPrograms) struct SpecChangeTests {
    /// The spec's columns of `items` and the rest of the spec, edited step by step.
    struct Edit {
        var summary: String
        var items: [String]
        var table: String?
        var colors = false
        /// A file to drop with the edit.
        var drop: (name: String, text: String)?
        /// Whether the rollback leaves the target's tables as they were before the bundle. The
        /// bundle that first carries an entity makes its table, which its rollback leaves, empty.
        var rollbackRestoresTables = true
    }

    static let items = """
        id,name,price,qty,note,color
        a,Apple,1.50,3,fresh,red
        b,Banana,0.25,012,,yellow
        c,Cherry,10.00,7,sweet,

        """

    static let colors = """
          colors:
            source: {files: "colors*.csv"}
            key: color
            delivery: both
            columns: {color: text, hex: text}
        """

    static func spec(_ edit: Edit) -> String {
        """
        producer: {key: producer}
        entities:
        \(edit.colors ? colors : "")
          items:
            source: {files: "items*.csv"}
            key: id
            delivery: both
            \(edit.table.map { "table: \($0)" } ?? "")
            columns:
        \(edit.items.map { "      " + $0 }.joined(separator: "\n"))

        """
    }

    static let edits: [Edit] = {
        var columns = ["id: text", "name: text", "price: decimal(10,2)", "qty: text"]
        var edits = [
            Edit(summary: "first drop", items: columns, drop: ("items-1.csv", items), rollbackRestoresTables: false)
        ]
        func edit(_ summary: String, _ change: (inout [String]) -> Void) -> Edit {
            change(&columns)
            return Edit(summary: summary, items: columns)
        }
        edits.append(edit("add a column fed by a field already read") { $0.append("note: text") })
        edits.append(edit("drop a column") { $0.remove(at: 1) })
        edits.append(edit("rename a column") { $0[3] = "remark: {type: text, from: note, renamed_from: note}" })
        edits.append(edit("widen a decimal") { $0[1] = "price: decimal(12,3)" })
        edits.append(edit("text to integer") { $0[2] = "qty: integer" })
        var entity = edit("add an entity") { _ in }
        (entity.colors, entity.drop, entity.rollbackRestoresTables) = (
            true, ("colors-1.csv", "color,hex\nred,#f00\nyellow,#ff0\n"), false
        )
        edits.append(entity)
        var references = edit("add a references") { $0.append("color: {type: text, nulls: [''], references: colors}") }
        references.colors = true
        edits.append(references)
        var table = edit("change table:") { _ in }
        (table.colors, table.table) = (true, "stock_items")
        edits.append(table)
        var removal = edit("remove an entity and the column that referred to it") { $0.removeLast() }
        removal.table = "stock_items"
        edits.append(removal)
        var drop = edit("an ordinary drop after") { _ in }
        drop.table = "stock_items"
        drop.drop = ("items-2.csv", items.replacingOccurrences(of: "1.50", with: "1.75") + "d,Date,4.125,1,new,\n")
        edits.append(drop)
        return edits
    }()

    /// A catch-up bundle carries rows, not DDL: from before a schema change it is refused with
    /// what to do; from the change on, and from 0 (an empty target gets the tables as they are
    /// now), it applies.
    @Test(arguments: SQLDialect.allCases) func aCatchUpStartsAtTheLastSchemaChangeOrFromNothing(
        _ dialect: SQLDialect
    ) throws {
        let workspace = try TestWorkspace(spec: Self.spec(Self.edits[0]))
        defer { workspace.remove() }
        for edit in Self.edits.prefix(3) {
            try Self.spec(edit).write(
                to: workspace.root.appendingPathComponent("airlock.yml"), atomically: true, encoding: .utf8)
            if let drop = edit.drop { try workspace.write(drop.text, toInbox: drop.name) }
            _ = try workspace.run()
        }
        let producer = Producer(workspace: try Workspace(root: workspace.root.path), logger: .test)
        #expect(throws: CatchUpError.spansSchemaChange(from: 1, changing: 3)) { try producer.catchUp(from: "1") }
        let target = try ScriptTarget.fresh(dialect)
        defer { target.remove() }
        let full = try Shell.extract(try producer.catchUp(from: "0").file)
        defer { try? FileManager.default.removeItem(at: full) }
        for script in [BundleScript.upsert, .verify] {
            let result = try target.run(full.appendingPathComponent(BundleLayout.script(script, for: dialect)))
            #expect(result.status == 0, "\(script.fileName): \(result.error)")
        }
        #expect(try target.query("SELECT id, note FROM items ORDER BY id") == "a|fresh\nb|\nc|sweet\n")
    }

    /// `airlock recover` after spec changes: each entity's rows come from the bundles since its
    /// last schema change, the chain goes on with the next edit; a spec that is not the newest
    /// bundle's is refused, since the workspace would record its entities as the bundles' tables.
    @Test func recoverRebuildsAWorkspaceWhoseSpecChangedAndTheChainGoesOn() throws {
        let workspace = try TestWorkspace(spec: Self.spec(Self.edits[0]))
        defer { workspace.remove() }
        func edit(_ edit: Edit) throws -> RunReport {
            try Self.spec(edit).write(
                to: workspace.root.appendingPathComponent("airlock.yml"), atomically: true, encoding: .utf8)
            if let drop = edit.drop { try workspace.write(drop.text, toInbox: drop.name) }
            return try workspace.run()
        }
        for step in Self.edits.prefix(5) { _ = try edit(step) }
        func baseline() throws -> [String] {
            try DatabaseQueue(path: workspace.database.path).read { db in
                try String.fetchAll(
                    db,
                    sql:
                        "SELECT id || '|' || price || '|' || qty || '|' || coalesce(remark, '') FROM base_items ORDER BY id"
                )
            }
        }
        let before = try baseline()
        let verifier = BundleVerifier(allowedSigners: try AllowedSigners(path: workspace.allowedSigners.path))
        try FileManager.default.removeItem(at: workspace.root.appendingPathComponent(".airlock"))
        try Self.spec(Self.edits[5]).write(
            to: workspace.root.appendingPathComponent("airlock.yml"), atomically: true, encoding: .utf8)
        #expect {
            try WorkspaceRecovery(root: workspace.root, verifier: verifier, logger: .test).recover()
        } throws: { "\($0)".contains("is not the spec bundle-000005.tar.gz was made with") }

        try Self.spec(Self.edits[4]).write(
            to: workspace.root.appendingPathComponent("airlock.yml"), atomically: true, encoding: .utf8)
        let recovered = try WorkspaceRecovery(root: workspace.root, verifier: verifier, logger: .test).recover()
        #expect(recovered.sequence == 5)
        #expect(try baseline() == before)
        // The recovered workspace holds rows, not the export's records: the edit, which reads
        // them again, waits for the next export rather than reading them as none.
        #expect {
            try edit(Self.edits[5])
        } throws: { "\($0)".contains("does not hold the records of items-1.csv") }
        var withExport = Self.edits[5]
        withExport.drop = ("items-2.csv", Self.items + "\n")
        guard case let .bundle(_, manifest, _) = try edit(withExport).outcome else {
            throw ShellError(description: "the next edit made no bundle after recover")
        }
        #expect(manifest.sequence == 6 && manifest.schemaChanges?.map(\.change) == ["column_retyped"])
        let counts = manifest.entities.first { $0.name == "items" }?.counts
        #expect(counts?.deleted == 0 && counts?.inserted == 0, "\(String(describing: counts))")
    }

    /// The target's tables as they stand, but for what Airlock appends to (its ledger) and
    /// keeps for a retry (staging tables): each column's type, nullability and default, each
    /// constraint, and each row as JSON with its columns by name. A column's position is left
    /// out: a column that a rollback adds back comes last, as neither database can insert a
    /// column elsewhere.
    static func contents(_ target: ScriptTarget) throws -> String {
        switch target {
        case .postgres:
            let managed = """
                FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema')
                AND table_name NOT LIKE 'airlock%' AND table_name NOT LIKE '%staging%'
                """
            var text = try target.query(
                """
                SELECT c.table_schema, c.table_name, c.column_name, c.data_type, c.numeric_precision, c.numeric_scale,
                  c.is_nullable, c.column_default FROM information_schema.columns c
                WHERE (c.table_schema, c.table_name) IN (SELECT table_schema, table_name \(managed)) ORDER BY 1, 2, 3;
                SELECT conrelid::regclass::text, pg_get_constraintdef(oid) FROM pg_constraint
                WHERE connamespace = 'public'::regnamespace AND conrelid::regclass::text NOT LIKE 'airlock%'
                  AND conrelid::regclass::text NOT LIKE '%staging%' ORDER BY 1, 2;
                """)
            for table in try target.query("SELECT format('%I.%I', table_schema, table_name) \(managed) ORDER BY 1")
                .split(separator: "\n")
            {
                text += try target.query("SELECT '\(table)', to_jsonb(t)::text FROM \(table) AS t ORDER BY 2")
            }
            return text
        case .sqlite:
            let tables = try target.query(
                "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'airlock%' AND name NOT LIKE '%staging%' ORDER BY 1"
            ).split(separator: "\n").map(String.init)
            var text = ""
            for table in tables {
                let columns = try target.query("SELECT name FROM pragma_table_info('\(table)') ORDER BY name")
                    .split(separator: "\n").map { "'\($0)', \"\($0)\"" }.joined(separator: ", ")
                text += try target.query(
                    """
                    SELECT name, type, "notnull", dflt_value, pk FROM pragma_table_info('\(table)') ORDER BY name;
                    SELECT * FROM pragma_foreign_key_list('\(table)');
                    SELECT '\(table)', json_object(\(columns)) AS row FROM "\(table)" ORDER BY 2;
                    """)
            }
            return tables.joined(separator: ",") + "\n" + text
        }
    }

    private func run(_ target: ScriptTarget, _ script: URL, _ context: String) throws {
        let result = try target.run(script)
        #expect(result.status == 0, "\(context): \(script.lastPathComponent): \(result.error)")
        if result.status != 0 { throw ShellError(description: "\(context): \(result.error)") }
    }

    @Test(arguments: SQLDialect.allCases) func eachSpecEditIsABundleThatAppliesVerifiesAndRollsBack(
        _ dialect: SQLDialect
    ) throws {
        let workspace = try TestWorkspace(spec: Self.spec(Self.edits[0]))
        defer { workspace.remove() }
        let target = try ScriptTarget.fresh(dialect)
        defer { target.remove() }
        for (number, edit) in Self.edits.enumerated() {
            let context = "\(dialect.rawValue) bundle \(number + 1) (\(edit.summary))"
            try Self.spec(edit).write(
                to: workspace.root.appendingPathComponent("airlock.yml"), atomically: true, encoding: .utf8)
            if let drop = edit.drop { try workspace.write(drop.text, toInbox: drop.name) }
            let report = try workspace.run()
            guard case let .bundle(file, manifest, _) = report.outcome else {
                Issue.record("\(context): no bundle: \(report.outcome), findings \(report.findings)")
                return
            }
            #expect(manifest.sequence == number + 1, "\(context)")
            let folder = try Shell.extract(file)
            defer { try? FileManager.default.removeItem(at: folder) }
            func script(_ script: BundleScript) -> URL {
                folder.appendingPathComponent(BundleLayout.script(script, for: dialect))
            }
            let before = try Self.contents(target)
            for (apply, undo) in [(BundleScript.upsert, BundleScript.rollback), (.cutover, .cutoverRollback)] {
                try run(target, script(apply), context)
                try run(target, script(.verify), context)
                try run(target, script(undo), context)
                if edit.rollbackRestoresTables {
                    let after = try Self.contents(target)
                    #expect(after == before, "\(context): \(undo.fileName)\nBEFORE\n\(before)\nAFTER\n\(after)")
                }
            }
            try run(target, script(.upsert), context)
            try run(target, script(.verify), context)
        }
        #expect(
            try target.query("SELECT id, price, qty, remark FROM stock_items ORDER BY id")
                == "a|1.750|3|fresh\nb|0.250|12|\nc|10.000|7|sweet\nd|4.125|1|new\n")
    }
}
