import Foundation
import FoundationXML

/// Reads the workbook part (`xl/workbook.xml`): its sheets in tab order, each with the
/// relationship that locates its part, and whether its dates count from 1904 (`date1904`,
/// which old Mac workbooks set) rather than from 1900.
final class WorkbookHandler: WorkbookPartHandler {
    struct Sheet: Equatable {
        var name: String
        var relationship: String
    }

    private(set) var sheets: [Sheet] = []
    private(set) var date1904 = false

    override func parser(
        _ parser: XMLParser, didStartElement element: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        switch element {
        case "workbookPr":
            date1904 = ["1", "true"].contains(attributes["date1904"]?.lowercased() ?? "")
        case "sheet":
            // `r:id`, with whatever prefix the part gave the relationships namespace.
            guard let name = attributes["name"],
                let relationship = attributes.first(where: { $0.key == "id" || $0.key.hasSuffix(":id") })?.value
            else {
                return fail(parser, reason: "a sheet without a name or a relationship id")
            }
            sheets.append(Sheet(name: name, relationship: relationship))
        default:
            return
        }
    }
}
