import Foundation

/// The `airlock` executable run as a separate process, as an operator or systemd would run it,
/// so tests can signal it and kill it.
final class AirlockProcess {
    let process = Process()
    private let errorLog: URL

    /// `swift build --build-tests` puts it beside the test bundle.
    static let executable: URL = {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(
            "airlock")
        if FileManager.default.isExecutableFile(atPath: beside.path) { return beside }
        return TestWorkspace.repository.appendingPathComponent(".build/debug/airlock")
    }()

    init(_ arguments: [String], logTo errorLog: URL) throws {
        self.errorLog = errorLog
        FileManager.default.createFile(atPath: errorLog.path, contents: nil)
        process.executableURL = Self.executable
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: errorLog)
        try process.run()
    }

    var log: String { (try? String(contentsOf: errorLog, encoding: .utf8)) ?? "" }

    /// Polls `condition` every 50 ms for up to `timeout` seconds.
    static func wait(upTo timeout: Double, for condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if try condition() { return true }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return try condition()
    }

    func signal(_ number: Int32) {
        kill(process.processIdentifier, number)
    }

    /// Waits for the process to end and returns its exit status.
    func exitStatus() -> Int32 {
        process.waitUntilExit()
        return process.terminationStatus
    }
}
