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

    /// `environment` adds to the test's own environment (`TMPDIR`, say).
    init(_ arguments: [String], logTo errorLog: URL, environment: [String: String] = [:]) throws {
        self.errorLog = errorLog
        FileManager.default.createFile(atPath: errorLog.path, contents: nil)
        process.executableURL = Self.executable
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
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

    /// Runs `airlock ARGUMENTS` to its end: its exit status and what it wrote.
    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Shell.Result {
        try Shell.run(
            ["env"] + environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" } + [executable.path]
                + arguments)
    }

    /// The processes whose parent is `parent`, from `/proc`.
    static func children(of parent: Int32) -> [Int32] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return names.compactMap(Int32.init).filter { pid in
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                let end = stat.range(of: ")", options: .backwards)
            else { return false }
            let fields = stat[end.upperBound...].split(separator: " ")
            return fields.count > 1 && Int32(fields[1]) == parent
        }
    }

    /// Whether `pid` is running (a zombie waiting to be reaped is not).
    static func isRunning(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let end = stat.range(of: ")", options: .backwards)
        else { return false }
        return stat[end.upperBound...].split(separator: " ").first != "Z"
    }

    /// Waits for the process to end and returns its exit status.
    func exitStatus() -> Int32 {
        process.waitUntilExit()
        return process.terminationStatus
    }
}
