import Foundation
import GRDB
import Testing

@testable import AirlockBase
@testable import AirlockProducer
@testable import AirlockSite
@testable import AirlockSpec

/// A snapshot's hashes from its baseline's sums and the changed rows only are those of a pass
/// over every row: the same checksums, the same groups of unchanged rows, the same sums to
/// keep for the next bundle.
@Suite struct RowSumsLawTests {
    @Test func hashesFromTheBaselinesSumsAreThoseOfEveryRow() throws {
        forRandomSeeds(count: 60) { seed in
            var random = RandomSnapshots(seed: seed)
            let entity = random.entity(named: "items")
            let (a, b) = random.snapshotPair(of: entity)
            let tables = EntityTables(entity)
            let database = try DatabaseQueue()
            try WorkspaceSchema.migrator.migrate(database)
            try database.write { db in
                try tables.fill(baseline: a, snapshot: b, in: db)
                let checksum = TableChecksum(entity: entity)
                let baseline = try checksum.hashes(of: tables.baseline, in: db).sums
                try EntityDiff(entity).findChanges(in: db)
                let whole = try checksum.snapshotHashes(from: nil, in: db)
                let changed = try checksum.snapshotHashes(from: baseline, in: db)
                #expect(changed.sums == whole.sums, "seed \(seed)")
                #expect(changed.unchanged == whole.unchanged, "seed \(seed)")
                #expect(whole.sums.sqlite.rows == b.count, "seed \(seed)")
            }
        }
    }
}
