import AirlockBase
import AirlockSite
import AirlockSpec
import GRDB

/// Two columns in two entities that must agree, one side authoritative: rows of `entity`
/// whose column differs from the authority's matching row are reported, and either block the
/// bundle or are repaired in the snapshot, so the bundle carries the fix as ordinary updates.
struct ConsistencyCheck {
    let entity: EntitySpec
    let rule: Consistency
    private let dialect = SQLDialect.sqlite

    /// The findings, after repairing `entity`'s snapshot when the rule says so. `current`
    /// names the table holding each entity's rows after this run; `prepareSnapshot` makes the
    /// entity's snapshot current (a copy of its baseline) before a repair writes to it.
    func run(current: (String) -> String, prepareSnapshot: () throws -> Void, in db: Database) throws -> [ValidationFinding] {
        let column = dialect.identifier(rule.column), theirs = dialect.identifier(rule.authorityColumn)
        func joined(_ alias: String) -> String {
            rule.match.map { "a.\(dialect.identifier($0.authorityColumn)) = \(alias).\(dialect.identifier($0.column))" }.joined(separator: " AND ")
        }
        let keyText = EntityTables(entity).keyText(of: "t")
        let rows = try Row.fetchAll(db, sql: """
            SELECT \(keyText), quote(t.\(column)), quote(a.\(theirs)) FROM \(current(entity.name)) AS t
            JOIN \(current(rule.authority)) AS a ON \(joined("t")) WHERE t.\(column) IS NOT a.\(theirs) ORDER BY 1
            """)
        guard !rows.isEmpty else { return [] }
        let authority = "\(rule.authority).\(rule.authorityColumn) (authoritative)"
        if rule.repairs {
            try prepareSnapshot()
            let snapshot = EntityTables(entity).snapshot
            try db.execute(sql: """
                UPDATE \(snapshot) SET \(column) = (SELECT a.\(theirs) FROM \(current(rule.authority)) AS a WHERE \(joined(snapshot)))
                WHERE EXISTS (SELECT 1 FROM \(current(rule.authority)) AS a WHERE \(joined(snapshot)) AND a.\(theirs) IS NOT \(snapshot).\(column))
                """)
        }
        return rows.map { row in
            let reason = rule.repairs
                ? "\(row[0] as String): \(rule.column) repaired from \(row[1] as String) to \(row[2] as String) to equal \(authority)"
                : "\(row[0] as String): \(rule.column) is \(row[1] as String) but \(authority) is \(row[2] as String)"
            return ValidationFinding(severity: rule.repairs ? .warn : .block, check: "consistency", entity: entity.name,
                                     field: rule.column, value: row[1], reason: reason)
        }
    }
}
