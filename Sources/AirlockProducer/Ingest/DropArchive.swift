import AirlockBase
import AirlockSite
import AirlockSpec
import Foundation

/// A packed or compressed inbox drop (`.zip`, `.tar`, `.tar.gz`/`.tgz`, or a single `.gz`
/// file), read member by member through `ArchiveReader`. Each member is ingested as a file of
/// its own, named `drop.zip!member.csv`, and matched to an entity by its base name.
struct DropArchive {
    let url: URL
    /// The archive as opened once; libarchive reads it through this descriptor.
    let opened: OpenedFile
    let formats: [ArchiveReader.Format]
    /// `.gz` and `.tar.gz` must be gzip-compressed; libarchive would read plain bytes as well.
    let gzipped: Bool
    let limits: ArchiveReader.Limits

    struct Member {
        /// The path inside the archive; `.gz` drops name their one member after the file.
        var path: String
        var sha256: String
        var size: Int64
    }

    /// nil when the file name is not an archive's.
    init?(file: InboxFile, maxMemberSize: Int64) {
        let url = file.url
        let name = url.lastPathComponent.lowercased()
        if name.hasSuffix(".zip") {
            formats = [.zip]
        } else if name.hasSuffix(".tar") || name.hasSuffix(".tar.gz") || name.hasSuffix(".tgz") {
            formats = [.tar]
        } else if name.hasSuffix(".gz") {
            formats = [.raw]
        } else {
            return nil
        }
        self.url = url
        opened = file.opened
        gzipped = name.hasSuffix("gz")
        limits = Self.limits(maxMemberSize: maxMemberSize)
    }

    /// What unpacking may produce: `inbox.max_member_size` per member, 16 times that in all;
    /// the parts of an xlsx workbook, itself a zip, are held to the same.
    static func limits(maxMemberSize: Int64) -> ArchiveReader.Limits {
        ArchiveReader.Limits(memberBytes: maxMemberSize, totalBytes: maxMemberSize * 16)
    }

    var name: String { url.lastPathComponent }

    /// Checks every member's name, type and size and hashes its content, before anything of
    /// the archive is ingested: a hostile member refuses the whole drop.
    func members() throws -> [Member] {
        var members: [Member] = []
        try forEachMember { path, content in
            let (sha256, size) = try content.digest()
            members.append(Member(path: path, sha256: sha256, size: size))
        }
        guard !members.isEmpty else { throw IngestError.unreadable(file: name, reason: "the archive holds no files") }
        return members
    }

    /// Calls `body` with each member's path and content, in archive order.
    func forEachMember(_ body: (String, ByteSource) throws -> Void) throws {
        do {
            opened.rewind()
            let reader = try ArchiveReader(descriptor: opened.descriptor, formats: formats, limits: limits)
            guard !gzipped || reader.isGzipCompressed else {
                throw IngestError.unreadable(
                    file: name, reason: "not gzip-compressed, though its name ends in .\(url.pathExtension)")
            }
            var buffer = [UInt8](repeating: 0, count: 1 << 16)
            while let path = try reader.nextMember(skipDirectories: true) {
                let content = ByteSource {
                    let count = try reader.read(into: &buffer)
                    return count == 0 ? nil : Array(buffer[0..<count])
                }
                try body(formats == [.raw] ? String(name.dropLast(3)) : path, content)
            }
        } catch let problem as ArchiveReader.Problem {
            switch problem {
            case let .unreadable(reason):
                throw IngestError.unreadable(file: name, reason: "not a readable archive: \(reason)")
            case let .unsafeMember(member, reason):
                throw IngestError.refusedArchive(file: name, member: member, reason: reason)
            }
        }
    }
}
