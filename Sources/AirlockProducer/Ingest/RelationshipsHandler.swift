import Foundation
import FoundationXML

/// Reads a relationships part (`_rels/.rels`, `xl/_rels/workbook.xml.rels`): what each
/// relationship id of the part it describes points to, with its type.
final class RelationshipsHandler: WorkbookPartHandler {
    struct Relationship: Equatable {
        /// The relationship type's URI; its last segment names the kind (`worksheet`, `sharedStrings`).
        var type: String
        /// The target part's path in the package, resolved against the source part's folder.
        var target: String

        func isKind(_ kind: String) -> Bool { type.hasSuffix("/\(kind)") }
    }

    /// The folder the source part lives in (`xl/` for the workbook), which relative targets start from.
    private let folder: String
    private(set) var relationships: [String: Relationship] = [:]
    /// The relationships in the order the part lists them.
    private(set) var ordered: [Relationship] = []

    init(part: String, describing source: String) {
        folder = source.split(separator: "/").dropLast().map { "\($0)/" }.joined()
        super.init(part: part)
    }

    override func parser(
        _ parser: XMLParser, didStartElement element: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        guard element == "Relationship", attributes["TargetMode"] != "External", let id = attributes["Id"],
            let type = attributes["Type"], let target = attributes["Target"]
        else { return }
        let relationship = Relationship(type: type, target: resolve(target))
        relationships[id] = relationship
        ordered.append(relationship)
    }

    /// `worksheets/sheet1.xml` from `xl/` → `xl/worksheets/sheet1.xml`; `/xl/…` is already from the package root.
    private func resolve(_ target: String) -> String {
        var parts: [Substring] = []
        let path = target.hasPrefix("/") ? String(target.dropFirst()) : folder + target
        for part in path.split(separator: "/") {
            if part == ".." {
                _ = parts.popLast()
            } else if part != "." {
                parts.append(part)
            }
        }
        return parts.joined(separator: "/")
    }
}
