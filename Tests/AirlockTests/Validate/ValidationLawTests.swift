import Foundation
import GRDB
import Testing

@testable import AirlockBase
@testable import AirlockProducer
@testable import AirlockSite
@testable import AirlockSpec

/// Laws of normalization and validation, on random entities and drops run through the whole
/// producer: normalizing normalized data changes nothing; the counts of a run add up to the
/// records it read; a blocked run leaves baseline, snapshot and outbox as they were.
@Suite(.tags(.sqlite3), .runsExternalPrograms) struct ValidationLawTests {
    /// A workspace whose one entity `items` is `entity`, with `extra` spec lines under it.
    private func workspace(for entity: EntitySpec, foldText: Bool, extra: String = "") throws -> TestWorkspace {
        var yaml = "producer: {key: producer}\nentities:\n  items:\n    source: {files: \"items*.ndjson\"}\n"
        yaml += "    key: [\(entity.key.joined(separator: ", "))]\n\(extra)    columns:\n"
        for column in entity.columns {
            let cleaning =
                column.type == .text && foldText && !entity.key.contains(column.name) ? ", trim: true, case: lower" : ""
            yaml += "      \(column.name): {from: \(column.from), type: \"\(column.type)\"\(cleaning)}\n"
        }
        return try TestWorkspace(spec: yaml)
    }

    /// Rows as NDJSON lines, values as the JSON a source would send.
    private func lines(_ rows: [[DatabaseValueConvertible?]], of entity: EntitySpec) throws -> [String] {
        try rows.map { row in
            var object: [String: Any] = [:]
            for (column, value) in zip(entity.columns, row) {
                switch value?.databaseValue.storage {
                case let .int64(number)?: object[column.name] = number
                case let .string(text)?: object[column.name] = text
                default: object[column.name] = NSNull()
                }
            }
            return String(
                decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
        }
    }

    /// The baseline as NDJSON: the canonical values the last bundle left.
    private func baselineLines(_ workspace: TestWorkspace, _ entity: EntitySpec) throws -> [String] {
        let fields = entity.columns.map { "'\($0.name)', \"\($0.name)\"" }.joined(separator: ", ")
        return try DatabaseQueue(path: workspace.database.path).read { db in
            try String.fetchAll(db, sql: "SELECT json_object(\(fields)) FROM base_items")
        }
    }

    private func tables(_ workspace: TestWorkspace) throws -> String {
        let dump = try Shell.run([
            "sqlite3", workspace.database.path,
            "SELECT * FROM snap_items ORDER BY 1; SELECT '--'; SELECT * FROM base_items ORDER BY 1;"
        ])
        let outbox = try FileManager.default.contentsOfDirectory(
            atPath: workspace.root.appendingPathComponent("outbox").path
        ).sorted()
        let sums = try Shell.run(["sh", "-c", "cat outbox/*.tar.gz | sha256sum"], in: workspace.root)
        return dump.output + outbox.joined(separator: ",") + sums.output
    }

    @Test func normalizingNormalizedDataChangesNothing() throws {
        forRandomSeeds(count: 20) { seed in
            var random = RandomSnapshots(seed: seed)
            let entity = random.entity(named: "items")
            let (a, _) = random.snapshotPair(of: entity)
            guard !a.isEmpty else { return }
            let workspace = try self.workspace(for: entity, foldText: seed % 2 == 0)
            defer { workspace.remove() }
            try workspace.write(try lines(a, of: entity).joined(separator: "\n") + "\n", toInbox: "items-1.ndjson")
            guard case .bundle = try workspace.run().outcome else {
                Issue.record("seed \(seed): no first bundle")
                return
            }
            // A blank line more, so the content differs from the first drop's when that one was canonical already.
            try workspace.write(
                try baselineLines(workspace, entity).joined(separator: "\n") + "\n\n", toInbox: "items-2.ndjson")
            let again = try workspace.run()
            #expect(again.outcome == .noChanges, "seed \(seed): \(again.outcome)")
            #expect(again.findings.isEmpty, "seed \(seed): \(again.findings.map(\.description))")
        }
    }

    @Test func countsAddUpToTheRecordsRead() throws {
        forRandomSeeds(count: 20) { seed in
            var random = RandomSnapshots(seed: seed)
            let entity = random.entity(named: "items")
            let (a, b) = random.snapshotPair(of: entity)
            // Counts per category too, by the first value column, when there is one.
            let category = entity.valueColumns.first.map { "    category: \($0.name)\n" } ?? ""
            let workspace = try self.workspace(for: entity, foldText: false, extra: category)
            defer { workspace.remove() }
            try workspace.write(
                try lines(a, of: entity).joined(separator: "\n") + "\n{\"unreadable\n", toInbox: "items-1.ndjson")
            _ = try workspace.run()
            // The second drop: B, some of its records twice, one record with an empty key, one unreadable line.
            var drop = try lines(b, of: entity)
            drop += drop.enumerated().filter { $0.offset % 3 == 0 }.map(\.element)
            drop.append(try lines([entity.columns.map { _ in nil }], of: entity)[0])
            drop.append("[1, 2]")
            // A bad value under a key the baseline holds: held back, and its baseline row kept.
            var heldBack = 1
            if let first = a.first,
                let typed = entity.valueColumns.firstIndex(where: { ![.text, .enumeration].contains($0.type) })
            {
                var record = first
                record[entity.key.count + typed] = "☹"
                drop.append(try lines([record], of: entity)[0])
                heldBack += 1
            }
            var order = SplitMix64(seed: seed ^ 0x5eed)
            drop.shuffle(using: &order)
            try workspace.write(drop.joined(separator: "\n") + "\n", toInbox: "items-2.ndjson")
            let report = try workspace.run()
            guard case let .bundle(file, manifest, _) = report.outcome else {
                #expect(report.outcome == .noChanges, "seed \(seed): \(report.outcome)")
                return
            }
            let counts = manifest.entities[0].counts
            #expect(counts.processed == drop.count, "seed \(seed)")
            #expect(counts.processed == counts.outcomes, "seed \(seed): \(counts)")
            #expect(counts.failed == 1 && counts.quarantined == heldBack, "seed \(seed): \(counts)")
            let categories = manifest.entities[0].categories ?? []
            #expect(categories.isEmpty == category.isEmpty, "seed \(seed)")
            // An unreadable record has no category; every other record counts in one.
            if !category.isEmpty {
                #expect(
                    categories.map { $0.counts.processed ?? 0 }.reduce(0, +) == drop.count - 1,
                    "seed \(seed): \(categories)")
            }
            for line in categories {
                #expect(line.counts.processed == line.counts.outcomes, "seed \(seed): \(line)")
            }
            let changes = try String(
                contentsOf: try Shell.extract(file).appendingPathComponent("changes/items.ndjson"), encoding: .utf8)
            // A line per changed key, after the one that names the bundle.
            #expect(changes.split(separator: "\n").count == counts.changed + 1, "seed \(seed)")
        }
    }

    @Test func aBlockedRunLeavesBaselineSnapshotAndOutboxAsTheyWere() throws {
        forRandomSeeds(count: 20) { seed in
            var random = RandomSnapshots(seed: seed)
            let entity = random.entity(named: "items")
            let (a, b) = random.snapshotPair(of: entity)
            guard !a.isEmpty else { return }
            let workspace = try self.workspace(
                for: entity, foldText: false, extra: "    thresholds: {max_change_share: 0}\n")
            defer { workspace.remove() }
            try workspace.write(try lines(a, of: entity).joined(separator: "\n") + "\n", toInbox: "items-1.ndjson")
            _ = try workspace.run()
            let before = try tables(workspace)
            try workspace.write(try lines(b, of: entity).joined(separator: "\n") + "\n", toInbox: "items-2.ndjson")
            let report = try workspace.run()
            switch report.outcome {
            case .noChanges, .noNewFiles: break
            case let .blocked(findings):
                #expect(findings.map(\.check) == ["max_change_share"], "seed \(seed)")
            default: Issue.record("seed \(seed): \(report.outcome)")
            }
            #expect(try tables(workspace) == before, "seed \(seed)")
        }
    }
}
