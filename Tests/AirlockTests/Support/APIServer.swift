import Foundation

@testable import AirlockProducer

/// The paginated test API (`Tests/Fixtures/pull/api_server.py`) on 127.0.0.1, started for one
/// test and stopped when it is released.
final class APIServer {
    let port: Int
    let token: String
    let scheme: String
    private let caFile: String?
    private let process = Process()
    private let input = Pipe()

    /// With `tls`, a certificate and key (PEM), the server speaks HTTPS only.
    init(token: String, tls: (certificate: URL, key: URL)? = nil) throws {
        self.token = token
        scheme = tls == nil ? "http" : "https"
        caFile = tls?.certificate.path
        let output = Pipe()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments =
            ["python3", TestWorkspace.fixtures.appendingPathComponent("pull/api_server.py").path]
            + (tls.map { ["--tls", $0.certificate.path, $0.key.path] } ?? [])
        process.environment = ProcessInfo.processInfo.environment.merging(["API_TOKEN": token]) { $1 }
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        var line = Data()
        while let byte = try output.fileHandleForReading.read(upToCount: 1), !byte.isEmpty, byte != Data("\n".utf8) {
            line.append(byte)
        }
        guard let port = Int(String(decoding: line, as: UTF8.self)) else {
            throw ShellError(
                description: "the test API did not start (python3 \(TestWorkspace.fixtures.path)/pull/api_server.py)")
        }
        self.port = port
    }

    deinit {
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
    }

    func url(_ path: String) -> String { "\(scheme)://127.0.0.1:\(port)\(path)" }

    /// The requests served so far: path and query.
    func log() throws -> [(path: String, query: String)] {
        let entries = try JSONSerialization.jsonObject(with: try get("/log")) as? [[String: String]] ?? []
        return entries.map { ($0["path"] ?? "", $0["query"] ?? "") }
    }

    /// Steers the server through one of its `/admin/` paths (see the script's docstring).
    func steer(_ pathAndQuery: String) throws {
        _ = try get("/admin/" + pathAndQuery)
    }

    private func get(_ path: String) throws -> Data {
        guard
            case let .success(response) = CurlClient().perform(
                HTTPRequest(url: url(path), timeout: 5, caFile: caFile)), response.status == 200
        else {
            throw ShellError(description: "the test API does not answer \(path)")
        }
        return response.body
    }
}
