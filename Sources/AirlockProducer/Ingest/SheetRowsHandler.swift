import Foundation
import FoundationXML

/// Reads a worksheet part row by row and hands each row that holds anything to `onRow` as
/// soon as it ends, so no more than one row is held, whatever the sheet's size. A cell's value
/// is what it holds or, for a formula, its cached value (the result the writing program
/// saved); shared strings (`t="s"`) are looked up in `sharedStrings`, inline strings
/// (`t="inlineStr"`) read in place.
final class SheetRowsHandler: WorkbookPartHandler {
    private let sharedStrings: [String]
    private let onRow: (SheetRow) throws -> Void

    private var row = SheetRow(number: 0)
    private var nextColumn = 0
    /// The cell being read: its place and type (`s`, `inlineStr`, `str`, `b`, `e`, `d` or `n`).
    private var cell = CellReference(column: 0, row: 0)
    private var cellType = "n"
    private var value: String?
    private var formula: String?
    private var inValue = false
    private var inFormula = false
    private var inlineString: StringItemText?

    init(part: String, sharedStrings: [String], onRow: @escaping (SheetRow) throws -> Void) {
        self.sharedStrings = sharedStrings
        self.onRow = onRow
        super.init(part: part)
    }

    override func parser(
        _ parser: XMLParser, didStartElement element: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        if inlineString != nil {
            inlineString?.start(element)
            return
        }
        switch element {
        case "row":
            let number = attributes["r"].map { Int($0) ?? 0 } ?? row.number + 1
            guard (1...CellReference.rows).contains(number), number > row.number else {
                return fail(parser, reason: "row number '\(attributes["r"] ?? "")' is not one after row \(row.number)")
            }
            row = SheetRow(number: number)
            nextColumn = 0
        case "c":
            if let reference = attributes["r"] {
                guard let place = CellReference(reference), place.row == row.number else {
                    return fail(parser, reason: "'\(reference)' is not a cell of row \(row.number)")
                }
                cell = place
            } else {
                cell = CellReference(column: nextColumn, row: row.number)
            }
            nextColumn = cell.column + 1
            cellType = attributes["t"] ?? "n"
            (value, formula) = (nil, nil)
        case "v":
            inValue = true
            value = ""
        case "f":
            inFormula = true
            formula = ""
        case "is":
            inlineString = StringItemText()
        default:
            return
        }
    }

    override func parser(
        _ parser: XMLParser, didEndElement element: String, namespaceURI: String?, qualifiedName: String?
    ) {
        switch element {
        case "is":
            value = inlineString?.take()
            inlineString = nil
        case _ where inlineString != nil:
            inlineString?.end(element)
        case "v":
            inValue = false
        case "f":
            inFormula = false
        case "c":
            endCell()
        case "row":
            guard !row.cells.isEmpty || row.problem != nil else { return }
            do {
                try onRow(row)
            } catch {
                fail(parser, error)
            }
        default:
            return
        }
    }

    override func parser(_ parser: XMLParser, foundCharacters string: String) {
        if inlineString != nil {
            inlineString?.characters(string)
        } else if inValue {
            value? += string
        } else if inFormula {
            formula? += string
        }
    }

    private func endCell() {
        switch read() {
        case let .success(content):
            if !content.isEmpty { row.cells.append((cell, content)) }
        case let .failure(problem):
            if row.problem == nil { row.problem = (cell, problem.reason) }
        }
    }

    private struct CellProblem: Error {
        var reason: String
    }

    /// A text cell. A NUL (written `_x0000_`) is held back with the cell's place, as a JSON
    /// reader holds back `\u0000`: PostgreSQL text cannot hold it and C strings cut it short.
    private static func textCell(_ text: String) -> Result<SheetValue, CellProblem> {
        guard !text.unicodeScalars.contains("\u{0}") else {
            return .failure(CellProblem(reason: "the text holds a NUL character (_x0000_), which no target can store"))
        }
        return .success(.text(text))
    }

    /// The cell's content by its type.
    private func read() -> Result<SheetValue, CellProblem> {
        if let formula, value == nil || (cellType == "n" && value == "") {
            return .success(.uncalculated(formula: formula))
        }
        let text = value ?? ""
        switch cellType {
        case "s":
            guard let index = Int(text), sharedStrings.indices.contains(index) else {
                return .failure(
                    CellProblem(reason: "shared string \(text) does not exist (the table holds \(sharedStrings.count))")
                )
            }
            return Self.textCell(sharedStrings[index])
        case "inlineStr", "str", "d":
            return Self.textCell(text)
        case "b":
            guard text == "0" || text == "1" else {
                return .failure(CellProblem(reason: "'\(text)' is not a boolean cell's 0 or 1"))
            }
            return .success(.boolean(text == "1"))
        case "e":
            return .success(.error(text))
        case "n":
            guard !text.isEmpty else { return .success(.empty) }
            guard let number = SheetNumber.canonical(text) else {
                return .failure(CellProblem(reason: "'\(text)' is not a number, though the cell is a number cell"))
            }
            return .success(.number(number))
        default:
            return .failure(CellProblem(reason: "unknown cell type '\(cellType)'"))
        }
    }
}
