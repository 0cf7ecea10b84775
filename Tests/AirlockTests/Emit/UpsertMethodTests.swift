import Foundation
import GRDB
import Testing

@testable import AirlockBase
@testable import AirlockProducer
@testable import AirlockSpec

/// `upsert: update_then_insert` is for target tables that lack the unique constraint
/// `ON CONFLICT` needs: on such a table the default method fails and the switch works.
@Suite(.tags(.postgres, .sqlite3), .runsExternalPrograms) struct UpsertMethodTests {
    private func entity(_ method: EntitySpec.UpsertMethod) -> EntitySpec {
        EntitySpec(
            name: "prices", source: SourceSpec(filePattern: "prices*.csv", format: .csv), key: ["sku"],
            columns: [
                ColumnSpec(name: "sku", from: "sku", type: .text),
                ColumnSpec(name: "amount", from: "amount", type: .decimal(precision: 8, scale: 2))
            ],
            upsertMethod: method)
    }

    private static var snapshots: [[String: [[DatabaseValueConvertible?]]]] {
        [
            ["prices": [["A", "1.00"], ["B", "2.00"]]],
            ["prices": [["A", "1.50"], ["C", "3.00"]]]
        ]
    }

    /// A table as some production targets have it: no primary key, no unique index.
    private static let keylessTable = "CREATE TABLE prices (sku text, amount numeric(8,2))"

    @Test func updateThenInsertWorksWithoutAUniqueConstraint() throws {
        let harness = try ScriptHarness(entities: [entity(.updateThenInsert)])
        let postgres = try Postgres.freshDatabase()
        _ = try postgres.query(Self.keylessTable)
        var states: [String] = []
        for snapshot in Self.snapshots {
            let run = try postgres.apply(try harness.bundle(snapshot).upsert(.postgres))
            #expect(run.status == 0, "\(run.error)")
            states.append(try harness.baseline())
            #expect(try harness.rows(of: .postgres(postgres)) == states.last)
        }
        #expect(try postgres.query("SELECT sku, amount FROM prices ORDER BY sku") == "A|1.50\nC|3.00\n")
    }

    /// The script's check says so before anything changes, and names the way out.
    @Test func onConflictNeedsTheConstraint() throws {
        let harness = try ScriptHarness(entities: [entity(.onConflict)])
        let postgres = try Postgres.freshDatabase()
        _ = try postgres.query(Self.keylessTable)
        let run = try postgres.apply(try harness.bundle(Self.snapshots[0]).upsert(.postgres))
        #expect(run.status != 0)
        #expect(
            run.error.contains(
                "table prices has no primary key or unique constraint on (sku), which upsert: on_conflict needs"),
            "\(run.error)")
        #expect(run.error.contains("or set upsert: update_then_insert"))
        #expect(try postgres.query("SELECT count(*) FROM prices") == "0\n")
    }
}
