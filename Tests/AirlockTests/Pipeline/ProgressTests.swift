import Foundation
import Logging
import Testing

@testable import AirlockBase
@testable import AirlockProducer

/// Progress bars show on a terminal and nowhere else.
@Suite struct ProgressTests {
    @Test func producerReportsReadingEveryFileAndWritingTheBundle() throws {
        let workspace = try TestWorkspace()
        defer { workspace.remove() }
        try workspace.drop(TestWorkspace.exampleDrop)
        var producer = Producer(workspace: try Workspace(root: workspace.root.path), logger: .test)
        var updates: [ProgressUpdate] = []
        producer.progress = { updates.append($0) }
        _ = try producer.runOnce()
        let size = try FileManager.default.attributesOfItem(atPath: TestWorkspace.exampleDrop[0].path)[.size] as! Int64
        #expect(
            updates.last { $0.task == "reading products.json" }
                == ProgressUpdate(task: "reading products.json", done: size, total: size, unit: .bytes))
        let writing = updates.filter { $0.task == "writing bundle-000001.tar.gz" }
        #expect(writing.map(\.done) == Array(1...7), "2 dialects, 2 change files, 2 pages, the archive")
        #expect(writing.last?.isFinished == true)
    }

    @Test func aTerminalSeesABarAndAPipeSeesNone() throws {
        let workspace = try TestWorkspace()
        defer { workspace.remove() }
        // Big enough to be read in several chunks, so the bar is drawn before the file is done.
        let rows = (1...25_000).map { "\($0),Thandi,Nkosi,\($0).50,card,2026-11-05T10:00:00Z\n" }
        try workspace.write(TestWorkspace.paymentsHeader + rows.joined(), toInbox: "payments-big.csv")
        let command = "\(AirlockProcess.executable.path) run --once --workspace \(workspace.root.path)"
        // script(1) runs the command on a pseudo-terminal, as a person at a shell would.
        let onTerminal = try Shell.run(["script", "-qfec", command, "/dev/null"])
        #expect(onTerminal.status == 0, "\(onTerminal.error)")
        #expect(onTerminal.output.contains("% reading payments-big.csv (1.0 MB of "))
        #expect(onTerminal.output.contains("\r\u{1B}[K"), "the bar is erased when done")

        // Only products: the second drop's payments would delete most of the 25,000 rows, which
        // the snapshot guard blocks.
        try workspace.drop(TestWorkspace.secondDrop.filter { $0.lastPathComponent == "products.json" })
        let inPipe = try Shell.run([AirlockProcess.executable.path, "run", "--once", "--workspace", workspace.root.path]
        )
        #expect(inPipe.status == 0, "\(inPipe.error)")
        #expect(!inPipe.error.contains("%") && !inPipe.error.contains("\u{1B}"), "\(inPipe.error)")
        #expect(inPipe.output.hasPrefix("ingested "))
    }
}
