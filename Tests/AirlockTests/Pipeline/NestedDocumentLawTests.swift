import Foundation
import GRDB
import Testing

@testable import AirlockBase
@testable import AirlockProducer
@testable import AirlockSite
@testable import AirlockSpec

/// The law of child entities on random nested documents (`ChildEntityTests.spec`: orders,
/// their lines, the lines' taxes by position): after every drop the workspace holds exactly
/// what the last record of each order says, down to the last element of each line number,
/// whatever orders, lines and taxes came, went, repeated or lost their arrays; every bundle
/// applies to real PostgreSQL and SQLite targets with the foreign keys enforced, and rolling
/// the bundles back walks the targets through every earlier state.
@Suite(.tags(.postgres, .sqlite3), .runsExternalPrograms) struct NestedDocumentLawTests {
    struct Line {
        var number: Int
        var sku: String
        var quantity: Int
        var taxes: [String]?
    }

    struct Order {
        var id: String
        var customer: String
        var total: String
        var lines: [Line]?
        /// How an order without lines says so: the field absent, null, or an empty array.
        var noLines: String
    }

    static func randomDrop(_ random: inout SplitMix64) -> [Order] {
        (0..<Int.random(in: 1...6, using: &random)).map { _ in
            let lines: [Line]? =
                Int.random(in: 0..<4, using: &random) == 0
                ? nil
                : (0..<Int.random(in: 0...3, using: &random)).map { _ in
                    Line(
                        number: Int.random(in: 1...3, using: &random),
                        sku: ["A", "B", "C"].randomElement(using: &random)!,
                        quantity: Int.random(in: 0...3, using: &random),
                        taxes: Bool.random(using: &random)
                            ? nil
                            : (0..<Int.random(in: 0...2, using: &random)).map { _ in
                                ["1.00", "2.50", "15.00"].randomElement(using: &random)!
                            })
                }
            return Order(
                id: "O-\(Int.random(in: 0..<5, using: &random))",
                customer: ["Ann", "Bo"].randomElement(using: &random)!,
                total: ["1.00", "2.50"].randomElement(using: &random)!, lines: lines,
                noLines: ["", #", "lines": null"#, #", "lines": []"#].randomElement(using: &random)!)
        }
    }

    static func document(_ orders: [Order]) -> String {
        let records = orders.map { order -> String in
            let lines =
                order.lines.map { lines in
                    let elements = lines.map { line -> String in
                        let taxes =
                            line.taxes.map {
                                #", "taxes": ["# + $0.map { #"{"rate": "\#($0)"}"# }.joined(separator: ", ") + "]"
                            } ?? ""
                        return #"{"no": \#(line.number), "sku": "\#(line.sku)", "qty": \#(line.quantity)\#(taxes)}"#
                    }
                    return #", "lines": ["# + elements.joined(separator: ", ") + "]"
                } ?? order.noLines
            return #"{"id": "\#(order.id)", "customer": "\#(order.customer)", "total": "\#(order.total)"\#(lines)}"#
        }
        return #"{"data": {"orders": ["# + records.joined(separator: ",\n") + "]}}"
    }

    /// The rows a snapshot drop of `orders` leaves, as `ChildEntityTests.rows` spells them.
    static func expected(_ orders: [Order]) -> [String: [String]] {
        var winners: [String: Order] = [:]
        for order in orders { winners[order.id] = order }
        var rows: [String: [String]] = ["orders": [], "orders__lines": [], "orders__lines__taxes": []]
        for order in winners.values {
            rows["orders"]!.append("\(order.id)|\(order.customer)|\(order.total)")
            var lines: [Int: Line] = [:]
            for line in order.lines ?? [] { lines[line.number] = line }
            for line in lines.values {
                rows["orders__lines"]!.append("\(order.id)|\(line.number)|\(line.sku)|\(line.quantity)")
                for (index, rate) in (line.taxes ?? []).enumerated() {
                    rows["orders__lines__taxes"]!.append("\(order.id)|\(line.number)|\(index + 1)|\(rate)")
                }
            }
        }
        return rows.mapValues { $0.sorted() }
    }

    @Test func childrenFollowTheLastRecordOfTheirParentAndApplyAndRollBackExactly() {
        forRandomSeeds(count: 12) { seed in
            var random = SplitMix64(seed: seed)
            let workspace = try TestWorkspace(spec: ChildEntityTests.spec)
            defer { workspace.remove() }
            let targets = try SQLDialect.allCases.map { ($0, try ScriptTarget.fresh($0)) }
            defer { for (_, target) in targets { target.remove() } }
            var states = [ChildEntityTests.states[0].mapValues { _ in [String]() }]
            var bundles: [URL] = []
            for index in 0..<4 {
                let drop = Self.randomDrop(&random)
                try workspace.write(Self.document(drop), toInbox: "orders-\(index + 1).json")
                let report = try workspace.run()
                let state = Self.expected(drop)
                let baseline = try DatabaseQueue(path: workspace.database.path).read { db in
                    try Dictionary(
                        uniqueKeysWithValues: ChildEntityTests.entities.map {
                            ($0.name, try ChildEntityTests.rows(db, $0, table: EntityTables($0).baseline))
                        })
                }
                #expect(baseline == state, "seed \(seed) drop \(index + 1): \(Self.document(drop))")
                guard case let .bundle(file, _, _) = report.outcome else {
                    #expect(state == states.last, "seed \(seed) drop \(index + 1): no bundle \(report.outcome)")
                    continue
                }
                let folder = try Shell.extract(file)
                bundles.append(folder)
                states.append(state)
                for (dialect, target) in targets {
                    let run = try target.run(folder.appendingPathComponent(BundleLayout.script(.upsert, for: dialect)))
                    #expect(run.status == 0, "seed \(seed) \(dialect) bundle \(bundles.count): \(run.error)")
                    #expect(
                        try ChildEntityTests.targetRows(target) == state,
                        "seed \(seed) \(dialect) bundle \(bundles.count)")
                }
            }
            for (folder, earlier) in zip(bundles.reversed(), states.dropLast().reversed()) {
                for (dialect, target) in targets {
                    let run = try target.run(
                        folder.appendingPathComponent(BundleLayout.script(.rollback, for: dialect)))
                    #expect(run.status == 0, "seed \(seed) \(dialect) rollback: \(run.error)")
                    #expect(try ChildEntityTests.targetRows(target) == earlier, "seed \(seed) \(dialect) rollback")
                }
            }
        }
    }
}
