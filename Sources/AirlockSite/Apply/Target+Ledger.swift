import AirlockBase
import Foundation
import GRDB

extension Target {
    /// The chain of bundles the target's `airlock_ledger` records; empty when it has none.
    package func appliedChain() throws -> AppliedChain {
        AppliedChain(ledger: try ledger())
    }

    /// Every row of the target's `airlock_ledger`, oldest first; none when it has no ledger
    /// (or, for SQLite, no file yet).
    package func ledger() throws -> [LedgerEntry] {
        let ledger = LedgerStatements(dialect: dialect)
        switch self {
        case let .sqlite(path):
            guard FileManager.default.fileExists(atPath: path) else { return [] }
            return try openSQLite(readOnly: true).read { try Self.entries(in: $0) }
        case .postgres:
            let psql = psql!
            let unreadable = { (reason: String) in TargetError.ledgerUnreadable(target: psql.target, reason: reason) }
            let exists = try psql.run(["-c", ledger.exists], failure: unreadable)
            guard exists.trimmingCharacters(in: .whitespacesAndNewlines) == "t" else { return [] }
            return try psql.run(["-c", ledger.entries], failure: unreadable)
                .split(separator: "\n").compactMap {
                    LedgerEntry(fields: $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init))
                }
        }
    }

    static func entries(in db: Database) throws -> [LedgerEntry] {
        let ledger = LedgerStatements(dialect: .sqlite)
        guard try Bool.fetchOne(db, sql: ledger.exists) == true else { return [] }
        return try Row.fetchAll(db, sql: ledger.entries).compactMap { row in
            LedgerEntry(fields: (0..<row.count).map { row[$0] as String? ?? "" })
        }
    }

    /// The SQLite target's database. A writer holding it (another apply) is waited for, as
    /// the scripts' own `PRAGMA busy_timeout` waits, instead of failing at once.
    func openSQLite(readOnly: Bool) throws -> DatabaseQueue {
        guard case let .sqlite(path) = self else { preconditionFailure("not an SQLite target") }
        var configuration = Configuration()
        configuration.readonly = readOnly
        configuration.busyMode = .timeout(LedgerStatements.busyTimeout)
        do {
            return try DatabaseQueue(path: path, configuration: configuration)
        } catch let error as DatabaseError {
            throw TargetError.cannotConnect(target: description, reason: error.message ?? "\(error)")
        }
    }
}
