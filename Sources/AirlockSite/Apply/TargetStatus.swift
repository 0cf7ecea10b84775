import AirlockBase
import Foundation
import GRDB

/// Where a target stands, from its own tables (`airlock target-status`): the ledger's head,
/// whether its rows form one unbroken chain, and the tables Airlock's scripts left beside the
/// site's (cutover backups and staging tables, the rows upserts deleted), each with what it is
/// for and the statement that drops it.
package struct TargetStatus: Sendable {
    package var ledger: [LedgerEntry]
    package var chain: AppliedChain
    /// Nil when every row follows from the one before; otherwise what is wrong, and where.
    package var chainBreak: String?
    package var leftovers: [Leftover]

    /// A table of Airlock's beside a site's table: `<table>__backup_<seq>` and the like.
    package struct Leftover: Sendable, Equatable {
        package var table: TableName
        package var kind: Kind
        package var sequence: Int
        /// Whether a rollback the target can still run needs it.
        package var needed: Bool

        package enum Kind: String, Sendable, CaseIterable {
            /// The table as it was before a cutover; its cutover-rollback.sql puts it back.
            case backup
            /// A cutover's rows, kept by its rollback for a retry.
            case staging
            /// Whole rows an upsert deleted; its rollback.sql puts them back.
            case removed
        }

        package func dropStatement(_ dialect: SQLDialect) -> String { "DROP TABLE \(table.qualified(dialect));" }

        package var purpose: String {
            let bundle = "bundle \(BundleIdentity.pad(sequence))"
            switch kind {
            case .backup: return "the table as it was before the cutover of \(bundle)"
            case .staging: return "the rows of \(bundle)'s cutover, kept by its rollback for a retry"
            case .removed: return "the rows \(bundle) deleted, with the site's own columns, for its rollback"
            }
        }
    }

    package init(ledger: [LedgerEntry], leftovers: [(TableName, Leftover.Kind, Int)]) {
        self.ledger = ledger
        chain = AppliedChain(ledger: ledger)
        chainBreak = Self.chainBreak(ledger)
        let applied = Set(chain.links.map(\.sequence))
        let head = chain.headSequence
        let headKind = chain.headKind
        self.leftovers = leftovers.map { table, kind, sequence in
            let needed: Bool
            switch kind {
            case .backup: needed = head == sequence && headKind == .cutover
            case .removed: needed = applied.contains(sequence)
            case .staging: needed = false
            }
            return Leftover(table: table, kind: kind, sequence: sequence, needed: needed)
        }
    }

    /// Each applying row must follow the head before it; each rollback must take back the head.
    /// A catch-up bundle's row leaves the target at the head it stands for, not at its own digest.
    static func chainBreak(_ ledger: [LedgerEntry]) -> String? {
        var head = ""
        var headAfter: [String: String] = [:]
        for entry in ledger {
            let short = { (digest: String) in digest.isEmpty ? "(none)" : String(digest.prefix(16)) + "…" }
            switch entry.kind {
            case .upsert, .cutover:
                guard entry.parentDigest == head else {
                    return
                        "ledger row \(entry.id) records bundle \(BundleIdentity.pad(entry.sequence)) (\(entry.kind.rawValue)) on top of \(short(entry.parentDigest)), but the target was at \(short(head))"
                }
                headAfter[entry.digest] = entry.headDigest
            case .rollback:
                guard headAfter[entry.digest, default: entry.digest] == head, entry.headDigest == entry.parentDigest
                else {
                    return
                        "ledger row \(entry.id) rolls back bundle \(BundleIdentity.pad(entry.sequence)), but the target was at \(short(head))"
                }
            }
            head = entry.headDigest
        }
        return nil
    }

    /// `name` as one of Airlock's tables: the site's table, the kind and the bundle's sequence.
    static func leftover(schema: String?, name: String) -> (TableName, Leftover.Kind, Int)? {
        guard let match = name.wholeMatch(of: #/(.+)__(backup|staging|removed)_([0-9]{6,})/#),
            let kind = Leftover.Kind(rawValue: String(match.output.2)), let sequence = Int(match.output.3)
        else { return nil }
        return (TableName(schema: schema, name: name), kind, sequence)
    }
}

extension Target {
    /// The target's ledger and the tables Airlock left beside the site's.
    package func status() throws -> TargetStatus {
        let ledger = try ledger()
        var tables: [(String?, String)] = []
        switch self {
        case let .sqlite(path):
            if FileManager.default.fileExists(atPath: path) {
                tables = try openSQLite(readOnly: true).read { db in
                    try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
                        .map { (nil, $0) }
                }
            }
        case .postgres:
            let psql = psql!
            let listing = try psql.run([
                "-c",
                "SELECT n.nspname, c.relname FROM pg_class AS c JOIN pg_namespace AS n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p') AND c.relname ~ '__(backup|staging|removed)_[0-9]{6,}$' ORDER BY 1, 2"
            ]) { TargetError.ledgerUnreadable(target: psql.target, reason: $0) }
            tables = listing.split(separator: "\n").compactMap { line in
                let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
                return fields.count == 2 ? (fields[0], fields[1]) : nil
            }
        }
        return TargetStatus(
            ledger: ledger, leftovers: tables.compactMap { TargetStatus.leftover(schema: $0.0, name: $0.1) })
    }
}
