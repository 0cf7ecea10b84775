import CArchive
import Crypto
import Foundation

/// Writes and reads the bundle file, a gzip-compressed tar, through libarchive.
///
/// Writing is reproducible: members sorted, one fixed mtime, owner 0, no gzip timestamp.
/// Reading is defensive: only regular files with plain relative names, no duplicates, and
/// limits on sizes and on the compression ratio, checked before anything is trusted.
enum BundleArchive {
    /// What a reader accepts before it trusts anything in the archive.
    private enum Limits {
        static let memberBytes: Int64 = 4 << 30
        static let totalBytes: Int64 = 16 << 30
        /// Members read into memory (manifest, checksums, signatures) must be small.
        static let smallMemberBytes = 16 << 20
        /// Beyond `ratioCheckBytes` of output, more than this many bytes out per compressed byte
        /// in is a decompression bomb; gzip of SQL text stays far below it.
        static let compressionRatio: Int64 = 200
        static let ratioCheckBytes: Int64 = 64 << 20
    }

    /// libarchive's `AE_IFREG`, a macro with a cast that Swift does not import.
    private static let regularFileType: UInt32 = 0o100000

    static func write(members: [(name: String, file: URL)], to destination: URL, mtime: Int) throws {
        guard let archive = archive_write_new() else { throw BundleError.archive("cannot allocate a writer") }
        defer { archive_write_free(archive) }
        try check(archive, archive_write_set_format_pax_restricted(archive))
        try check(archive, archive_write_add_filter_gzip(archive))
        try check(archive, archive_write_set_options(archive, "gzip:!timestamp"))
        try check(archive, archive_write_open_filename(archive, destination.path))
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
            archive_entry_set_filetype(entry, regularFileType)
            archive_entry_set_perm(entry, 0o644)
            archive_entry_set_mtime(entry, mtime, 0)
            archive_entry_set_uid(entry, 0)
            archive_entry_set_gid(entry, 0)
            try check(archive, archive_write_header(archive, entry))
            while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
                let written = chunk.withUnsafeBytes { archive_write_data(archive, $0.baseAddress, $0.count) }
                guard written == chunk.count else { throw BundleError.archive(errorString(archive)) }
            }
        }
        try check(archive, archive_write_close(archive))
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
    static func read(_ url: URL, keepContent: (String) -> Bool,
                     extractTo directory: URL? = nil) throws -> [String: Member] {
        guard let archive = archive_read_new() else { throw BundleError.archive("cannot allocate a reader") }
        defer { archive_read_free(archive) }
        archive_read_support_filter_gzip(archive)
        archive_read_support_format_tar(archive)
        let file = url.lastPathComponent
        guard archive_read_open_filename(archive, url.path, 1 << 16) == ARCHIVE_OK else {
            throw VerificationError.notABundle(file: file, reason: errorString(archive))
        }
        guard archive_filter_code(archive, 0) == ARCHIVE_FILTER_GZIP else {
            throw VerificationError.notABundle(file: file, reason: "not gzip-compressed")
        }
        var members: [String: Member] = [:]
        var total: Int64 = 0
        var entry: OpaquePointer?
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let status = archive_read_next_header(archive, &entry)
            if status == ARCHIVE_EOF { break }
            guard status == ARCHIVE_OK, let entry else {
                throw VerificationError.notABundle(file: file, reason: errorString(archive))
            }
            let name = archive_entry_pathname(entry).map { String(cString: $0) } ?? ""
            try checkName(name)
            guard archive_entry_hardlink(entry) == nil else {
                throw VerificationError.unsafeMember(name: name, reason: "a hard link (only regular files are accepted)")
            }
            guard archive_entry_filetype(entry) == regularFileType else {
                throw VerificationError.unsafeMember(name: name, reason: archive_entry_symlink(entry) != nil
                    ? "a symbolic link (only regular files are accepted)"
                    : "not a regular file (directories, links and devices are refused)")
            }
            guard members[name] == nil else { throw VerificationError.unsafeMember(name: name, reason: "appears twice in the archive") }
            let keep = keepContent(name)
            let output = try directory.map { try extractionHandle(for: name, below: $0) }
            defer { try? output?.close() }
            var hasher = SHA256()
            var content: [UInt8] = []
            var size: Int64 = 0
            while true {
                let count = buffer.withUnsafeMutableBytes { archive_read_data(archive, $0.baseAddress, $0.count) }
                if count == 0 { break }
                guard count > 0 else { throw VerificationError.notABundle(file: file, reason: errorString(archive)) }
                size += Int64(count)
                total += Int64(count)
                try check(size: size, total: total, of: name, keep: keep, archive: archive)
                hasher.update(data: buffer[0..<count])
                if keep { content.append(contentsOf: buffer[0..<count]) }
                try output?.write(contentsOf: buffer[0..<count])
            }
            members[name] = Member(size: size, sha256: hasher.finalize().hexString, mtime: archive_entry_mtime(entry),
                                   content: keep ? content : nil)
        }
        return members
    }

    private static func check(size: Int64, total: Int64, of name: String, keep: Bool, archive: OpaquePointer) throws {
        if keep && size > Limits.smallMemberBytes {
            throw VerificationError.unsafeMember(name: name, reason: "larger than \(Limits.smallMemberBytes >> 20) MB, the limit for this member")
        }
        guard size <= Limits.memberBytes, total <= Limits.totalBytes else {
            throw VerificationError.unsafeMember(name: name, reason: "the archive unpacks to more than the size limit (\(Limits.memberBytes >> 20) MB per member, \(Limits.totalBytes >> 20) MB in all)")
        }
        let compressed = archive_filter_bytes(archive, -1)
        if total > Limits.ratioCheckBytes && total > compressed * Limits.compressionRatio {
            throw VerificationError.unsafeMember(name: name, reason: "unpacks to more than \(Limits.compressionRatio) times its compressed size (a decompression bomb)")
        }
    }

    private static func extractionHandle(for name: String, below directory: URL) throws -> FileHandle {
        let url = directory.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        guard FileManager.default.createFile(atPath: url.path, contents: nil), let handle = FileHandle(forWritingAtPath: url.path) else {
            throw BundleError.archive("cannot write \(url.path)")
        }
        return handle
    }

    private static func checkName(_ name: String) throws {
        let parts = name.split(separator: "/", omittingEmptySubsequences: false)
        guard !name.isEmpty, !name.hasPrefix("/"), !parts.contains(".."), !parts.contains(""), !parts.contains("."),
              !name.contains("\\"), name.unicodeScalars.allSatisfy({ $0.value >= 0x20 }) else {
            throw VerificationError.unsafeMember(name: name, reason: "an unsafe path (absolute, '..', empty or control characters)")
        }
    }

    private static func check(_ archive: OpaquePointer, _ status: Int32) throws {
        guard status == ARCHIVE_OK else { throw BundleError.archive(errorString(archive)) }
    }

    private static func errorString(_ archive: OpaquePointer) -> String {
        archive_error_string(archive).map { String(cString: $0) } ?? "libarchive error"
    }
}
