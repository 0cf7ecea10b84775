import AirlockBase
import AirlockSpec
import Foundation
import GRDB

/// Reads one sheet of an xlsx workbook into a sink the way a CSV file is read: the first row
/// names the columns (under `HeaderCheck`'s rules), and each later row that holds anything is
/// a record, a JSON object keyed by those names (`SheetValue` says how each cell is kept),
/// whose line is the row's number. A row with a value beyond the header, or with a cell that
/// cannot be read, is held back by its row and cell. The sheet is `source.sheet`, or else the
/// workbook's first; its name, date system and header are kept in `SheetRecords`.
final class XLSXIngest {
    private let file: String
    private let sha256: String
    private let entity: EntitySpec
    private let sink: RecordSink
    private let db: Database

    private var sheet = ""
    private var date1904 = false
    private var header: [String]?
    private var keys: [[UInt8]] = []
    private var json: [UInt8] = []

    init(file: String, sha256: String, entity: EntitySpec, into sink: RecordSink, in db: Database) {
        self.file = file
        self.sha256 = sha256
        self.entity = entity
        self.sink = sink
        self.db = db
    }

    func read(_ opened: OpenedFile, limits: ArchiveReader.Limits) throws {
        let workbook = try Workbook(WorkbookPackage(opened: opened, name: file, limits: limits))
        let chosen = try workbook.sheet(named: entity.source.sheet)
        (sheet, date1904) = (chosen.name, workbook.date1904)
        guard let part = chosen.part else {
            throw IngestError.unreadable(
                file: file,
                reason: "sheet '\(sheet)' holds no cells (a chart sheet); name a worksheet in source.sheet")
        }
        let handler = SheetRowsHandler(part: part, sharedStrings: try workbook.sharedStrings()) { [self] row in
            try header == nil ? readHeader(row) : readRecord(row)
        }
        try workbook.package.parseRequired(part, with: handler, role: "part for sheet '\(sheet)'")
        guard header != nil else {
            throw IngestError.unreadable(
                file: file, reason: "sheet '\(sheet)' is empty; its first row must name the columns")
        }
    }

    private func readHeader(_ row: SheetRow) throws {
        let place = "sheet '\(sheet)', row 1"
        func refuse(_ reason: String) -> IngestError { .header(file: file, place: place, reason: reason) }
        guard row.number == 1 else { throw refuse("the row is empty; the first row must name the columns") }
        if let problem = row.problem { throw refuse("cell \(problem.place): \(problem.reason)") }
        var names = Array(repeating: "", count: (row.cells.map(\.place.column).max() ?? 0) + 1)
        for (place, value) in row.cells {
            guard let name = value.text else { throw refuse("cell \(place): \(value.problem ?? "")") }
            names[place.column] = name
        }
        try HeaderCheck(file: file, place: place, entity: entity, columnLabel: CellReference.letters(ofColumn:))
            .check(names)
        try SheetRecords.record(file: sha256, sheet: sheet, date1904: date1904, header: names, in: db)
        // Its range keeps it too, so each field is read under the header's own spelling (`RawFields`).
        try sink.header(names, fields: false)
        header = names
        keys = JSONPath.objectKeys(names)
    }

    private func readRecord(_ row: SheetRow) throws {
        let width = keys.count
        if let problem = row.problem {
            return try fail(row, cell: problem.place, problem.reason)
        }
        if let beyond = row.cells.first(where: { $0.place.column >= width }) {
            return try fail(
                row, cell: beyond.place,
                "a value beyond the header's \(width) columns (A to \(CellReference.letters(ofColumn: width - 1)))")
        }
        var values = Array(repeating: SheetValue.empty, count: width)
        for (place, value) in row.cells { values[place.column] = value }
        json.removeAll(keepingCapacity: true)
        for index in 0..<width {
            json += keys[index]
            values[index].appendJSON(to: &json)
        }
        json.append(UInt8(ascii: "}"))
        try sink.add(json: json, line: row.number)
    }

    /// Holds the row back; its text is its cells by reference, `{"A7": "O-7", "E7": "x"}`.
    private func fail(_ row: SheetRow, cell: CellReference, _ reason: String) throws {
        json = [UInt8(ascii: "{")]
        for (index, (place, value)) in row.cells.enumerated() {
            json += Array("\(index == 0 ? "" : ",")\"\(place)\":".utf8)
            value.appendJSON(to: &json)
        }
        json.append(UInt8(ascii: "}"))
        try sink.fail(
            RecordFailure(
                line: row.number, field: cell.description, reason: reason, text: RecordFailure.excerpt(json),
                sheet: sheet))
    }
}
