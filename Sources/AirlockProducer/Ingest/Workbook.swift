import AirlockBase
import Foundation

/// What a workbook is made of, read from its package before any sheet: its sheets in tab
/// order with the part each one lives in, its date system, and where its shared strings are.
/// Found the way Office Open XML says, by relationships: `_rels/.rels` names the workbook
/// part, whose relationships name the sheets' parts and the shared strings.
struct Workbook {
    struct Sheet: Equatable {
        var name: String
        /// The sheet's part in the package; nil for a sheet that holds no cells (a chart sheet).
        var part: String?
    }

    let package: WorkbookPackage
    private(set) var sheets: [Sheet] = []
    /// Whether serial dates count from 1904-01-01 (old Mac workbooks) rather than from 1900.
    private(set) var date1904 = false
    private var sharedStringsPart: String?

    init(_ package: WorkbookPackage) throws {
        self.package = package
        let root = RelationshipsHandler(part: "_rels/.rels", describing: "")
        try package.parseRequired(root.part, with: root, role: "package relationships")
        guard let workbookPart = root.ordered.first(where: { $0.isKind("officeDocument") })?.target else {
            throw IngestError.unreadable(
                file: package.name, reason: "not an xlsx workbook: _rels/.rels names no workbook part")
        }
        let workbook = WorkbookHandler(part: workbookPart)
        try package.parseRequired(workbookPart, with: workbook, role: "workbook part")
        let folder = workbookPart.split(separator: "/").dropLast().map { "\($0)/" }.joined()
        let relationships = RelationshipsHandler(
            part: "\(folder)_rels/\(workbookPart.split(separator: "/").last ?? "").rels", describing: workbookPart)
        try package.parseRequired(relationships.part, with: relationships, role: "workbook relationships")
        sheets = workbook.sheets.map { sheet in
            let target = relationships.relationships[sheet.relationship]
            return Sheet(name: sheet.name, part: target?.isKind("worksheet") == true ? target?.target : nil)
        }
        date1904 = workbook.date1904
        sharedStringsPart = relationships.ordered.first(where: { $0.isKind("sharedStrings") })?.target
    }

    /// The sheet `name` names, or the first one; an error listing the sheets there are when none is called so.
    /// Sheet names compare as Excel compares them, without regard to case.
    func sheet(named name: String?) throws -> Sheet {
        guard let name else {
            guard let first = sheets.first else {
                throw IngestError.unreadable(file: package.name, reason: "the workbook has no sheets")
            }
            return first
        }
        guard let sheet = sheets.first(where: { $0.name.lowercased() == name.lowercased() }) else {
            throw IngestError.unreadable(
                file: package.name,
                reason:
                    "no sheet '\(name)' (source.sheet); the workbook has: \(sheets.map { "'\($0.name)'" }.joined(separator: ", "))"
            )
        }
        return sheet
    }

    /// The shared strings table, empty when the workbook has none (its cells hold inline strings).
    func sharedStrings() throws -> [String] {
        guard let part = sharedStringsPart else { return [] }
        let handler = SharedStringsHandler(part: part)
        try package.parseRequired(part, with: handler, role: "shared strings part")
        return handler.strings
    }
}
