@testable import AirlockCore
import Foundation
import GRDB
import PropertyBased
import Testing

/// Any string survives SQL escaping: it goes into a generated literal and comes back equal.
@Suite struct SQLLiteralTests {
    /// Quoting hazards, including a quote followed by a combining mark (one grapheme, two scalars).
    private static let nasty: [Character] = ["'", "\"", "\\", "$", "\n", "\r", "\r\n", "\t", ";", "-", "😀", "\u{202E}", "ש", "é",
                                             ":", "?", "%", "'\u{06D9}", "\"\u{0301}", "\\\u{0301}", "\u{1}", "\u{1B}"]

    /// A third quoting hazards, a third printable ASCII, a third any scalar up to U+10FFF.
    private static var strings: Generator<String, some Sequence> {
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

    @Test func postgresRoundTripsEveryString() async throws {
        var samples: [String] = []
        await propertyCheck(count: 2_000, input: Self.strings) { samples.append($0) }
        let postgres = try Postgres.freshDatabase()
        var script = "CREATE TABLE strings (id int PRIMARY KEY, value text);\n"
        for (index, text) in samples.enumerated() {
            script += "INSERT INTO strings VALUES (\(index), \(SQLDialect.postgres.literal(text)));\n"
        }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("strings-\(UUID().uuidString).sql")
        try script.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let applied = try postgres.apply(file)
        #expect(applied.status == 0, "\(applied.error)")
        let hex = try postgres.query("SELECT encode(convert_to(value, 'UTF8'), 'hex') FROM strings ORDER BY id")
            .split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(hex.count == samples.count)
        for (text, stored) in zip(samples, hex) {
            #expect(String(stored) == Array(text.utf8).hexString, "\(text.debugDescription)")
        }
    }

    @Test func identifiersAreQuoted() {
        #expect(SQLDialect.postgres.identifier("we\"ird name") == "\"we\"\"ird name\"")
    }
}
