import Foundation
import GRDB
import PropertyBased
import Testing

@testable import AirlockBase
@testable import AirlockProducer
@testable import AirlockSpec

/// Any string survives SQL escaping: it goes into a generated literal or script and comes back equal.
@Suite(.tags(.postgres, .sqlite3), .runsExternalPrograms) struct SQLLiteralTests {
    /// Quoting hazards, including a quote followed by a combining mark (one grapheme, two scalars).
    private static let nasty: [Character] = [
        "'", "\"", "\\", "$", "\n", "\r", "\r\n", "\t", ";", "-", "😀", "\u{202E}", "ש", "é",
        ":", "?", "%", "'\u{06D9}", "\"\u{0301}", "\\\u{0301}", "\u{1}", "\u{1B}"
    ]

    /// A third quoting hazards, a third printable ASCII, a third any scalar up to U+10FFF.
    private static var strings: Generator<String, some SendableSequenceType> {
        Gen.int(in: 0...299_999).map { n -> Character in
            switch n {
            case ..<100_000: return nasty[n % nasty.count]
            case ..<200_000: return Character(Unicode.Scalar(UInt8(0x20 + n % 95)))
            default: return Unicode.Scalar(UInt32(1 + n % 0x10FFF)).map(Character.init) ?? "?"
            }
        }.string(of: 0...40)
    }

    @Test func sqliteRoundTripsEveryString() async throws {
        let database = try DatabaseQueue()
        await propertyCheck(count: 2_000, input: Self.strings) { text in
            let withNul = text + "\u{0}" + text
            for value in [text, withNul] {
                // Compared as hex: text with NUL does not survive a C-string read.
                let back = try? database.read { db in
                    try String.fetchOne(db, sql: "SELECT lower(hex(\(SQLDialect.sqlite.literal(value))))")
                }
                #expect(back == Array(value.utf8).hexString, "\(value.debugDescription)")
            }
        }
    }

    /// 10,000 strings through a bundle's upsert script, as a site runs it, into each dialect.
    /// SQLite strings also hold NUL; PostgreSQL text cannot.
    @Test(arguments: SQLDialect.allCases)
    func scriptsCarryEveryString(dialect: SQLDialect) async throws {
        var rows: [[DatabaseValueConvertible?]] = []
        await propertyCheck(count: 10_000, input: Self.strings) { text in
            rows.append([Int64(rows.count), dialect == .sqlite && rows.count % 3 == 0 ? text + "\u{0}" + text : text])
        }
        let entity = EntitySpec(
            name: "notes", source: SourceSpec(filePattern: "notes*.json", format: .json), key: ["id"],
            columns: [
                ColumnSpec(name: "id", from: "id", type: .integer), ColumnSpec(name: "body", from: "body", type: .text)
            ])
        let harness = try ScriptHarness(entities: [entity])
        let script = try harness.bundle(["notes": rows]).upsert(dialect)
        let expected = try harness.baseline()
        #expect(expected.split(separator: "\n").count == 10_000)
        let target = try ScriptTarget.fresh(dialect)
        defer { target.remove() }
        let run = try target.run(script)
        #expect(run.status == 0, "\(run.error)")
        #expect(try harness.rows(of: target) == expected)
    }

    @Test func identifiersAreQuoted() {
        #expect(SQLDialect.postgres.identifier("we\"ird name") == "\"we\"\"ird name\"")
    }
}
