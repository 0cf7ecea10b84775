import AirlockBase
import AirlockSpec
import GRDB

/// Two columns in two entities that must agree, one side authoritative: rows of `entity`
/// whose column differs from the authority's matching row are reported, and either block the
/// bundle or are repaired in the snapshot, so the bundle carries the fix as ordinary updates.
struct ConsistencyCheck {
    let entity: EntitySpec
    let rule: Consistency
    private let dialect = SQLDialect.sqlite

    /// The rows that break the rule, as findings: `warn` when the rule repairs them (call
    /// `repair` after putting the entity into the bundle), `block` otherwise.
    func violations(in current: CurrentRows, _ db: Database) throws -> [ValidationFinding] {
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT \(EntitySQL(entity).keyText(of: "t", quoted: true)), quote(t.\(column)), quote(a.\(theirs))
                FROM \(current.table(of: entity.name)) AS t JOIN \(current.table(of: rule.authority)) AS a ON \(match("t"))
                WHERE t.\(column) IS NOT a.\(theirs) ORDER BY 1
                """)
        let authority = "\(rule.authority).\(rule.authorityColumn) (authoritative)"
        return rows.map { row in
            let reason =
                rule.repairs
                ? "\(row[0] as String): \(rule.column) repaired from \(row[1] as String) to \(row[2] as String) to equal \(authority)"
                : "\(row[0] as String): \(rule.column) is \(row[1] as String) but \(authority) is \(row[2] as String)"
            return ValidationFinding(
                severity: rule.repairs ? .warn : .block, check: "consistency", entity: entity.name,
                field: rule.column, value: row[1], reason: reason)
        }
    }

    /// Sets the column of every snapshot row that breaks the rule to the authority's value.
    func repair(in current: CurrentRows, _ db: Database) throws {
        let snapshot = EntityTables(entity).snapshot, authority = current.table(of: rule.authority)
        try db.execute(
            sql: """
                UPDATE \(snapshot) SET \(column) = (SELECT a.\(theirs) FROM \(authority) AS a WHERE \(match(snapshot)))
                WHERE EXISTS (SELECT 1 FROM \(authority) AS a WHERE \(match(snapshot)) AND a.\(theirs) IS NOT \(snapshot).\(column))
                """)
    }

    private var column: String { dialect.identifier(rule.column) }
    private var theirs: String { dialect.identifier(rule.authorityColumn) }

    /// The authority's row `a` matches the row `alias`.
    private func match(_ alias: String) -> String {
        rule.match.map { "a.\(dialect.identifier($0.authorityColumn)) = \(alias).\(dialect.identifier($0.column))" }
            .joined(separator: " AND ")
    }
}
