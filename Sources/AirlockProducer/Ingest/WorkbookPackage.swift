import AirlockBase
import Foundation
import FoundationXML

/// An xlsx file as what it is, a zip package of XML parts. Each part is unpacked through
/// `ArchiveReader` (whose limits refuse a decompression bomb, and whose checks a hostile
/// member name) and parsed while it unpacks by FoundationXML's `XMLParser`, the SAX parser
/// over libxml2 that ships with Swift on Linux; so no part is held whole, though a handler may
/// keep what it reads (the shared strings). The package is opened afresh for each part, since
/// the parts a sheet needs come in no fixed order.
struct WorkbookPackage {
    /// The workbook's file, read through the descriptor it was checked on.
    let opened: OpenedFile
    /// The drop's name, for errors.
    let name: String
    let limits: ArchiveReader.Limits

    /// Runs `handler` over the part at `path`; false when the package has no such part. Part
    /// names compare without regard to case, as Office Open XML has it.
    func parse(_ path: String, with handler: WorkbookPartHandler) throws -> Bool {
        do {
            opened.rewind()
            let reader = try ArchiveReader(descriptor: opened.descriptor, formats: [.zip], limits: limits)
            while let member = try reader.nextMember(skipDirectories: true) {
                guard member.lowercased() == path.lowercased() else { continue }
                let stream = ArchiveMemberStream(reader, part: path)
                let parser = XMLParser(stream: stream)
                parser.shouldProcessNamespaces = true
                parser.delegate = handler
                let parsed = parser.parse()
                if let failure = stream.failure ?? handler.failure { throw failure }
                guard parsed else {
                    throw WorkbookProblem.malformed(
                        part: path, reason: "not well-formed XML (\(parser.parserError?.localizedDescription ?? "?"))")
                }
                return true
            }
            return false
        } catch let problem as ArchiveReader.Problem {
            switch problem {
            case let .unreadable(reason):
                throw IngestError.unreadable(
                    file: name, reason: "not a readable xlsx workbook (a zip package): \(reason)")
            case let .unsafeMember(member, reason):
                throw IngestError.refusedArchive(file: name, member: member, reason: reason)
            }
        } catch let WorkbookProblem.malformed(part, reason) {
            throw IngestError.unreadable(file: name, reason: "part \(part): \(reason)")
        }
    }

    /// `parse`, where the part must be there.
    func parseRequired(_ path: String, with handler: WorkbookPartHandler, role: String) throws {
        guard try parse(path, with: handler) else {
            throw IngestError.unreadable(file: name, reason: "not an xlsx workbook: it has no \(role) (\(path))")
        }
    }
}
