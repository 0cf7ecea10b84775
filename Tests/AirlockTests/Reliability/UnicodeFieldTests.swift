import Foundation
import GRDB
import Testing

@testable import AirlockProducer

/// Issue 23, items 5 and 6: keys written with escapes are found, and strings no target can
/// hold (a lone surrogate, a NUL) are held back with file, record and field instead of
/// reaching a script. Real files written the way exporters write them, `airlock run`,
/// `infer` and `apply` into SQLite and PostgreSQL.
@Suite(.tags(.postgres, .sqlite3), .runsExternalPrograms) struct UnicodeFieldTests {
    static let spec = """
        producer:
          key: producer
        entities:
          people:
            source: {files: "people*.json"}
            key: id
            columns:
              id: text
              first: {from: "prénom", type: text}
              slash: {from: "a\\\\b", type: text}
              tab: {from: "tab\\there", type: text}
          lines:
            source: {files: "lines*.ndjson"}
            key: id
            columns:
              id: text
              first: {from: "prénom", type: text}
              slash: {from: "a\\\\b", type: text}
          roster:
            source: {files: "roster*.csv", delimiter: ","}
            key: id
            columns:
              id: text
              slash: {from: "a\\\\b", type: text}
              tab: {from: "tab\\there", type: text}

        """

    private func rows(_ table: String, _ workspace: TestWorkspace) throws -> [String] {
        try DatabaseQueue(path: workspace.database.path).read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM \(table) ORDER BY id").map { "\($0)" }
        }
    }

    /// Writes `records` as `json.dumps` writes them (ASCII only, every other character escaped).
    private func dumps(_ records: String, to url: URL, lines: Bool = false) throws {
        let script =
            lines
            ? "import json, sys\nrecords = eval(sys.argv[2])\nopen(sys.argv[1], 'w').write(''.join(json.dumps(r) + '\\n' for r in records))"
            : "import json, sys\nopen(sys.argv[1], 'w').write(json.dumps(eval(sys.argv[2])))"
        let made = try Shell.run(["python3", "-c", script, url.path, records])
        #expect(made.status == 0, "\(made.error)")
    }

    @Test func keysWrittenWithEscapesAreFoundInEveryReaderAndByInfer() throws {
        let workspace = try TestWorkspace(spec: Self.spec)
        defer { workspace.remove() }
        try dumps(
            #"[{"id": "1", "prénom": "Zoë", "a\\b": "back", "tab\there": "tabbed"}]"#,
            to: workspace.inbox.appendingPathComponent("people.json"))
        try dumps(
            #"[{"id": "1", "prénom": "Zoë", "a\\b": "back"}]"#,
            to: workspace.inbox.appendingPathComponent("lines.ndjson"),
            lines: true)
        try "id,a\\b,\"tab\there\"\n1,back,tabbed\n".write(
            to: workspace.inbox.appendingPathComponent("roster.csv"), atomically: true, encoding: .utf8)
        let people = try String(contentsOf: workspace.inbox.appendingPathComponent("people.json"), encoding: .utf8)
        #expect(people.contains(#""pr\u00e9nom": "Zo\u00eb""#), "python wrote: \(people)")
        let run = try workspace.airlock(["run", "--once"])
        #expect(run.status == 0, "\(run.output)\(run.error)")
        #expect(try rows("base_people", workspace) == [#"[id:"1" first:"Zoë" slash:"back" tab:"tabbed"]"#])
        #expect(try rows("base_lines", workspace) == [#"[id:"1" first:"Zoë" slash:"back"]"#])
        #expect(try rows("base_roster", workspace) == [#"[id:"1" slash:"back" tab:"tabbed"]"#])

        // `infer` proposes every field, and its proposal, used as is, loads the values.
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("airlock-infer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("people.json")
        try FileManager.default.copyItem(at: workspace.inbox.appendingPathComponent("processed/people.json"), to: file)
        let inferred = try Shell.run([AirlockProcess.executable.path, "infer", file.path])
        #expect(inferred.status == 0, "\(inferred.error)")
        for field in [#"from: "prénom""#, #"from: "a\\b""#, #"from: "tab\there""#] {
            #expect(inferred.output.contains(field), "\(field) missing from:\n\(inferred.output)")
        }
        let proposed = try TestWorkspace(spec: "producer:\n  key: producer\n" + inferred.output)
        defer { proposed.remove() }
        try FileManager.default.copyItem(at: file, to: proposed.inbox.appendingPathComponent("people.json"))
        let proposedRun = try proposed.airlock(["run", "--once"])
        #expect(proposedRun.status == 0, "\(inferred.output)\(proposedRun.output)\(proposedRun.error)")
        let loaded = try DatabaseQueue(path: proposed.database.path).read { db in
            try Int.fetchOne(
                db, sql: "SELECT count(*) FROM base_people WHERE prenom IS NULL OR tab_here IS NULL OR a_b IS NULL")
        }
        #expect(loaded == 0)
    }

    @Test func loneSurrogatesAndNULsAreHeldBackAndNeverReachAScript() throws {
        let workspace = try TestWorkspace(spec: Self.spec)
        defer { workspace.remove() }
        let targets = try AppliedTargets()
        defer { targets.remove() }
        let records = [
            #"{"id": "1", "prénom": "\ud800"}"#, #"{"id": "2", "prénom": "a\u0000b"}"#,
            #"{"id": "3", "prénom": "ok \u00e9"}"#, #"{"id": "4", "prénom": "\ud83d\ude00 \udc00x"}"#,
            #"{"id": "5", "pr\u0000nom": "key"}"#, #"{"id": "6", "prénom": "\\ud800 is text"}"#,
            #"{"id": "7", "prénom": "\ud83d\ude00"}"#
        ]
        try ("[" + records.joined(separator: ",\n") + "]").write(
            to: workspace.inbox.appendingPathComponent("people.json"), atomically: true, encoding: .utf8)
        try records.joined(separator: "\n").write(
            to: workspace.inbox.appendingPathComponent("lines.ndjson"), atomically: true, encoding: .utf8)
        let run = try workspace.airlock(["run", "--once"])
        #expect(run.status == 0, "\(run.output)\(run.error)")
        let unparsed = try workspace.airlock(["status", "--unparsed"]).output
        for (place, reason) in [
            ("record 1, field 'prénom'", "the value holds a lone surrogate (\\ud800)"),
            ("record 2, field 'prénom'", "the value holds a NUL character (\\u0000)"),
            ("record 4, field 'prénom'", "the value holds a lone surrogate (\\udc00)"),
            ("record 5, field 'pr\\u0000nom'", "the field name holds a NUL character"),
            ("line 1, field 'prénom'", "lone surrogate (\\ud800)"), ("line 2, field 'prénom'", "NUL character")
        ] {
            #expect(unparsed.contains(place) && unparsed.contains(reason), "\(place): \(reason) not in\n\(unparsed)")
        }
        guard let bundle = try workspace.bundles().last else { throw ShellError(description: "no bundle") }
        for result in try targets.apply(bundle, in: workspace) {
            #expect(result.status == 0, "\(result.output)\(result.error)")
        }
        let expected = "3|6f6b20c3a9\n6|5c75643830302069732074657874\n7|f09f9880\n"
        #expect(
            try Shell.run(["sqlite3", targets.sqlite.path, "SELECT id, lower(hex(first)) FROM people ORDER BY id"])
                .output
                == expected)
        #expect(
            try targets.postgres.query(
                "SELECT id, encode(convert_to(first, 'UTF8'), 'hex') FROM people ORDER BY id") == expected)
        #expect(try targets.rows("SELECT id FROM lines ORDER BY id") == ["3\n6\n7\n", "3\n6\n7\n"])
    }
}
