import GRDB

@testable import AirlockProducer

extension EntityTables {
    /// Makes the entity's workspace tables and fills the baseline and the snapshot with rows
    /// of values in column order, as laws over a diff start.
    func fill(
        baseline: [[DatabaseValueConvertible?]], snapshot: [[DatabaseValueConvertible?]], in db: Database
    ) throws {
        try create(in: db)
        let placeholders = entity.columns.map { _ in "?" }.joined(separator: ", ")
        for (table, rows) in [(self.baseline, baseline), (self.snapshot, snapshot)] {
            let insert = try db.makeStatement(sql: "INSERT INTO \(table) (\(sql.columns)) VALUES (\(placeholders))")
            for row in rows { try insert.execute(arguments: StatementArguments(row)) }
        }
    }
}
