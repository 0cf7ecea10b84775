import Foundation
import FoundationXML

/// Reads the shared strings part (`xl/sharedStrings.xml`): the workbook's table of strings,
/// which cells of type `s` name by their index. The one part held whole while a sheet is read.
final class SharedStringsHandler: WorkbookPartHandler {
    private(set) var strings: [String] = []
    private var item = StringItemText()

    override func parser(
        _ parser: XMLParser, didStartElement element: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        item.start(element)
    }

    override func parser(
        _ parser: XMLParser, didEndElement element: String, namespaceURI: String?, qualifiedName: String?
    ) {
        if element == "si" {
            strings.append(item.take())
        } else {
            item.end(element)
        }
    }

    override func parser(_ parser: XMLParser, foundCharacters string: String) {
        item.characters(string)
    }
}
