import Foundation
import GRDB
import Testing

@testable import AirlockProducer

/// Issue 23, the random-Unicode law: 10,000 random strings (lone surrogates, NUL, U+2028,
/// right-to-left marks, combining marks and more, `RandomUnicode`) through every reader into
/// both dialects. Each is exact in the target, byte for byte, or held back, and no bundle is
/// one the target refuses. Real files, `airlock run`, `airlock apply` into SQLite and PostgreSQL.
/// The workbook is written by openpyxl as Excel writes one (`strings-workbook.py`), which
/// cannot write a lone surrogate: those strings are not in it, and not expected from it.
@Suite(.tags(.postgres, .sqlite3, .openpyxl), .runsExternalPrograms) struct UnicodeLawTests {
    static let count = 10_000
    static let readers = ["csv", "json", "ndjson", "xlsx"]

    static let spec = """
        producer:
          key: producer
        entities:
        \(readers.map { """
              law_\($0):
                source: {files: "law*.\($0)"\($0 == "csv" ? ", delimiter: \",\"" : "")}
                key: id
                columns:
                  id: integer
                  value: text
            """ }.joined(separator: "\n"))

        """

    @Test func everyStringIsExactInBothTargetsOrHeldBack() throws {
        let seed =
            ProcessInfo.processInfo.environment["AIRLOCK_FUZZ_SEED"].flatMap(UInt64.init)
            ?? UInt64.random(in: 0...UInt64.max)
        var generator = RandomUnicode(seed: seed)
        let strings = (0..<Self.count).map { _ in generator.next() }
        let workspace = try TestWorkspace(spec: Self.spec)
        defer { workspace.remove() }
        let targets = try AppliedTargets()
        defer { targets.remove() }

        var csv = Array("id,value\n".utf8), json = "[", ndjson = "", pairs = "["
        for (index, units) in strings.enumerated() {
            csv += Array("\(index + 1),".utf8) + RandomUnicode.csv(units) + [0x0A]
            json += (index == 0 ? "" : ",\n") + "{\"id\": \(index + 1), \"value\": \(generator.json(units))}"
            ndjson += "{\"id\": \(index + 1), \"value\": \(generator.json(units))}\n"
            pairs += (index == 0 ? "" : ",\n") + "[\(index + 1), \(generator.json(units))]"
        }
        try Data(csv).write(to: workspace.inbox.appendingPathComponent("law.csv"))
        try Data((json + "]").utf8).write(to: workspace.inbox.appendingPathComponent("law.json"))
        try Data(ndjson.utf8).write(to: workspace.inbox.appendingPathComponent("law.ndjson"))
        let notInWorkbook = try Self.writeWorkbook(pairs + "]", to: workspace)

        let run = try workspace.airlock(["run", "--once"])
        #expect(run.status == 0, "seed \(seed): \(run.output)")
        guard let bundle = try workspace.bundles().last else { throw ShellError(description: "no bundle") }
        for result in try targets.apply(bundle, in: workspace) {
            #expect(result.status == 0, "seed \(seed): the target refused the bundle: \(result.error)")
            #expect(!result.output.contains("DIFFERS") && !result.error.contains("DIFFERS"), "\(result.output)")
        }
        // Records held back per entity: unreadable, or a value that does not fit its column.
        let heldBack = try DatabaseQueue(path: workspace.database.path).read { db in
            try Dictionary(
                uniqueKeysWithValues: Row.fetchAll(
                    db,
                    sql: """
                        SELECT f.entity, (SELECT count(*) FROM airlock_unparsed AS u WHERE u.file_sha256 = f.sha256)
                            + (SELECT count(DISTINCT raw_id) FROM airlock_quarantine AS q WHERE q.file_sha256 = f.sha256)
                        FROM airlock_files AS f
                        """
                ).map { ($0[0] as String, $0[1] as Int) })
        }
        for reader in Self.readers {
            let table = "law_\(reader)"
            let sqlite = try Shell.run([
                "sqlite3", "-bail", targets.sqlite.path,
                "SELECT id || '|' || lower(hex(CAST(value AS BLOB))) FROM \(table)"
            ]).output
            let postgres = try targets.postgres.query(
                "SELECT id || '|' || encode(convert_to(value, 'UTF8'), 'hex') FROM \(table)")
            for (dialect, output) in [("sqlite", sqlite), ("postgres", postgres)] {
                let stored = Dictionary(
                    output.split(separator: "\n").map { line in
                        let parts = line.split(separator: "|", omittingEmptySubsequences: false)
                        return (Int(parts[0])!, String(parts[1]))
                    }, uniquingKeysWith: { first, _ in first })
                var breaches: [String] = []
                for (index, units) in strings.enumerated() {
                    let expected = RandomUnicode.text(units).map {
                        Array($0.utf8).map { String(format: "%02x", $0) }.joined()
                    }
                    // Exact, or held back: because no target can hold it, or (CSV only) because
                    // it holds a byte-order mark, which the CSV reader takes for two files joined.
                    if reader == "xlsx" && notInWorkbook.contains(index + 1) {
                        if stored[index + 1] != nil {
                            breaches.append("id \(index + 1): stored, but not in the workbook")
                        }
                        continue
                    }
                    if stored[index + 1] == expected { continue }
                    let joinedMark = reader == "csv" && units.contains(.scalar("\u{FEFF}"))
                    if stored[index + 1] == nil && joinedMark { continue }
                    breaches.append(
                        "id \(index + 1) \(units): stored \(stored[index + 1] ?? "nothing"), expected \(expected ?? "held back")"
                    )
                }
                #expect(
                    breaches.isEmpty,
                    "seed \(seed), \(reader) into \(dialect): \(breaches.count) breaches, first: \(breaches.prefix(5))")
                // What is missing was held back (and reported), not lost.
                let written = Self.count - (reader == "xlsx" ? notInWorkbook.count : 0)
                #expect(heldBack[table] == written - stored.count, "seed \(seed), \(reader) into \(dialect)")
            }
        }
        let unholdable = strings.filter { RandomUnicode.text($0) == nil }.count
        #expect(unholdable > Self.count / 20, "the strings must hold many NULs and lone surrogates: \(unholdable)")
    }

    /// Writes `pairs` (a JSON array of `[id, string]`) into `law.xlsx` in the inbox, as Excel
    /// would; returns the ids of the strings no workbook can hold (lone surrogates).
    private static func writeWorkbook(_ pairs: String, to workspace: TestWorkspace) throws -> Set<Int> {
        let source = workspace.root.appendingPathComponent("strings.json")
        try Data(pairs.utf8).write(to: source)
        let script = TestWorkspace.fixtures.appendingPathComponent("xlsx/strings-workbook.py")
        let made = try Shell.run([
            "python3", script.path, source.path, workspace.inbox.appendingPathComponent("law.xlsx").path
        ])
        guard made.status == 0 else { throw ShellError(description: "\(script.path): \(made.error)") }
        return Set(made.output.split(separator: "\n").compactMap { Int($0) })
    }
}
