import AirlockBase
import AirlockSpec
import GRDB

/// Parents a drop deletes while children still name them, under references whose severity is
/// quarantine: the parent keeps its row (its baseline row goes back into its snapshot), and a
/// finding names the parent and a child that still names it, and the parent's own children
/// (`children:`) keep their rows under it. Under the default severity the same case blocks
/// the bundle (`EntityChecks.references`).
struct DeletedParents {
    let spec: Spec

    /// Rows kept per parent entity, in all and per value of its category column.
    struct Kept {
        var rows = 0
        var byCategory: [String?: Int] = [:]
    }

    /// Keeps every such parent row, children first so a kept row keeps its own parents too.
    func keep(in current: CurrentRows, _ db: Database) throws -> (findings: [ValidationFinding], kept: [String: Kept]) {
        var findings: [ValidationFinding] = []
        var kept: [String: Kept] = [:]
        for child in spec.entities.reversed() {
            for column in child.columns where column.references != nil && column.referenceSeverity == .quarantine {
                let parent = spec.entity(named: column.references!)
                guard current.bundled.contains(parent.name) else { continue }
                let tables = EntityTables(parent), sql = tables.sql
                let parentKey = sql.name(parent.key[0]), childColumn = sql.name(column.name)
                let deletedAndNamed = """
                    FROM \(tables.baseline) AS b
                    WHERE NOT EXISTS (SELECT 1 FROM \(tables.snapshot) AS s WHERE s.\(parentKey) = b.\(parentKey))
                      AND EXISTS (SELECT 1 FROM \(current.table(of: child.name)) AS c WHERE c.\(childColumn) = b.\(parentKey))
                    """
                let named = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT \(sql.keyText(of: "b", quoted: true)),
                               (SELECT \(EntitySQL(child).keyText(of: "c", quoted: true)) FROM \(current.table(of: child.name)) AS c
                                WHERE c.\(childColumn) = b.\(parentKey) ORDER BY 1 LIMIT 1)
                        \(deletedAndNamed) ORDER BY 1
                        """)
                guard !named.isEmpty else { continue }
                if let category = parent.category {
                    for row in try Row.fetchAll(
                        db, sql: "SELECT CAST(b.\(sql.name(category)) AS TEXT), count(*) \(deletedAndNamed) GROUP BY 1")
                    {
                        kept[parent.name, default: Kept()].byCategory[row[0] as String?, default: 0] += row[1] as Int
                    }
                }
                try db.execute(
                    sql:
                        "INSERT INTO \(tables.snapshot) (\(sql.columns)) SELECT \(sql.columns(of: "b")) \(deletedAndNamed)"
                )
                kept[parent.name, default: Kept()].rows += db.changesCount
                findings += named.map { row in
                    ValidationFinding(
                        severity: .quarantine, check: "references", entity: parent.name, field: parent.key[0],
                        reason:
                            "\(row[0] as String): the drop deletes it, but \(child.name) \(row[1] as String) still names it in \(column.name); the row is kept"
                    )
                }
            }
        }
        // A kept parent row keeps its children's rows too, which its normalized children had
        // dropped with it; parents come first, so a kept line keeps its taxes.
        for child in spec.entities {
            guard let nested = NestedRecords(child), kept[nested.nesting.parent] != nil,
                current.bundled.contains(child.name)
            else { continue }
            let rows = try nested.keepRowsOfKeptParents(parentRows: current.table(of: nested.nesting.parent), in: db)
            if rows > 0 { kept[child.name, default: Kept()].rows += rows }
        }
        return (findings, kept)
    }
}
