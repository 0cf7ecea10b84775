import AirlockBase
import Foundation

/// The current member of an `ArchiveReader` as the `InputStream` FoundationXML's `XMLParser`
/// pulls from, so a workbook part is parsed while it unpacks and never held whole. The error
/// behind a failed read is kept for the caller: the parser only learns that the stream failed.
/// The part's prolog is checked on the way (`XMLProlog`), before the parser acts on it.
final class ArchiveMemberStream: InputStream {
    private let reader: ArchiveReader
    private var prolog: XMLProlog
    private(set) var failure: Error?

    init(_ reader: ArchiveReader, part: String) {
        self.reader = reader
        prolog = XMLProlog(part: part)
        super.init(data: Data())
    }

    override func open() {}
    override func close() {}
    override var streamStatus: Stream.Status { failure == nil ? .open : .error }
    override var hasBytesAvailable: Bool { failure == nil }
    // The parser asks after a failed read; the inherited answer would look for a stream this is not.
    override var streamError: Error? { failure }

    override func read(_ buffer: UnsafeMutablePointer<UInt8>, maxLength length: Int) -> Int {
        do {
            let count = try reader.read(into: UnsafeMutableRawBufferPointer(start: buffer, count: length))
            try prolog.read(UnsafeBufferPointer(start: buffer, count: count))
            return count
        } catch {
            failure = error
            return -1
        }
    }
}
