import Foundation
import GRDB
import Testing

@testable import AirlockBase
@testable import AirlockProducer
@testable import AirlockSite
@testable import AirlockSpec

/// The laws of spec changes on random edits of random data: each bundle, applied with plain
/// psql or sqlite3 to a target at the bundle before, leaves the target's table as the
/// workspace's new snapshot, `verify.sql` agrees, and its rollback gives back the target as
/// it was, tables and values (`SpecChangeTests.contents`). Edits: a column added from a
/// field read before, removed, renamed (`renamed_from`), a decimal widened, text made an
/// integer, the table renamed, with or without a new drop in the same bundle.
@Suite(.tags(.postgres, .sqlite3), .runsExternalPrograms) struct SpecEditLawTests {
    struct Column {
        var name: String
        var field: String
        var type: String
        var renamedFrom: String?

        var spec: String {
            "      \(name): {type: \"\(type)\", from: \(field)\(renamedFrom.map { ", renamed_from: \($0)" } ?? "")}"
        }
    }

    struct State {
        var columns = [
            Column(name: "id", field: "id", type: "text"), Column(name: "t", field: "t", type: "text"),
            Column(name: "d", field: "d", type: "decimal(10,2)")
        ]
        var table = "items"
        var renames = 0

        var spec: String {
            """
            producer: {key: producer}
            entities:
              items:
                source: {files: "items*.csv"}
                key: id
                table: \(table)
                columns:
            \(columns.map(\.spec).joined(separator: "\n"))

            """
        }

        /// One random edit that this state allows, described.
        mutating func edit(_ random: inout SplitMix64) -> String {
            for index in columns.indices { columns[index].renamedFrom = nil }
            let fields = ["t", "n", "d", "w"].filter { field in !columns.contains { $0.field == field } }
            let values = Array(columns.indices.dropFirst())
            switch Int.random(in: 0..<6, using: &random) {
            case 0 where !fields.isEmpty:
                let field = fields.randomElement(using: &random)!
                let type =
                    field == "d" ? "decimal(10,2)" : field == "n" && Bool.random(using: &random) ? "integer" : "text"
                columns.append(Column(name: "\(field)_\(renames)", field: field, type: type))
                renames += 1
                return "add \(field) as \(type)"
            case 1 where values.count > 1:
                let removed = columns.remove(at: values.randomElement(using: &random)!)
                return "remove \(removed.name)"
            case 2 where !values.isEmpty:
                let index = values.randomElement(using: &random)!
                let old = columns[index].name
                columns[index].name = "c\(renames)"
                columns[index].renamedFrom = old
                renames += 1
                return "rename \(old) to \(columns[index].name)"
            case 3:
                guard let index = columns.firstIndex(where: { $0.type == "decimal(10,2)" }) else { fallthrough }
                columns[index].type = "decimal(12,3)"
                return "widen \(columns[index].name)"
            case 4:
                guard let index = columns.firstIndex(where: { $0.field == "n" && $0.type == "text" }) else {
                    fallthrough
                }
                columns[index].type = "integer"
                return "make \(columns[index].name) an integer"
            default:
                table = table == "items" ? "goods" : "items"
                return "rename the table to \(table)"
            }
        }
    }

    /// A drop of up to six keys: text with quotes and accents, integers some with a leading
    /// zero (text made integer changes them), decimals, words.
    static func randomDrop(_ random: inout SplitMix64) -> String {
        let keys = (0..<6).filter { _ in Bool.random(using: &random) }
        let lines = keys.map { key -> String in
            let text = ["plain", "O''Brien", "café", "a,b", ""].randomElement(using: &random)!
            let number = ["1", "007", "42", "-3"].randomElement(using: &random)!
            let decimal = ["1.50", "0.25", "12", "-4.75"].randomElement(using: &random)!
            let word = ["red", "green"].randomElement(using: &random)!
            return "k\(key),\"\(text.replacingOccurrences(of: "''", with: "'"))\",\(number),\(decimal),\(word)"
        }
        return "id,t,n,d,w\n" + lines.joined(separator: "\n") + "\n"
    }

    @Test func randomSpecEditsApplyToTheNewSnapshotAndRollBackToTheOldTarget() {
        forRandomSeeds(count: 8) { seed in
            var random = SplitMix64(seed: seed)
            var state = State()
            let workspace = try TestWorkspace(spec: state.spec)
            defer { workspace.remove() }
            let targets = try SQLDialect.allCases.map { ($0, try ScriptTarget.fresh($0)) }
            defer { for (_, target) in targets { target.remove() } }
            try workspace.write(Self.randomDrop(&random) + "k9,x,1,1.00,red\n", toInbox: "items-0.csv")
            for step in 0..<6 {
                var done = "first drop"
                if step > 0 {
                    done = state.edit(&random)
                    try state.spec.write(
                        to: workspace.root.appendingPathComponent("airlock.yml"), atomically: true, encoding: .utf8)
                    if Bool.random(using: &random) {
                        try workspace.write(
                            Self.randomDrop(&random) + "k9,x,1,1.00,red\n", toInbox: "items-\(step).csv")
                        done += " with a new drop"
                    }
                }
                let context = "seed \(seed) step \(step) (\(done))"
                let report = try workspace.run()
                guard case let .bundle(file, _, _) = report.outcome else {
                    #expect(report.outcome == .noChanges, "\(context): \(report.outcome)")
                    continue
                }
                let entity = try Workspace(root: workspace.root.path).spec.entity(named: "items")
                let snapshot = try DatabaseQueue(path: workspace.database.path).read { db in
                    try CanonicalRows.sqlite(db, entity: entity, table: "base_items")
                }
                let folder = try Shell.extract(file)
                defer { try? FileManager.default.removeItem(at: folder) }
                for (dialect, target) in targets {
                    func run(_ script: BundleScript) throws {
                        let result = try target.run(
                            folder.appendingPathComponent(BundleLayout.script(script, for: dialect)))
                        #expect(result.status == 0, "\(context) \(dialect) \(script.fileName): \(result.error)")
                    }
                    let before = try SpecChangeTests.contents(target)
                    try run(.upsert)
                    #expect(try Self.rows(target, entity) == snapshot, "\(context) \(dialect)")
                    try run(.verify)
                    if step > 0 {
                        try run(.rollback)
                        #expect(try SpecChangeTests.contents(target) == before, "\(context) \(dialect) rollback")
                        try run(.upsert)
                    }
                }
            }
        }
    }

    /// The target's rows of `entity` as `CanonicalRows` spells them.
    static func rows(_ target: ScriptTarget, _ entity: EntitySpec) throws -> String {
        switch target {
        case let .sqlite(path):
            return try DatabaseQueue(path: path.path).read { db in
                try CanonicalRows.sqlite(db, entity: entity, table: entity.table.name)
            }
        case let .postgres(postgres): return try CanonicalRows.postgres(postgres, entity: entity)
        }
    }
}
