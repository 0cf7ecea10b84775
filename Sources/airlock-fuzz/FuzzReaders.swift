import AirlockProducer
import Foundation

// The CSV, JSON and NDJSON readers under libFuzzer: every input goes through each reader
// (`ReaderProbe`), and a breach of the readers' law (a record neither read nor held back with
// its place, a stored string no target can hold) stops the run as a crash, which libFuzzer
// saves. `scripts/fuzz` builds this with `-sanitize=fuzzer -D AIRLOCK_FUZZ`; an ordinary
// build makes a replayer instead: `airlock-fuzz FILE…` reads each saved input again.

/// One probe for the whole process; each input is rolled back.
nonisolated(unsafe) private let probe = try! ReaderProbe()

/// The law on one input; what is wrong, or nil.
private func breach(_ bytes: [UInt8]) -> String? {
    for format in ReaderProbe.Format.allCases {
        let outcome: ReaderProbe.Outcome
        do {
            outcome = try probe.read(bytes, as: format)
        } catch {
            return "\(format): the probe threw \(error)"
        }
        if !outcome.violations.isEmpty { return "\(format): \(outcome.violations)" }
    }
    return nil
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    if let breach = breach(Array(UnsafeBufferPointer(start: data, count: size))) { fatalError(breach) }
    return 0
}

#if AIRLOCK_FUZZ
    @_silgen_name("LLVMFuzzerRunDriver")
    private func runDriver(
        _ argc: UnsafeMutablePointer<CInt>,
        _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
        _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
    ) -> CInt

    /// SwiftPM links an executable with `main` bound to `<module>_main`; libFuzzer's driver runs from it.
    @_cdecl("airlock_fuzz_main")
    public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
        var count = argc
        var arguments = argv
        return runDriver(&count, &arguments) { fuzzOneInput($0, $1) }
    }
#else
    @main
    struct Replay {
        static func main() {
            var failed = false
            for path in CommandLine.arguments.dropFirst() {
                guard let data = FileManager.default.contents(atPath: path) else {
                    print("\(path): cannot read")
                    failed = true
                    continue
                }
                let found = breach(Array(data))
                print("\(path): \(found ?? "ok")")
                failed = failed || found != nil
            }
            exit(failed ? 1 : 0)
        }
    }
#endif
