import Foundation
import GRDB

/// A database a bundle is applied to: `sqlite:PATH` or `postgres:CONNINFO` (a libpq
/// connection string or URI, used through `psql`, which an air-gapped site has).
public enum Target: Equatable, Sendable {
    case sqlite(path: String)
    case postgres(conninfo: String)

    public init(_ text: String) throws {
        if text.hasPrefix("sqlite:") {
            self = .sqlite(path: String(text.dropFirst("sqlite:".count)))
        } else if text.hasPrefix("postgres:") {
            self = .postgres(conninfo: String(text.dropFirst("postgres:".count)))
        } else if text.hasPrefix("postgresql://") || text.hasPrefix("postgres://") {
            self = .postgres(conninfo: text)
        } else {
            throw TargetError.badTarget(text)
        }
    }

    /// The chain of bundles the target's `airlock_ledger` records; empty when it has none.
    public func appliedChain() throws -> AppliedChain {
        let rows: [[String]]
        switch self {
        case let .sqlite(path):
            guard FileManager.default.fileExists(atPath: path) else { throw TargetError.unreachable(target: "sqlite:\(path)", reason: "no such file") }
            var configuration = Configuration()
            configuration.readonly = true
            let database = try DatabaseQueue(path: path, configuration: configuration)
            rows = try database.read { db in
                guard try db.tableExists("airlock_ledger") else { return [] }
                return try Row.fetchAll(db, sql: "SELECT \(Self.ledgerColumns) FROM airlock_ledger ORDER BY id").map { row in
                    (0..<row.count).map { row[$0] as String? ?? "" }
                }
            }
        case let .postgres(conninfo):
            let exists = try Self.psql(conninfo, "SELECT to_regclass('airlock_ledger') IS NOT NULL")
            guard exists.trimmingCharacters(in: .whitespacesAndNewlines) == "t" else { return .empty }
            rows = try Self.psql(conninfo, "SELECT \(Self.ledgerColumns) FROM airlock_ledger ORDER BY id")
                .split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
        }
        guard let last = rows.last else { return .empty }
        let known = rows.filter { $0[4] != "rollback" }.map {
            AppliedChain.Link(id: $0[0], sequence: Int($0[1]) ?? 0, digest: $0[2], parent: $0[3])
        }
        return AppliedChain(head: last[5], known: known)
    }

    private static let ledgerColumns = "bundle_id, CAST(sequence AS TEXT), digest, parent_digest, kind, head_digest"

    /// One query through `psql`, rows as tab-separated lines.
    static func psql(_ conninfo: String, _ query: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["psql", conninfo, "-X", "-q", "-A", "-t", "-F", "\t", "-v", "ON_ERROR_STOP=1", "-c", query]
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        do {
            try process.run()
        } catch {
            throw TargetError.unreachable(target: "postgres", reason: "cannot run psql: \(error)")
        }
        let text = output.fileHandleForReading.readDataToEndOfFile()
        let errorText = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw TargetError.unreachable(target: "postgres", reason: String(decoding: errorText, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
        }
        return String(decoding: text, as: UTF8.self)
    }
}

/// A target that cannot be named or reached.
public enum TargetError: AirlockError, Equatable {
    case badTarget(String)
    case unreachable(target: String, reason: String)

    public var exitStatus: ExitStatus {
        switch self {
        case .badTarget: return .usageOrConfig
        case .unreachable: return .failure
        }
    }

    public var description: String {
        switch self {
        case let .badTarget(text): return "'\(text)' is not a target; use sqlite:PATH or postgres:CONNINFO (for example postgres:'host=/run/postgresql dbname=shop')"
        case let .unreachable(target, reason): return "\(target): cannot read the ledger: \(reason)"
        }
    }
}
