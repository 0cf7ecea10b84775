import Foundation
import GRDB
import Testing

@testable import AirlockProducer
@testable import AirlockSpec

/// Numbers written the way a locale writes them: `1.234,50` and `1 234,50` (with an ordinary or a
/// no-break space) become the exact canonical decimal.
@Suite struct LocaleNumberTests {
    @Test func decimalCommasWithPointOrSpaceGroupsParseExactly() throws {
        let workspace = try TestWorkspace(
            spec: """
                producer: {key: producer}
                entities:
                  prices:
                    source: {files: "prices*.csv", delimiter: ";"}
                    key: id
                    columns:
                      id: integer
                      de: {type: "decimal(14,2)", thousands: ".", decimal_separator: ","}
                      fr: {type: "decimal(14,2)", thousands: " ", decimal_separator: ","}
                      count: {type: integer, thousands: "."}

                """)
        defer { workspace.remove() }
        try workspace.write(
            "id;de;fr;count\n1;1.234,50;1 234,50;1.000\n2;-0,5;12 345 678,90;7\n3;1.234.567;1\u{A0}234,5;2.000.000\n4;12,345;1\u{202F}000;0\n",
            toInbox: "prices-1.csv")
        let report = try workspace.run()
        #expect(report.findings.map(\.reason) == ["'12.345' has more than 2 decimal places"])
        let rows = try DatabaseQueue(path: workspace.database.path).read { db in
            try Row.fetchAll(db, sql: "SELECT id, de, fr, count FROM base_prices ORDER BY id").map { row in
                [row[0], row[1], row[2], row[3]].map { ($0 as DatabaseValue).description }
            }
        }
        #expect(
            rows == [
                ["1", "\"1234.50\"", "\"1234.50\"", "1000"], ["2", "\"-0.50\"", "\"12345678.90\"", "7"],
                ["3", "\"1234567.00\"", "\"1234.50\"", "2000000"]
            ])
    }

    @Test func theDecimalMarkMustDifferFromTheGroupMark() {
        #expect {
            try Spec.parse(
                yaml: """
                    producer: {key: producer}
                    entities:
                      prices:
                        source: {files: "prices*.csv"}
                        key: id
                        columns: {id: integer, de: {type: "decimal(14,2)", thousands: ",", decimal_separator: ","}}
                    """)
        } throws: { error in
            "\(error)".contains(
                "a decimal mark (',' or '.', other than thousands) applies to integer and decimal columns")
        }
    }
}
