import Foundation
import Testing

@testable import AirlockBase
@testable import AirlockProducer

/// Rules across entities: a column that must equal an authoritative one (repaired in the
/// bundle, or blocking it), and a model computed from other entities.
@Suite(.tags(.sqlite3), .runsExternalPrograms) struct CrossEntityTests {
    static func spec(onViolation: String) -> String {
        """
        producer: {key: producer}
        entities:
          bars:
            source: {files: "bars*.csv"}
            key: bar_id
            consistency:
              - {column: mpesa_enabled, equals: mpesa_credentials.is_active, on: {bar_id: bar_id}, on_violation: \(onViolation)}
            columns: {bar_id: integer, name: text, mpesa_enabled: boolean}
          mpesa_credentials:
            source: {files: "credentials*.csv"}
            key: bar_id
            columns: {bar_id: integer, is_active: boolean}
          bar_summary:
            model: "SELECT b.bar_id, b.name, coalesce(c.is_active, 0) AS mpesa FROM bars AS b LEFT JOIN mpesa_credentials AS c USING (bar_id)"
            key: bar_id
            columns: {bar_id: integer, name: text, mpesa: boolean}

        """
    }

    private func rows(_ workspace: TestWorkspace, _ sql: String) throws -> String {
        try Shell.run(["sqlite3", workspace.database.path, sql]).output
    }

    @Test func theAuthoritativeSideRepairsTheOtherAndModelsFollow() throws {
        let workspace = try TestWorkspace(spec: Self.spec(onViolation: "repair"))
        defer { workspace.remove() }
        try workspace.write(
            "bar_id,name,mpesa_enabled\n1,Kwa Mai,yes\n2,Mama Pima,no\n3,Choma Zone,no\n", toInbox: "bars.csv")
        try workspace.write("bar_id,is_active\n1,no\n2,no\n", toInbox: "credentials.csv")
        let first = try workspace.run()
        #expect(
            first.findings.map(\.description) == [
                "bars: field 'mpesa_enabled': bar_id=1: mpesa_enabled repaired from 1 to 0 to equal mpesa_credentials.is_active (authoritative); reported only"
            ])
        guard case let .bundle(_, manifest, _) = first.outcome else { throw ShellError(description: "no bundle") }
        #expect(manifest.entities.map(\.name) == ["bars", "mpesa_credentials", "bar_summary"])
        #expect(
            try rows(workspace, "SELECT bar_id, mpesa_enabled FROM base_bars; SELECT * FROM base_bar_summary")
                == "1|0\n2|0\n3|0\n1|Kwa Mai|0\n2|Mama Pima|0\n3|Choma Zone|0\n")

        // Only the credentials change: bars are repaired and bundled all the same, and so is the model.
        try workspace.write("bar_id,is_active\n1,no\n2,yes\n", toInbox: "credentials-2.csv")
        let second = try workspace.run()
        guard case let .bundle(file, next, _) = second.outcome else {
            throw ShellError(description: "no second bundle")
        }
        #expect(next.entities.map(\.name) == ["bars", "mpesa_credentials", "bar_summary"])
        #expect(next.entities.map(\.counts.updated) == [1, 1, 1])
        #expect(next.entities[0].counts.processed == nil, "no records of bars were read")
        let changes = try String(
            contentsOf: try Shell.extract(file).appendingPathComponent("changes/bars.ndjson"), encoding: .utf8)
        #expect(
            changes.drop { $0 != "\n" }.dropFirst().hasPrefix(
                #"{"op":"update","key":{"bar_id":2},"before":{"mpesa_enabled":false},"after":{"mpesa_enabled":true},"unchanged":{"#
            ), "\(changes)")
        #expect(changes.split(separator: "\n").count == 2, "\(changes)")
    }

    @Test func aDisagreementBlocksWhenTheRuleSaysSo() throws {
        let workspace = try TestWorkspace(spec: Self.spec(onViolation: "block"))
        defer { workspace.remove() }
        try workspace.write("bar_id,name,mpesa_enabled\n1,Kwa Mai,yes\n", toInbox: "bars.csv")
        try workspace.write("bar_id,is_active\n1,no\n", toInbox: "credentials.csv")
        guard case let .blocked(findings) = try workspace.run().outcome else {
            throw ShellError(description: "not blocked")
        }
        #expect(
            findings.map(\.reason) == [
                "bar_id=1: mpesa_enabled is 1 but mpesa_credentials.is_active (authoritative) is 0"
            ])
    }

    @Test func aBrokenModelNamesItself() throws {
        let workspace = try TestWorkspace(
            spec: Self.spec(onViolation: "block").replacingOccurrences(
                of: "LEFT JOIN mpesa_credentials", with: "LEFT JOIN credentials"))
        defer { workspace.remove() }
        try workspace.write("bar_id,name,mpesa_enabled\n1,Kwa Mai,no\n", toInbox: "bars.csv")
        #expect(throws: ModelError(entity: "bar_summary", reason: "no such table: credentials")) { try workspace.run() }
    }
}
