import Foundation
import GRDB
import Testing

@testable import AirlockBase
@testable import AirlockProducer
@testable import AirlockSite
@testable import AirlockSpec

/// verify.sql: the content checksum a target computes with nothing but `psql` or `sqlite3`
/// equals the one the producer predicts, and an edit on the target shows.
@Suite(.tags(.postgres, .sqlite3), .runsExternalPrograms) struct VerifyScriptTests {
    @Test func sha3MatchesFIPS202AndTheSQLiteShell() throws {
        #expect(SHA3.sha256([UInt8]()).hexString == "a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a")
        #expect(
            SHA3.sha256(Array("abc".utf8)).hexString
                == "3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532")
        // Lengths around the 136-byte block, where padding changes shape.
        for length in [1, 135, 136, 137, 271, 272, 300] {
            let text = String((0..<length).map { Character(UnicodeScalar(UInt8(97 + $0 % 26))) })
            let shell = try Shell.run(["sqlite3", ":memory:", "SELECT lower(hex(sha3('\(text)', 256)))"]).output
            #expect(shell == SHA3.sha256(Array(text.utf8)).hexString + "\n", "length \(length)")
        }
    }

    private static let entity = EntitySpec(
        name: "items", source: SourceSpec(filePattern: "items*.json", format: .json), key: ["id"],
        columns: [
            ColumnSpec(name: "id", from: "id", type: .integer), ColumnSpec(name: "label", from: "label", type: .text),
            ColumnSpec(name: "price", from: "price", type: .decimal(precision: 12, scale: 2)),
            ColumnSpec(name: "active", from: "active", type: .boolean),
            ColumnSpec(name: "seen_at", from: "seen_at", type: .timestamp)
        ])

    @Test(arguments: SQLDialect.allCases)
    func verifyPassesAfterApplyAndNamesAnEditedTable(dialect: SQLDialect) throws {
        let harness = try ScriptHarness(entities: [Self.entity])
        let bundle = try harness.bundle([
            "items": [
                [1, "it's", "12.50", 1, "2026-11-01T10:00:00Z"], [2, nil, nil, nil, nil],
                [3, "ünï\n,2:x", "-0.01", 0, "2026-11-01T10:00:00.25Z"]
            ]
        ])
        let target = try ScriptTarget.fresh(dialect)
        defer { target.remove() }
        #expect(try target.run(bundle.upsert(dialect)).status == 0)
        let verified = try target.run(bundle.verify(dialect))
        #expect(verified.status == 0, "\(verified.output) \(verified.error)")
        #expect(verified.output.contains("airlock: items: ok, 3:"), "\(verified.output)")

        let edit = "UPDATE items SET label = 'its' WHERE id = 1"
        switch target {
        case let .sqlite(path): _ = try Shell.run(["sqlite3", path.path, edit])
        case let .postgres(postgres): _ = try postgres.query(edit)
        }
        let differs = try target.run(bundle.verify(dialect))
        #expect(differs.status != 0)
        #expect(differs.output.contains("airlock: items: DIFFERS: the table has 3:"), "\(differs.output)")
        #expect(
            differs.error.contains(
                "airlock: verify: the target's tables differ from bundle 000001 (listed above): edited on the target, or a later bundle applied since"
            ), "\(differs.error)"
        )
    }

    /// Asked for (`psql -v airlock_keys=1`, `sqlite3 -cmd '.parameter set @airlock_keys 1'`),
    /// verify.sql names exactly each key the bundle changed whose row differs (edited, deleted,
    /// or kept where the bundle deletes it), and narrows a difference among the rows it did not
    /// change (edited, or added on the target) to a group of keys, listing the group's keys on
    /// the target; unasked, it prints what it printed before.
    @Test(arguments: SQLDialect.allCases)
    func verifyListsTheDifferingKeysOnRequest(dialect: SQLDialect) throws {
        let harness = try ScriptHarness(entities: [Self.entity])
        let first: [[DatabaseValueConvertible?]] = [
            [1, "it's", "12.50", 1, "2026-11-01T10:00:00Z"], [2, nil, nil, nil, nil],
            [3, "ünï\n,2:x", "-0.01", 0, "2026-11-01T10:00:00.25Z"], [4, "four", "4.00", 1, "2026-11-02T00:00:00Z"],
            [6, "six", "6.00", 0, nil], [7, "seven", "7.00", 0, nil]
        ]
        let bundle1 = try harness.bundle(["items": first])
        // Bundle 2 changes 1, 2 and 3, deletes 7, and leaves 4 and 6 as they were.
        var second = first.filter { ($0[0] as! Int) != 7 }
        for index in 0..<3 { second[index][1] = "changed \(index)" }
        let bundle2 = try harness.bundle(["items": second])
        let target = try ScriptTarget.fresh(dialect)
        defer { target.remove() }
        #expect(try target.run(bundle1.upsert(dialect)).status == 0)
        #expect(try target.run(bundle2.upsert(dialect)).status == 0)
        func verify(listingKeys: Bool) throws -> Shell.Result {
            let script = bundle2.verify(dialect)
            switch target {
            case let .sqlite(path):
                let asked = listingKeys ? ["-cmd", ".parameter set @airlock_keys 1"] : []
                return try Shell.run(
                    ["sqlite3", "-bail"] + asked + [path.path], input: try String(contentsOf: script, encoding: .utf8),
                    in: BundleLayout.bundleFolder(ofScript: script))
            case let .postgres(postgres):
                let asked = listingKeys ? ["-v", "airlock_keys=1"] : []
                return try Shell.run(
                    ["psql", postgres.conninfo, "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1"] + asked + [
                        "-f", script.path
                    ], in: BundleLayout.bundleFolder(ofScript: script))
            }
        }
        func listed(_ result: Shell.Result) -> [String] {
            result.output.split(separator: "\n").map(String.init).filter {
                $0.hasPrefix("airlock: items: id=") || $0.hasPrefix("airlock: items: rows this bundle")
            }
        }
        let sound = try verify(listingKeys: true)
        #expect(sound.status == 0, "\(sound.error)")
        #expect(listed(sound) == [], "\(sound.output)")

        try target.execute(
            """
            UPDATE items SET price = 13.50 WHERE id = 3; DELETE FROM items WHERE id = 2;
            INSERT INTO items (id, label) VALUES (7, 'kept');
            """)
        let plain = try verify(listingKeys: false)
        #expect(plain.status != 0)
        #expect(listed(plain) == [], "unasked, nothing is listed: \(plain.output)")
        let keys = try verify(listingKeys: true)
        #expect(keys.status != 0)
        #expect(
            listed(keys) == [
                "airlock: items: id=2: missing on the target", "airlock: items: id=3: holds other values",
                "airlock: items: id=7: the bundle deletes it, the target holds it"
            ], "\(keys.output)")
        #expect(keys.output.hasPrefix(plain.output.components(separatedBy: "\n").prefix(1).joined()), "\(keys.output)")

        // Rows the bundle did not change: an edited one and one added on the target, each named
        // among the keys of its group.
        try target.execute("UPDATE items SET label = 'edited' WHERE id = 4; INSERT INTO items (id) VALUES (5);")
        let groups = listed(try verify(listingKeys: true)).filter { $0.hasPrefix("airlock: items: rows this bundle") }
        for key in ["id=4", "id=5"] {
            #expect(
                groups.contains { $0.hasSuffix(": \(key)") || $0.contains(": \(key),") || $0.contains(", \(key)") },
                "\(groups)")
        }
        #expect(groups.allSatisfy { !$0.contains("id=6") || $0.contains("id=4") || $0.contains("id=5") }, "\(groups)")
    }
}
