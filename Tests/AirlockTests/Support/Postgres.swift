import Foundation

@testable import AirlockSite

/// The real PostgreSQL server the tests run against, named by `AIRLOCK_TEST_PG` (a libpq
/// conninfo; `scripts/test` starts a throwaway server when it is unset). Each test gets a
/// database of its own.
struct Postgres {
    let conninfo: String

    static var server: String {
        get throws {
            guard let conninfo = ProcessInfo.processInfo.environment["AIRLOCK_TEST_PG"], !conninfo.isEmpty else {
                throw ShellError(
                    description: "AIRLOCK_TEST_PG is not set; run the tests with scripts/test, which starts PostgreSQL")
            }
            return conninfo
        }
    }

    /// A new, empty database on the test server.
    static func freshDatabase() throws -> Postgres {
        let server = try server
        let name = "airlock_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        let result = try Shell.run(["psql", server, "-v", "ON_ERROR_STOP=1", "-qc", "CREATE DATABASE \(name)"])
        guard result.status == 0 else {
            throw ShellError(description: "cannot create a test database: \(result.error)")
        }
        return Postgres(conninfo: server + " dbname=\(name)")
    }

    /// Runs a script file as the README says a site does, from the unpacked bundle's folder:
    /// `psql -v ON_ERROR_STOP=1 -1 -f FILE`.
    func apply(_ script: URL) throws -> Shell.Result {
        try Shell.run(
            ["psql", conninfo, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-1", "-f", script.path],
            in: BundleLayout.bundleFolder(ofScript: script))
    }

    /// Rows as `a|b|c` lines, NULL as empty, in the given order.
    func query(_ sql: String) throws -> String {
        let result = try Shell.run(["psql", conninfo, "-X", "-q", "-At", "-F", "|", "-v", "ON_ERROR_STOP=1", "-c", sql])
        guard result.status == 0 else { throw ShellError(description: "psql: \(result.error)") }
        return result.output
    }
}
