import PropertyBased
import Testing

/// Runs a law on `count` random seeds; an error thrown for a seed is recorded with the seed,
/// so the case can be replayed (`RandomSnapshots(seed:)`).
func forRandomSeeds(count: Int, _ law: @escaping @Sendable (UInt64) throws -> Void) async {
    await propertyCheck(count: count, input: Gen.int(in: 0...Int.max)) { seed in
        do {
            try law(UInt64(seed))
        } catch {
            Issue.record("seed \(seed): \(error)")
        }
    }
}
