import Foundation

/// One entity: a target table fed by inbox files that match its source pattern.
public struct EntitySpec: Equatable, Sendable {
    /// The entity name; also the target table name.
    public var name: String
    public var source: SourceSpec
    /// The natural key, one or more column names.
    public var key: [String]
    /// Columns in spec order; the key columns are among them.
    public var columns: [ColumnSpec]

    public init(name: String, source: SourceSpec, key: [String], columns: [ColumnSpec]) {
        self.name = name
        self.source = source
        self.key = key
        self.columns = columns
    }

    public var valueColumns: [ColumnSpec] { columns.filter { !key.contains($0.name) } }
}

/// Where an entity's records come from.
public struct SourceSpec: Equatable, Sendable {
    public enum Format: String, Equatable, Sendable {
        case csv, json
    }

    /// A shell-style file name pattern (`products*.json`) matched against inbox file names.
    public var filePattern: String
    public var format: Format
    /// For JSON envelopes: the path to the records, `data.products` or `types[].products`;
    /// empty when the document itself is the array of records.
    public var recordsPath: String
    /// Where `airlock pull` fetches this entity's records from, if anywhere.
    public var pull: PullSpec?

    public init(filePattern: String, format: Format, recordsPath: String = "", pull: PullSpec? = nil) {
        self.filePattern = filePattern
        self.format = format
        self.recordsPath = recordsPath
        self.pull = pull
    }

    public func matches(fileName: String) -> Bool {
        fnmatch(filePattern, fileName, 0) == 0
    }
}

/// One normalized column.
public struct ColumnSpec: Equatable, Sendable {
    public var name: String
    /// The source field: a CSV header (`First name`) or a dotted JSON path (`price.amount`).
    public var from: String
    public var type: ColumnType

    public init(name: String, from: String, type: ColumnType) {
        self.name = name
        self.from = from
        self.type = type
    }
}
