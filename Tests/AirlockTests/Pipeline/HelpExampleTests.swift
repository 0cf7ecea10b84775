import Foundation
import Testing

/// Every `--help` page's examples copy and paste: at 80 columns no example line wraps (a
/// wrapped one starts at the margin instead of its indent), and long commands continue with
/// ` \` on their next line.
@Suite(.runsExternalPrograms) struct HelpExampleTests {
    @Test func everyExampleFitsEightyColumns() throws {
        let top = try AirlockProcess.run(["--help"]).output
        let names = top.components(separatedBy: "SUBCOMMANDS:").last!.split(separator: "\n")
            .compactMap {
                $0.hasPrefix("  ") && !$0.hasPrefix("   ") ? $0.split(separator: " ").first.map(String.init) : nil
            }
        #expect(names.count >= 20, "\(top)")
        let trust = ["make", "sign", "apply"].map { ["trust", $0] }
        var examples = 0
        for command in names.map { [$0] } + trust {
            let help = try AirlockProcess.run(command + ["--help"], environment: ["COLUMNS": "80"]).output
            var inExamples = false
            for line in help.split(separator: "\n", omittingEmptySubsequences: false) {
                if line.hasPrefix("Example") || line.hasPrefix("Without Airlock") {
                    inExamples = true
                } else if line.isEmpty || line.hasPrefix("USAGE") || line.hasPrefix("OPTIONS") {
                    inExamples = false
                } else if inExamples {
                    examples += 1
                    #expect(line.hasPrefix("  ") && line.count <= 80, "\(command): '\(line)'")
                }
            }
        }
        #expect(examples > 40)
    }
}
