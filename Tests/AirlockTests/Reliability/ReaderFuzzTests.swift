import Foundation
import Testing

@testable import AirlockProducer

/// Issue 23, fuzz acceptance: 100,000 random byte strings per run, each through the CSV, the
/// JSON and the NDJSON reader (`ReaderProbe`): no crash, and every record read or held back
/// with its place, or the file rejected with a message naming it. `AIRLOCK_FUZZ_SEED=N`
/// replays a run, `AIRLOCK_FUZZ_CASES=N` runs more; `scripts/fuzz` runs the same law under
/// libFuzzer.
@Suite struct ReaderFuzzTests {
    static let cases = Int(ProcessInfo.processInfo.environment["AIRLOCK_FUZZ_CASES"] ?? "") ?? 100_000
    /// Inputs are read on this many threads, each with its own probe and its own seed.
    static let lanes = Int(ProcessInfo.processInfo.environment["AIRLOCK_FUZZ_LANES"] ?? "") ?? 2

    /// What one lane saw: how often each path was taken, and the first breaches of the law.
    final class Findings: @unchecked Sendable {
        private let lock = NSLock()
        private(set) var tally: [String: Int] = [:]
        private(set) var breaches: [String] = []

        func add(_ counts: [String: Int], _ found: [String]) {
            lock.withLock {
                tally.merge(counts, uniquingKeysWith: +)
                breaches += found
            }
        }
    }

    @Test func randomBytesAreReadOrHeldBackWithTheirPlaceByEveryReader() throws {
        let seed =
            ProcessInfo.processInfo.environment["AIRLOCK_FUZZ_SEED"].flatMap(UInt64.init)
            ?? UInt64.random(in: 0...UInt64.max / 2)
        let findings = Findings()
        let group = DispatchGroup()
        for lane in 0..<Self.lanes {
            group.enter()
            Thread.detachNewThread {
                defer { group.leave() }
                Self.run(lane: lane, seed: seed, into: findings)
            }
        }
        group.wait()
        for breach in findings.breaches { Issue.record("AIRLOCK_FUZZ_SEED=\(seed): \(breach)") }
        // Every path was taken many times, so the law was not kept vacuously.
        let floor = Self.cases / 200
        for (path, count) in findings.tally.sorted(by: { $0.key < $1.key }) {
            #expect(count >= floor, "\(path): only \(count) of \(Self.cases) inputs")
        }
        #expect(findings.tally.count == 9, "\(findings.tally)")
    }

    /// Reads every `lanes`-th input, from `lane` on, through each reader.
    private static func run(lane: Int, seed: UInt64, into findings: Findings) {
        var tally: [String: Int] = [:]
        var breaches: [String] = []
        defer { findings.add(tally, breaches) }
        var inputs = RandomBytes(seed: seed + UInt64(lane))
        guard let probe = try? ReaderProbe() else { return breaches.append("cannot make a probe") }
        for index in stride(from: lane, to: Self.cases, by: Self.lanes) {
            let bytes = inputs.next()
            for format in ReaderProbe.Format.allCases {
                guard let outcome = try? probe.read(bytes, as: format) else {
                    breaches.append("case \(index), \(format): the probe threw for bytes \(bytes)")
                    return
                }
                tally["\(format) read", default: 0] += outcome.records > 0 ? 1 : 0
                tally["\(format) held back", default: 0] += outcome.heldBack > 0 ? 1 : 0
                tally["\(format) rejected", default: 0] += outcome.rejected == nil ? 0 : 1
                if !outcome.violations.isEmpty {
                    breaches.append("case \(index), \(format): \(outcome.violations) for bytes \(bytes)")
                    if breaches.count >= 5 { return }
                }
            }
        }
    }
}
