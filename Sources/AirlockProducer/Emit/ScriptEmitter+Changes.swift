import AirlockBase
import AirlockSite
import AirlockSpec
import Foundation
import GRDB
import GRDBSQLite

/// The body of an upsert or its rollback: the two row sets of each entity, the drift guard,
/// the writes in foreign-key order.
extension ScriptEmitter {
    /// Loads every entity's old and new rows into temporary tables from its change file
    /// (`ChangedRows`), inside the check of the target (`writeChecks`), which takes them in
    /// the target's types: an upsert expects the `before` images and leaves the `after` ones,
    /// its rollback the other way round.
    func writeLoads(_ out: ScriptWriter, old: ChangedRows.Image, new: ChangedRows.Image) throws {
        for (changes, check) in zip(changeSets, checks) {
            try out.line(
                "-- \(changes.entity.name): rows as the target holds them now (\(changes.oldTable)) and as this script leaves them (\(changes.newTable)), from \(BundleLayout.changes(of: changes.entity.name)), a path relative to the folder the script runs in: run it from the folder the bundle was unpacked into."
            )
            let member = ChangedRows(changes.entity), lines = ChangedRows.loadedTable(ordinal: changes.ordinal)
            let statements =
                changes.createTemporaryTables + member.load(into: lines, dialect)
                + [
                    member.checkBundle(loaded: lines, bundle: bundle.digest, sequence: bundle.paddedSequence, dialect),
                    member.fill(changes.oldTable, from: lines, with: old, dialect),
                    member.fill(changes.newTable, from: lines, with: new, dialect), "DROP TABLE \(lines);"
                ]
            for statement in statements { try out.line(statement) }
            for statement in check.rows(loaded: changes.oldTable, writes: false) { try out.line(statement) }
            for statement in check.rows(loaded: changes.newTable, writes: true) { try out.line(statement) }
        }
    }

    /// Checks every entity's rows against the target (`writeLoads`, in the check), then writes
    /// new rows parents first and deletes children first, so foreign keys hold after every
    /// statement (a child can move to a new parent before its old parent goes). An upsert
    /// keeps the whole rows it deletes (`ChangeSetStatements.keepRemoved`); its rollback puts
    /// them back before it writes.
    func writeChanges(_ out: ScriptWriter, script: BundleScript, facts: RowFacts) throws {
        try writeDriftHandling(out, script: script)
        for changes in changeSets {
            for statement in changes.countOffsets { try out.line(statement) }
        }
        for changes in changeSets where facts.deleting.contains(changes.entity.name) {
            switch script {
            case .upsert: for statement in changes.keepRemoved { try out.line(statement) }
            default: try out.line(changes.restoreRemoved)
            }
        }
        // Each entity's refused rows are named right after its writes, before a child's row
        // could fail for want of a parent the table refused.
        for changes in changeSets {
            for statement in changes.write + changes.refused { try out.line(statement) }
        }
        for changes in changeSets.reversed() { try out.line(changes.delete) }
        if dialect == .postgres { try out.line(ChecksumOffsetStatements.add) }
    }

    /// Collects each entity's drifted keys, then stops on them or, when the script is run with
    /// the skip switch, leaves them out and prints them.
    private func writeDriftHandling(_ out: ScriptWriter, script: BundleScript) throws {
        for changes in changeSets { try out.line(changes.collectDrift) }
        let guards = changeSets.map { $0.driftGuard(bundle: bundle, rollingBack: script == .rollback, ledger: ledger) }
        let skips = changeSets.flatMap(\.skipDrift)
        switch dialect {
        case .postgres:
            let name = ScriptSwitches.skipDrift
            // psql's \if needs the variable set; unset means stop.
            try out.line("\\if :{?\(name)}\n\\else\n\\set \(name) off\n\\endif")
            try out.line("\\if :\(name)")
            for statement in skips { try out.line(statement) }
            try out.line("\\else")
            for statement in guards { try out.line(statement) }
            try out.line("\\endif")
        case .sqlite:
            for statement in guards + skips { try out.line(statement) }
        }
    }

    /// Writes the rows `sql` selects as data for `table` (a cutover's staging table): inline
    /// COPY data for PostgreSQL, multi-row INSERTs for SQLite. Returns the number of rows.
    @discardableResult
    func load(_ out: ScriptWriter, _ entity: EntitySpec, into table: String, rows sql: String, db: Database)
        throws -> Int
    {
        let columns = EntitySQL(entity, dialect).columns
        let types = entity.columns.map(\.type)
        let statement = try db.makeStatement(sql: sql)
        let rows = try Row.fetchCursor(statement)
        var count = 0
        var line: [UInt8] = []
        /// The current row's values, `separator` between them, into `line`.
        func format(separator: [UInt8]) {
            for (index, type) in types.enumerated() {
                if index > 0 { line += separator }
                WorkspaceValue.append(
                    statement.sqliteStatement, column: Int32(index), type: type, dialect: dialect, to: &line)
            }
        }
        switch dialect {
        case .postgres:
            try out.line("COPY \(table) (\(columns)) FROM STDIN;")
            while try rows.next() != nil {
                line.removeAll(keepingCapacity: true)
                format(separator: [UInt8(ascii: "\t")])
                line.append(UInt8(ascii: "\n"))
                try out.write(line)
                count += 1
            }
            try out.line(PostgresCopy.endOfData)
        case .sqlite:
            while try rows.next() != nil {
                if count % Self.rowsPerStatement == 0 {
                    if count > 0 { try out.line(";") }
                    try out.line("INSERT INTO \(table) (\(columns)) VALUES")
                } else {
                    try out.write(",\n")
                }
                line.removeAll(keepingCapacity: true)
                line.append(UInt8(ascii: "("))
                format(separator: Array(", ".utf8))
                line.append(UInt8(ascii: ")"))
                try out.write(line)
                count += 1
            }
            if count > 0 { try out.line(";") }
        }
        return count
    }
}
