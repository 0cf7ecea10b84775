import Foundation
import FoundationXML

/// The base of the SAX handlers of workbook parts: it keeps the first problem, the XML
/// parser's or the handler's own, and stops the parse there, since `XMLParser` callbacks
/// cannot throw. Handlers match elements by local name, so the namespaces of transitional and
/// strict Office Open XML read alike.
///
/// On Linux the delegate protocol's methods have default implementations, which a subclass
/// cannot take the place of; so this class implements the callbacks handlers use, and
/// handlers override them.
class WorkbookPartHandler: NSObject, XMLParserDelegate {
    /// The part being read, for problems.
    let part: String
    private(set) var failure: Error?

    init(part: String) {
        self.part = part
    }

    /// Stops the parse with `error`, unless an earlier one already did.
    func fail(_ parser: XMLParser, _ error: Error) {
        guard failure == nil else { return }
        failure = error
        parser.abortParsing()
    }

    func fail(_ parser: XMLParser, reason: String) {
        fail(parser, WorkbookProblem.malformed(part: part, reason: "line \(parser.lineNumber): \(reason)"))
    }

    func parser(
        _ parser: XMLParser, didStartElement element: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {}

    func parser(_ parser: XMLParser, didEndElement element: String, namespaceURI: String?, qualifiedName: String?) {}

    func parser(_ parser: XMLParser, foundCharacters string: String) {}

    func parser(_ parser: XMLParser, parseErrorOccurred parseError: Error) {
        fail(parser, reason: "not well-formed XML (\(parseError.localizedDescription))")
    }
}
