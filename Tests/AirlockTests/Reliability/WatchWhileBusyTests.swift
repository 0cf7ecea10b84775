import Foundation
import Testing

@testable import AirlockProducer

/// Issue 23, item 4: a file that lands while `watch` is busy with another drop is read after
/// that run, without waiting for something else to change in the inbox; with inotify and with
/// `--poll`. A real `airlock watch` process, a drop big enough to keep it busy for seconds.
@Suite(.serialized) struct WatchWhileBusyTests {
    /// A payments export of `rows` rows from key `first` on.
    private func payments(rows: Int, from first: Int) -> String {
        var text = TestWorkspace.paymentsHeader
        for key in first..<(first + rows) { text += "\(key),Name \(key),Surname,\(key % 1000).25,card,2026-11-05\n" }
        return text
    }

    @Test(arguments: [[String](), ["--poll", "--poll-interval", "0.2"]])
    func aFileLandingDuringARunIsReadAfterIt(_ mode: [String]) throws {
        let workspace = try TestWorkspace()
        defer { workspace.remove() }
        let watcher = try AirlockProcess(
            ["watch", "--settle", "0.3", "--workspace", workspace.root.path] + mode,
            logTo: workspace.root.appendingPathComponent("watch.log"))
        defer {
            watcher.signal(SIGTERM)
            _ = watcher.exitStatus()
        }
        #expect(AirlockProcess.wait(upTo: 10) { watcher.log.contains("watching the inbox") })
        try workspace.write(payments(rows: 20000, from: 1), toInbox: "payments-1.csv")
        // The run has read the big file and is normalizing and writing its bundle: drop the next.
        #expect(AirlockProcess.wait(upTo: 30) { watcher.log.contains("file=payments-1.csv") })
        // The whole export again with one row more: a snapshot, so the default delete guard is
        // not in the way.
        try workspace.write(payments(rows: 20001, from: 1), toInbox: "payments-2.csv")
        #expect(!watcher.log.contains("sequence=1"), "the second file must land while the first run is busy")
        let read = AirlockProcess.wait(upTo: 30) { watcher.log.contains("sequence=2") }
        #expect(read, "payments-2.csv was not read after the run it landed during:\n\(watcher.log)")
        #expect(try workspace.bundles().map(\.lastPathComponent) == ["bundle-000001.tar.gz", "bundle-000002.tar.gz"])
    }
}
