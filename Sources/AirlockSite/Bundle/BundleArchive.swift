import AirlockBase
import CArchive
import Crypto
import Foundation

/// Writes and reads the bundle file, a gzip-compressed tar, through libarchive.
///
/// Writing is reproducible: members sorted, one fixed mtime, owner 0, no gzip timestamp.
/// Reading is defensive: only regular files with plain relative names, no duplicates, and
/// limits on sizes and on the compression ratio, checked before anything is trusted.
package enum BundleArchive {
    /// What a reader accepts before it trusts anything in the archive.
    private enum Limits {
        static let archive = ArchiveReader.Limits(memberBytes: 4 << 30, totalBytes: 16 << 30)
        /// Members read into memory (manifest, checksums, signatures) must be small.
        static let smallMemberBytes = 16 << 20
    }

    /// Writes `members` with `mtime`, or the time `times` gives a member (a review's); a
    /// member in `compressed` is spliced in as it was compressed.
    package static func write(
        members: [(name: String, file: URL)], to destination: URL, mtime: Int, times: [String: Int] = [:],
        compressed: [String: CompressedMember] = [:]
    ) throws {
        // libarchive writes the tar; ParallelGzip compresses it on every core.
        let gzip = try ParallelGzip(path: destination.path)
        let sink = GzipSink(gzip)
        guard let archive = archive_write_new() else { throw BundleError.archive("cannot allocate a writer") }
        // Freeing an archive left open (after an error) writes its end through the callback,
        // which must still find the sink.
        defer { withExtendedLifetime(sink) { _ = archive_write_free(archive) } }
        try check(archive, archive_write_set_format_pax_restricted(archive))
        // Unblocked, so a header is with the compressor when the splice that follows it starts;
        // the archive is padded to whole records below, as libarchive's blocking would.
        try check(archive, archive_write_set_bytes_per_block(archive, 0))
        try check(
            archive,
            archive_write_open2(
                archive, Unmanaged.passUnretained(sink).toOpaque(), nil,
                { _, context, bytes, count in
                    let sink = Unmanaged<GzipSink>.fromOpaque(context!).takeUnretainedValue()
                    do {
                        try sink.gzip.write(UnsafeRawBufferPointer(start: bytes, count: count))
                        sink.written += Int64(count)
                        return count
                    } catch {
                        sink.failure = error
                        return -1
                    }
                }, nil, nil))
        for member in members.sorted(by: { $0.name < $1.name }) {
            guard let handle = FileHandle(forReadingAtPath: member.file.path) else {
                throw BundleError.archive("cannot read \(member.file.path)")
            }
            defer { try? handle.close() }
            let size = try FileManager.default.attributesOfItem(atPath: member.file.path)[.size] as? Int64 ?? 0
            guard let entry = archive_entry_new() else { throw BundleError.archive("cannot allocate an entry") }
            defer { archive_entry_free(entry) }
            archive_entry_set_pathname(entry, member.name)
            archive_entry_set_size(entry, size)
            archive_entry_set_filetype(entry, ArchiveReader.regularFileType)
            archive_entry_set_perm(entry, 0o644)
            archive_entry_set_mtime(entry, times[member.name] ?? mtime, 0)
            archive_entry_set_uid(entry, 0)
            archive_entry_set_gid(entry, 0)
            try check(archive, archive_write_header(archive, entry))
            if let compressed = compressed[member.name] {
                guard UInt64(size) == compressed.length else {
                    throw BundleError.archive("\(member.name) changed after it was compressed")
                }
                try gzip.splice(compressed)
            }
            while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
                let written = chunk.withUnsafeBytes { archive_write_data(archive, $0.baseAddress, $0.count) }
                guard written == chunk.count else { throw sink.failure ?? BundleError.archive(errorString(archive)) }
            }
        }
        guard archive_write_close(archive) == ARCHIVE_OK else {
            throw sink.failure ?? BundleError.archive(errorString(archive))
        }
        let record = 10_240
        let padding = [UInt8](repeating: 0, count: (record - Int(sink.written % Int64(record))) % record)
        try padding.withUnsafeBytes { try gzip.write($0) }
        try gzip.finish()
    }

    /// What libarchive's write callback reaches: the compressor, the bytes written, and the
    /// first error it threw.
    private final class GzipSink {
        let gzip: ParallelGzip
        var written: Int64 = 0
        var failure: Error?
        init(_ gzip: ParallelGzip) { self.gzip = gzip }
    }

    struct Member {
        var size: Int64
        var sha256: String
        var mtime: Int
        /// The content, kept only for small members the caller asked for.
        var content: [UInt8]?
    }

    /// Reads every member in archive order, hashing it; keeps the content of members for which
    /// `keepContent` is true, and writes every member below `extractTo` when one is given.
    static func read(
        _ url: URL, keepContent: (String) -> Bool,
        extractTo directory: URL? = nil
    ) throws -> [String: Member] {
        let file = url.lastPathComponent
        do {
            let reader = try ArchiveReader(url: url, formats: [.tar], limits: Limits.archive)
            guard reader.isGzipCompressed else {
                throw VerificationError.notABundle(file: file, reason: "not gzip-compressed")
            }
            var members: [String: Member] = [:]
            var buffer = [UInt8](repeating: 0, count: 1 << 16)
            var reviewMembers = 0
            while let name = try reader.nextMember() {
                if BundleLayout.reviewMember(name) != nil {
                    reviewMembers += 1
                    guard reviewMembers <= BundleLayout.maximumReviewMembers else {
                        throw VerificationError.unsafeMember(
                            name: name,
                            reason:
                                "the bundle carries more than \(BundleLayout.maximumReviewMembers) approvals and rejections; "
                                + "ask the producer for a fresh copy")
                    }
                }
                let keep = keepContent(name)
                let output = try directory.map { try extractionHandle(for: name, below: $0) }
                defer { try? output?.close() }
                var hasher = SHA256()
                var content: [UInt8] = []
                var size: Int64 = 0
                while case let count = try reader.read(into: &buffer), count > 0 {
                    size += Int64(count)
                    if keep && size > Limits.smallMemberBytes {
                        throw VerificationError.unsafeMember(
                            name: name,
                            reason: "larger than \(Limits.smallMemberBytes >> 20) MB, the limit for this member")
                    }
                    hasher.update(data: buffer[0..<count])
                    if keep { content.append(contentsOf: buffer[0..<count]) }
                    try output?.write(contentsOf: buffer[0..<count])
                }
                members[name] = Member(
                    size: size, sha256: hasher.finalize().hexString, mtime: reader.memberModified,
                    content: keep ? content : nil)
            }
            return members
        } catch let problem as ArchiveReader.Problem {
            switch problem {
            case let .unreadable(reason): throw VerificationError.notABundle(file: file, reason: reason)
            case let .unsafeMember(name, reason): throw VerificationError.unsafeMember(name: name, reason: reason)
            }
        }
    }

    private static func extractionHandle(for name: String, below directory: URL) throws -> FileHandle {
        let url = directory.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        guard let handle = FileHandle.writing(toPath: url.path) else {
            throw BundleError.archive("cannot write \(url.path)")
        }
        return handle
    }

    private static func check(_ archive: OpaquePointer, _ status: Int32) throws {
        guard status == ARCHIVE_OK else { throw BundleError.archive(errorString(archive)) }
    }

    private static func errorString(_ archive: OpaquePointer) -> String {
        archive_error_string(archive).map { String(cString: $0) } ?? "libarchive error"
    }
}
