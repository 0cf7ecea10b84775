import AirlockBase
import AirlockSite

/// One change a spec edit makes to an entity's tables, in the order a bundle makes it.
enum SchemaChange: Equatable {
    /// `table:` names another table (or schema): the target's table is renamed.
    case tableRenamed(from: TableName, to: TableName)
    /// A new column; its values come from records already read.
    case columnAdded(name: String, type: ColumnType)
    /// A column the spec no longer has; rolling back brings it back with its values.
    case columnRemoved(name: String, type: ColumnType)
    /// `renamed_from:` on the new column.
    case columnRenamed(from: String, to: String)
    /// Another type: every value must fit the new one, or the run is blocked.
    case columnRetyped(name: String, from: ColumnType, to: ColumnType)
    /// An entity the spec no longer has: its table is renamed aside, never dropped.
    case entityRemoved(table: TableName, backup: TableName)
    /// `references:` added, changed or removed: the bundle checks the rows against the new
    /// parent; the targets' own constraints are theirs, so no DDL.
    case referencesChanged(column: String, from: String?, to: String?)

    /// Whether the change alters the targets' tables (and so needs a bundle of its own).
    var altersTables: Bool {
        if case .referencesChanged = self { return false }
        return true
    }

    /// Whether the change gives the entity's rows other columns: its change files before the
    /// change are in the old shape, so the bundle that makes it carries the rows whole too,
    /// where `recover` starts them.
    var reshapesRows: Bool {
        switch self {
        case .columnAdded, .columnRemoved, .columnRenamed, .columnRetyped: return true
        case .tableRenamed, .entityRemoved, .referencesChanged: return false
        }
    }

    /// As the manifest lists it.
    func manifestLine(entity: String, statements: [SQLDialect: [String]]) -> Manifest.SchemaChange {
        var line = Manifest.SchemaChange(entity: entity, change: kind)
        switch self {
        case let .tableRenamed(from, to):
            (line.from, line.to) = (from.description, to.description)
        case let .columnAdded(name, type), let .columnRemoved(name, type):
            (line.column, line.to) = (name, type.description)
        case let .columnRenamed(from, to):
            (line.column, line.from, line.to) = (to, from, to)
        case let .columnRetyped(name, from, to):
            (line.column, line.from, line.to) = (name, from.description, to.description)
        case let .entityRemoved(table, backup):
            (line.from, line.to) = (table.description, backup.description)
        case let .referencesChanged(column, from, to):
            (line.column, line.from, line.to) = (column, from ?? "(none)", to ?? "(none)")
        }
        line.postgres = statements[.postgres] ?? []
        line.sqlite = statements[.sqlite] ?? []
        return line
    }

    /// The change a manifest line (or `MigrationRecord`) lists; nil for a line this release
    /// does not know.
    init?(_ line: Manifest.SchemaChange) {
        let types = (line.from.flatMap(ColumnType.init(spelling:)), line.to.flatMap(ColumnType.init(spelling:)))
        let tables = (line.from.flatMap(TableName.init(spelling:)), line.to.flatMap(TableName.init(spelling:)))
        switch (line.change, line.column) {
        case ("table_renamed", _):
            guard let from = tables.0, let to = tables.1 else { return nil }
            self = .tableRenamed(from: from, to: to)
        case let ("column_added", name?):
            guard let type = types.1 else { return nil }
            self = .columnAdded(name: name, type: type)
        case let ("column_removed", name?):
            guard let type = types.1 else { return nil }
            self = .columnRemoved(name: name, type: type)
        case ("column_renamed", _):
            guard let from = line.from, let to = line.to else { return nil }
            self = .columnRenamed(from: from, to: to)
        case let ("column_retyped", name?):
            guard let from = types.0, let to = types.1 else { return nil }
            self = .columnRetyped(name: name, from: from, to: to)
        case ("entity_removed", _):
            guard let table = tables.0, let backup = tables.1 else { return nil }
            self = .entityRemoved(table: table, backup: backup)
        case let ("references_changed", name?):
            func entity(_ text: String?) -> String? { text == "(none)" ? nil : text }
            self = .referencesChanged(column: name, from: entity(line.from), to: entity(line.to))
        default:
            return nil
        }
    }

    private var kind: String {
        switch self {
        case .tableRenamed: return "table_renamed"
        case .columnAdded: return "column_added"
        case .columnRemoved: return "column_removed"
        case .columnRenamed: return "column_renamed"
        case .columnRetyped: return "column_retyped"
        case .entityRemoved: return "entity_removed"
        case .referencesChanged: return "references_changed"
        }
    }

    /// The column whose values a rollback must put back as they were (removed, or retyped,
    /// where the cast back may not give the same text), with its old type.
    var restoredColumn: (name: String, type: ColumnType)? {
        switch self {
        case let .columnRemoved(name, type): return (name, type)
        case let .columnRetyped(name, from, _): return (name, from)
        default: return nil
        }
    }
}
