import AirlockBase
import Foundation

/// `psql`, which an air-gapped site has, run against one PostgreSQL target: unaligned tuples
/// only (`-A -t`, fields split by tabs), no `~/.psqlrc`, stopping at the first error.
///
/// The password travels in `PGPASSWORD`, never on the command line (see `PostgresConninfo`),
/// and the child dies with Airlock (`ChildProcess`).
struct Psql {
    let conninfo: PostgresConninfo
    /// The target as messages name it, password hidden.
    let target: String

    /// psql's exit status when the connection could not be made or was lost.
    static let connectionFailed: Int32 = 2

    /// Runs psql with `arguments` (commands, files, variables) and gives back what it printed.
    /// `failure` turns the error text of a run that failed, for a reason other than the
    /// connection, into the error to throw. `directory` is where psql runs: a bundle's scripts
    /// load its data members by paths relative to the unpacked bundle (`\copy`).
    func run(_ arguments: [String], in directory: URL? = nil, failure: (String) -> TargetError) throws -> String {
        let result: ChildProcess.Result
        do {
            result = try ChildProcess.run(
                "psql",
                [conninfo.withoutPassword, "-X", "-q", "-A", "-t", "-F", "\t", "-v", "ON_ERROR_STOP=1"] + arguments,
                environment: conninfo.password.map { ["PGPASSWORD": $0] } ?? [:], directory: directory)
        } catch {
            throw TargetError.cannotConnect(target: target, reason: "\(error)")
        }
        guard result.status == 0 else {
            if result.status == Self.connectionFailed {
                throw TargetError.cannotConnect(target: target, reason: result.errorText)
            }
            throw failure(result.errorText)
        }
        return String(decoding: result.output, as: UTF8.self)
    }
}
