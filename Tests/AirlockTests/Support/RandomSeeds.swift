import Testing

/// Runs a law on `count` random seeds; an error thrown for a seed is recorded with the seed,
/// so the case can be replayed (`RandomSnapshots(seed:)`). The laws' own expectations name
/// their seed too.
///
/// A plain loop rather than `propertyCheck`: a seed has no smaller form worth shrinking to, and
/// shrinking runs the law again with the first failure's issues suppressed, so a failure that
/// does not recur (one that depends on timing) would be reported without its message.
func forRandomSeeds(count: Int, _ law: (UInt64) throws -> Void) {
    for _ in 0..<count {
        let seed = UInt64.random(in: 0...UInt64(Int.max))
        do {
            try law(seed)
        } catch {
            Issue.record("seed \(seed): \(error)")
        }
    }
}
