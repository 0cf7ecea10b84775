import AirlockBase
import AirlockSpec

/// What a spec edit does to one entity's tables: the recorded definition before, the spec's
/// entity after (nil once the spec no longer has it) and the changes between, in the order a
/// bundle makes them. Workspace tables and targets are migrated from the same changes
/// (`SchemaStatements`).
struct EntityMigration {
    let name: String
    let old: EntityDefinition
    /// The entity as the spec has it now; nil for an entity the spec dropped.
    let entity: EntitySpec?
    let changes: [SchemaChange]
    /// Whether a bundle must carry the migration even when no row changes.
    var altersTables: Bool { onTargets && changes.contains(where: \.altersTables) }
    /// Whether the targets' rows of the entity get other columns (`SchemaChange.reshapesRows`).
    var reshapesRows: Bool { onTargets && changes.contains(where: \.reshapesRows) }

    /// Whether the targets hold the entity's table, which a bundle made: an entity never
    /// bundled changes its workspace tables only, and its bundle makes its table as it is now.
    var onTargets = true

    /// The migration from `old` to the spec's `entity`; nil when they agree. A change that
    /// cannot keep every row as it is (a new key, a key column's type, a type no cast reaches)
    /// is refused, with what to do instead.
    static func between(_ old: EntityDefinition, _ entity: EntitySpec) throws -> EntityMigration? {
        let new = EntityDefinition(entity)
        guard new != old else { return nil }
        func refuse(_ reason: String) -> WorkspaceError {
            .unsupportedSchemaChange(entity: entity.name, reason: reason)
        }
        let renamed = Dictionary(
            entity.columns.compactMap { column in
                column.renamedFrom.flatMap {
                    old.type(of: $0) != nil && old.type(of: column.name) == nil ? ($0, column) : nil
                }
            }, uniquingKeysWith: { first, _ in first })
        let oldKey = old.key.map { name in renamed[name]?.name ?? name }
        guard oldKey == entity.key else {
            throw refuse(
                "its key changed from (\(old.key.joined(separator: ", "))) to (\(entity.key.joined(separator: ", "))); a bundle cannot move rows to new keys in place: put the key back, or make a new entity (its own table) and remove this one"
            )
        }
        var changes: [SchemaChange] = []
        if old.tableName != entity.table { changes.append(.tableRenamed(from: old.tableName, to: entity.table)) }
        var added: [SchemaChange] = []
        var matched: Set<String> = []
        for column in entity.columns {
            let oldName = renamed.first { $0.value.name == column.name }?.key ?? column.name
            guard let oldType = old.type(of: oldName) else {
                added.append(.columnAdded(name: column.name, type: column.type))
                continue
            }
            matched.insert(oldName)
            if oldName != column.name { changes.append(.columnRenamed(from: oldName, to: column.name)) }
            let oldReferences = old.columns.first { $0.name == oldName }?.references
            if oldReferences != column.references {
                changes.append(.referencesChanged(column: column.name, from: oldReferences, to: column.references))
            }
            guard oldType != column.type else { continue }
            guard !entity.key.contains(column.name) else {
                throw refuse(
                    "key column '\(column.name)' changed its type from \(oldType) to \(column.type); put it back")
            }
            guard Self.castable(from: oldType, to: column.type) else {
                throw refuse(
                    "column '\(column.name)' changed its type from \(oldType) to \(column.type), which no cast converts; add a new column of the new type (and remove this one) instead"
                )
            }
            changes.append(.columnRetyped(name: column.name, from: oldType, to: column.type))
        }
        let removed = old.columns.filter { !matched.contains($0.name) }.map { column in
            SchemaChange.columnRemoved(name: column.name, type: ColumnType(spelling: column.type) ?? .text)
        }
        changes += added + removed
        return EntityMigration(name: entity.name, old: old, entity: entity, changes: changes)
    }

    /// An entity the spec no longer has: its table moves aside as `TABLE_removed_NNNNNN`.
    static func removal(of name: String, _ old: EntityDefinition, bundle sequence: Int) -> EntityMigration {
        let backup = old.tableName.suffixed("_removed_" + String(format: "%06d", sequence))
        return EntityMigration(
            name: name, old: old, entity: nil, changes: [.entityRemoved(table: old.tableName, backup: backup)])
    }

    /// Each change with the table it changes (its name at that point) and its DDL in
    /// `dialect`, for the scripts, the manifest and the review pages.
    func statements(_ dialect: SQLDialect) -> [(change: SchemaChange, table: TableName, statements: [String])] {
        var table = old.tableName
        return changes.map { change in
            let statements = SchemaStatements(dialect).forward(change, table: table)
            defer { if case let .tableRenamed(_, to) = change { table = to } }
            return (change, table, statements)
        }
    }

    /// The DDL that undoes every change, last first, in `dialect`; afterwards the table is
    /// `old.tableName` again, and `restored` columns wait for their values.
    func back(_ dialect: SQLDialect) -> [String] {
        var table = entity?.table ?? old.tableName
        return changes.reversed().flatMap { change in
            let statements = SchemaStatements(dialect).back(change, table: table)
            if case let .tableRenamed(from, _) = change { table = from }
            return statements
        }
    }

    /// The columns a rollback puts back value by value, as the old definition names and types
    /// them: removed ones, and retyped ones, whose cast back may not give the same text.
    var restored: [EntityDefinition.Column] {
        changes.compactMap(\.restoredColumn).map { column in
            EntityDefinition.Column(name: oldName(of: column.name), type: column.type.description)
        }
    }

    /// The name the old definition gives the column called `name` now.
    private func oldName(of name: String) -> String {
        changes.lazy.compactMap { change -> String? in
            if case let .columnRenamed(from, to) = change, to == name { return from }
            return nil
        }.first ?? name
    }

    /// The retyped columns (as the old definition names and types them), with their new type.
    /// A target's cast reads text as PostgreSQL spells the type, not as the spec's format or
    /// map reads it (`13/11/2026`, `1,234`), and refuses a number too wide for a narrower
    /// decimal; the workspace's rows all fit (`SchemaFit`), but the targets' rows are the
    /// baseline's, which may hold a row this run deletes or changes (`n/a`, `123456.78`). So
    /// before the cast each row whose value may not fit is cleared, on the targets and in the
    /// baseline alike (`RestoreValues.unfit`, `WorkspaceMigration.clearUnfit`): the bundle then writes its value as the records
    /// read again give it.
    var cleared: [(column: EntityDefinition.Column, name: String, type: ColumnType)] {
        changes.compactMap { change in
            guard case let .columnRetyped(name, from, to) = change else { return nil }
            return (EntityDefinition.Column(name: oldName(of: name), type: from.description), name, to)
        }
    }

    /// Types whose values PostgreSQL casts into the new type and whose rows the workspace
    /// compares as the new type's text: within text and enum, decimals of any precision and
    /// scale, integer to decimal, text to any type, numbers to text. Whether each value fits
    /// is checked on the rows (`SchemaFit`).
    static func castable(from old: ColumnType, to new: ColumnType) -> Bool {
        switch (old, new) {
        case (.text, _), (.enumeration, _): return true
        case (.decimal, .decimal), (.integer, .decimal), (.integer, .text), (.decimal, .text): return true
        default: return false
        }
    }
}
