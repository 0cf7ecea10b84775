import Foundation
import Testing

@testable import AirlockBase
@testable import AirlockProducer

/// `AIRLOCK_LOG_LEVEL=debug` says how long each stage of a run took; the default log does not.
@Suite struct StageLogTests {
    @Test func aDebugLogTimesEveryStageOfARun() throws {
        let workspace = try TestWorkspace()
        defer { workspace.remove() }
        try workspace.drop(TestWorkspace.exampleDrop)
        let run = [AirlockProcess.executable.path, "run", "--once", "--workspace", workspace.root.path]
        let debug = try Shell.run(["AIRLOCK_LOG_LEVEL=debug"] + run)
        #expect(debug.status == 0, "\(debug.error)")
        let stages = debug.error.split(separator: "\n").compactMap { line -> String? in
            guard let match = line.firstMatch(of: #/seconds=[0-9]+\.[0-9]{3} \[AirlockProducer\] stage (.+)$/#) else {
                return nil
            }
            return String(match.output.1)
        }
        for stage in [
            "ingest", "normalize", "diff", "table checksums", "emit", "change file", "report pages",
            "member checksums", "archive", "promote baseline"
        ] {
            #expect(stages.contains(stage), "no '\(stage)' in \(stages)")
        }
        #expect(stages.filter { $0 == "emit" }.count == SQLDialect.allCases.count)

        try workspace.drop(TestWorkspace.secondDrop)
        let quiet = try Shell.run(run)
        #expect(quiet.status == 0, "\(quiet.error)")
        #expect(!quiet.error.contains("stage "), "\(quiet.error)")
    }
}
