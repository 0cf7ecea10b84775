import Foundation

/// Runs real command-line tools (sqlite3, psql, sha256sum, ssh-keygen, tar) the way an
/// air-gapped site would.
enum Shell {
    struct Result {
        var status: Int32
        var output: String
        var error: String
    }

    @discardableResult
    static func run(_ arguments: [String], input: String? = nil, in directory: URL? = nil) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        let output = Pipe(), error = Pipe(), stdin = Pipe()
        process.standardOutput = output
        process.standardError = error
        process.standardInput = stdin
        try process.run()
        if let input { stdin.fileHandleForWriting.write(Data(input.utf8)) }
        try stdin.fileHandleForWriting.close()
        // Read both pipes concurrently so a chatty tool cannot fill one and block.
        let errorData = Collected()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            errorData.data = error.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus, output: String(decoding: outputData, as: UTF8.self),
            error: String(decoding: errorData.data, as: UTF8.self))
    }

    /// What the background reader collected; `group.wait()` orders its write before the read.
    private final class Collected: @unchecked Sendable {
        var data = Data()
    }

    /// Extracts a bundle into a new temporary folder.
    static func extract(_ bundle: URL) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "airlock-bundle-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let result = try run(["tar", "xzf", bundle.path, "-C", directory.path])
        guard result.status == 0 else { throw ShellError(description: "tar: \(result.error)") }
        return directory
    }
}

struct ShellError: Error, CustomStringConvertible {
    let description: String
}
