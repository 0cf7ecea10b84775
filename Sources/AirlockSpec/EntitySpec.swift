import AirlockBase
import Foundation

/// One entity: a target table fed by inbox files that match its source pattern.
package struct EntitySpec: Equatable, Sendable {
    /// The entity name: how the spec, the workspace and reports name it.
    package var name: String
    /// The target table its rows go to (`table:`; by default the entity's name).
    package var table: TableName
    package var source: SourceSpec
    /// The natural key, one or more column names.
    package var key: [String]
    /// Columns in spec order; the key columns are among them.
    package var columns: [ColumnSpec]
    /// How upserts write changed rows into the target table.
    package var upsertMethod: UpsertMethod
    /// How bundles deliver the entity's changes (`delivery:`): by upsert alone unless the
    /// spec says cutover or both. A bundle carries the scripts of every method one of the
    /// entities it changes is delivered by.
    package var delivery: [DeliveryMethod] = [.upsert]
    /// What a cutover checks of the snapshot before it replaces the table.
    package var cutoverMinimums = CutoverMinimums()
    /// A column whose values group the counts in reports (`product_type`), if any.
    package var category: String?
    /// Value columns each update in the change file carries as they stand (`context: [name,
    /// email]`), so a reviewer sees whose row changed, not only the field that did.
    package var context: [String] = []
    /// Corrections to what the source reports, applied after normalization, in order.
    package var overrides: [Override] = []
    package var dedupe = DedupeWinner.last
    package var thresholds = Thresholds()
    /// Column sets that must be unique across keys (`checks: [{unique: [a, b]}]`).
    package var uniqueTogether: [UniqueTogether] = []
    /// Columns that must equal another entity's, which is authoritative.
    package var consistency: [Consistency] = []
    /// A SELECT over other entities (by name) that gives this entity's rows, instead of inbox files.
    package var model: String?
    /// A child entity (`children:`): where its records sit in its parent's; nil for the others.
    package var nesting: Nesting?
    /// The paths (below this entity's records) of the arrays its children read, `[["lines"]]`.
    package var childArrays: [[String]] = []
    /// The entity's part of airlock.yml as the YAML reader gives it back (without comments):
    /// when it changes, whatever changed, the next run reads the entity's records again.
    package var written = ""

    package init(
        name: String, source: SourceSpec, key: [String], columns: [ColumnSpec], upsertMethod: UpsertMethod = .onConflict
    ) {
        self.name = name
        table = TableName(name: name)
        self.source = source
        self.key = key
        self.columns = columns
        self.upsertMethod = upsertMethod
    }

    /// How an upsert writes new and changed rows (`upsert:` in the spec).
    package enum UpsertMethod: String, Equatable, Sendable {
        /// One `INSERT ... ON CONFLICT (key) DO UPDATE`: needs a unique constraint on the key.
        case onConflict = "on_conflict"
        /// `UPDATE` the rows whose key exists, then `INSERT` the rest: for targets whose table
        /// lacks the unique constraint `ON CONFLICT` needs.
        case updateThenInsert = "update_then_insert"
    }

    /// The entities this one refers to through foreign keys, a child's parent among them.
    package var parents: [String] { columns.compactMap(\.references) + (nesting.map { [$0.parent] } ?? []) }

    /// The entity whose files hold this one's records: itself, or a child's top-level ancestor.
    package var filesEntity: String { nesting?.root ?? name }

    package var valueColumns: [ColumnSpec] { columns.filter { !key.contains($0.name) } }

    /// The key's columns, in key order.
    package var keyColumns: [ColumnSpec] { key.map { columns[index(ofColumn: $0)] } }

    /// Where the column called `name` is among `columns`. The spec reader checks every column
    /// name a key or a rule uses, so asking for another is a bug.
    package func index(ofColumn name: String) -> Int {
        guard let index = columns.firstIndex(where: { $0.name == name }) else {
            preconditionFailure(
                "'\(name)' is not a column of entity \(self.name); the spec reader checks the names rules use")
        }
        return index
    }
}

/// Where an entity's records come from.
package struct SourceSpec: Equatable, Sendable {
    package enum Format: String, Equatable, Sendable {
        /// Delimited text with a header row.
        case csv
        /// One document: an array of objects, or an envelope holding one (`records`).
        case json
        /// One JSON object per line (also called JSON Lines).
        case ndjson
        /// An Excel workbook (Office Open XML): one sheet's rows, the first naming the columns.
        case xlsx

        /// Whether records are rows under a header whose names the spec uses as written (CSV,
        /// spreadsheets), rather than JSON objects reached by dotted paths.
        package var hasHeaderRow: Bool { self == .csv || self == .xlsx }
    }

    /// A shell-style file name pattern (`products*.json`) matched against inbox file names.
    package var filePattern: String
    package var format: Format
    /// For JSON envelopes: the path to the records, `data.products` or `types[].products`;
    /// empty when the document itself is the array of records.
    package var recordsPath: String
    /// Where `airlock pull` fetches this entity's records from, if anywhere.
    package var pull: PullSpec?
    /// CSV only: the field delimiter; nil to guess it from the first lines (see `CSVDelimiter`).
    package var delimiter: UInt8?
    /// The text encoding as iconv names it (`latin1`, `utf-16`); nil to detect it (see `TextEncoding`).
    package var encoding: String?
    /// Reject the whole file when one record cannot be read, instead of quarantining that record.
    package var allOrNothing = false
    /// What a drop of this source is: the whole state (a key it lacks is deleted), or only
    /// what changed (a key it lacks is left as it is).
    package var mode = Mode.snapshot
    /// Delta drops only: which records delete their key instead of writing it.
    package var deletion: Deletion?
    /// What a field of a file that the spec does not read is: nil to say nothing (the
    /// default: sources carry fields nobody syncs), `warn` or `block`.
    package var unknownFields: Severity?
    /// What a field the spec reads that no record of a file holds is: `warn` (the default;
    /// its column is NULL in every record) or `block`.
    package var missingFields = Severity.warn
    /// Spreadsheets only: the sheet to read, by its name; nil for the workbook's first sheet.
    package var sheet: String?

    package enum Mode: String, Equatable, Sendable {
        case snapshot, delta
    }

    /// How a delta drop marks a record that deletes its key. Such a record needs only its key:
    /// the other columns' checks do not apply to it.
    package enum Deletion: Equatable, Sendable {
        /// `delete_when`: SQL over the normalized columns (by name), true for a deletion.
        case when(String)
        /// `tombstone`: a source field (a dotted path in JSON) that is true for a deletion;
        /// absent or empty means the record is not one.
        case tombstone(field: String)
    }

    package init(filePattern: String, format: Format, recordsPath: String = "", pull: PullSpec? = nil) {
        self.filePattern = filePattern
        self.format = format
        self.recordsPath = recordsPath
        self.pull = pull
    }

    package func matches(fileName: String) -> Bool {
        fnmatch(filePattern, fileName, 0) == 0
    }

    /// The spec's spelling of a delimiter: one ASCII character, or `tab`.
    static func delimiter(spelling: String) -> UInt8? {
        if spelling == "tab" || spelling == "\t" { return UInt8(ascii: "\t") }
        guard spelling.utf8.count == 1, let byte = spelling.utf8.first, byte > 0x20, byte < 0x7F,
            byte != UInt8(ascii: "\"")
        else { return nil }
        return byte
    }
}

/// One normalized column.
package struct ColumnSpec: Equatable, Sendable {
    package var name: String
    /// The source field: a CSV header (`First name`) or a dotted JSON path (`price.amount`).
    package var from: String
    package var type: ColumnType
    /// The entity whose key this column refers to (a foreign key), if any.
    package var references: String?
    /// What a row naming no parent row does: blocks the bundle (the default), or is held back
    /// (quarantine) while the rest of the drop is bundled; a parent deleted while children
    /// still name it then keeps its row.
    package var referenceSeverity = Severity.block
    /// That entity's target table, which the foreign key names (set when the spec is read).
    package var referencedTable: TableName?
    /// Cleaning before the parse and checks after it.
    package var rules = ColumnRules()
    /// The column's name before a spec change renamed it (`renamed_from:`): the workspace and
    /// the targets rename that column, keeping its values, instead of dropping one column and
    /// adding another. Once the rename is bundled the line may stay or go.
    package var renamedFrom: String?

    package init(name: String, from: String, type: ColumnType, references: String? = nil) {
        self.name = name
        self.from = from
        self.type = type
        self.references = references
    }
}

extension SourceSpec.Format {
    /// The format a file name's extension implies: `.csv`, `.json`, `.ndjson`, `.jsonl` or `.xlsx`.
    package init?(fileName: String) {
        let name = fileName.lowercased()
        if name.hasSuffix(".csv") {
            self = .csv
        } else if name.hasSuffix(".json") {
            self = .json
        } else if name.hasSuffix(".ndjson") || name.hasSuffix(".jsonl") {
            self = .ndjson
        } else if name.hasSuffix(".xlsx") {
            self = .xlsx
        } else {
            return nil
        }
    }
}
