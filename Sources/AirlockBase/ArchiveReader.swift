import CArchive
import Foundation

/// Reads an untrusted archive member by member through libarchive, refusing what a hostile
/// archive could turn against its reader: absolute or `..` paths, links and devices, the same
/// name twice, and output beyond size and compression-ratio limits (a decompression bomb).
/// Bundles and inbox drops are both read through it; each wraps `Problem` in its own error.
package final class ArchiveReader {
    package struct Limits {
        var memberBytes: Int64
        var totalBytes: Int64
        /// Beyond this much output, more than `compressionRatio` bytes out per compressed byte
        /// in is a decompression bomb; gzip of real text stays far below it.
        var ratioCheckBytes: Int64 = 64 << 20
        var compressionRatio: Int64 = 200

        package init(memberBytes: Int64, totalBytes: Int64) {
            self.memberBytes = memberBytes
            self.totalBytes = totalBytes
        }
    }

    package enum Problem: Error {
        case unreadable(String)
        case unsafeMember(name: String, reason: String)
    }

    package enum Format {
        case tar, zip
        /// A single compressed file (`.gz`) with no archive inside.
        case raw
    }

    /// libarchive's `AE_IFREG` and `AE_IFDIR`, macros with casts that Swift does not import.
    package static let regularFileType: UInt32 = 0o100000
    private static let directoryType: UInt32 = 0o040000

    private let archive: OpaquePointer
    private let limits: Limits
    private var entry: OpaquePointer?
    private var names: Set<String> = []
    private var total: Int64 = 0
    private var memberSize: Int64 = 0
    private(set) var memberName = ""

    package convenience init(url: URL, formats: [Format], limits: Limits) throws {
        try self.init(formats: formats, limits: limits) { archive_read_open_filename($0, url.path, 1 << 16) }
    }

    /// Reads from an open descriptor, from its current offset; the caller keeps and closes it.
    /// For a file that must be read through the descriptor it was checked on.
    package convenience init(descriptor: Int32, formats: [Format], limits: Limits) throws {
        try self.init(formats: formats, limits: limits) { archive_read_open_fd($0, descriptor, 1 << 16) }
    }

    private init(formats: [Format], limits: Limits, open: (OpaquePointer) -> Int32) throws {
        guard let archive = archive_read_new() else { throw Problem.unreadable("cannot allocate an archive reader") }
        self.archive = archive
        self.limits = limits
        archive_read_support_filter_gzip(archive)
        for format in formats {
            switch format {
            case .tar: archive_read_support_format_tar(archive)
            case .zip: archive_read_support_format_zip(archive)
            case .raw: archive_read_support_format_raw(archive)
            }
        }
        guard open(archive) == ARCHIVE_OK else {
            throw Problem.unreadable(errorString)
        }
    }

    deinit { archive_read_free(archive) }

    package var isGzipCompressed: Bool { archive_filter_code(archive, 0) == ARCHIVE_FILTER_GZIP }

    /// The current member's modification time.
    package var memberModified: Int { entry.map { archive_entry_mtime($0) } ?? 0 }

    /// Moves to the next member and returns its name, or nil at the end of the archive.
    /// Directory entries are skipped when `skipDirectories`, refused otherwise.
    package func nextMember(skipDirectories: Bool = false) throws -> String? {
        while true {
            let status = archive_read_next_header(archive, &entry)
            if status == ARCHIVE_EOF { return nil }
            guard status == ARCHIVE_OK, let entry else { throw Problem.unreadable(errorString) }
            let name = archive_entry_pathname(entry).map { String(cString: $0) } ?? ""
            if skipDirectories && archive_entry_filetype(entry) == Self.directoryType { continue }
            try check(name: name, entry: entry)
            memberName = name
            memberSize = 0
            return name
        }
    }

    /// Reads up to `buffer.count` bytes of the current member; 0 at its end.
    package func read(into buffer: inout [UInt8]) throws -> Int {
        try buffer.withUnsafeMutableBytes { try read(into: $0) }
    }

    /// Reads up to `buffer.count` bytes of the current member into memory its caller owns; 0 at its end.
    package func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let count = archive_read_data(archive, buffer.baseAddress, buffer.count)
        guard count >= 0 else { throw Problem.unreadable(errorString) }
        memberSize += Int64(count)
        total += Int64(count)
        guard memberSize <= limits.memberBytes, total <= limits.totalBytes else {
            throw Problem.unsafeMember(
                name: memberName,
                reason:
                    "unpacks to more than the size limit (\(Self.megabytes(limits.memberBytes)) per member, \(Self.megabytes(limits.totalBytes)) in all); refused as a possible decompression bomb"
            )
        }
        let compressed = archive_filter_bytes(archive, -1)
        if total > limits.ratioCheckBytes && total > compressed * limits.compressionRatio {
            throw Problem.unsafeMember(
                name: memberName,
                reason:
                    "unpacks to more than \(limits.compressionRatio) times its compressed size (a decompression bomb)")
        }
        return count
    }

    private func check(name: String, entry: OpaquePointer) throws {
        let parts = name.split(separator: "/", omittingEmptySubsequences: false)
        guard !name.isEmpty, !name.hasPrefix("/"), !parts.contains(".."), !parts.contains(""), !parts.contains("."),
            !name.contains("\\"), name.unicodeScalars.allSatisfy({ $0.value >= 0x20 })
        else {
            throw Problem.unsafeMember(
                name: name, reason: "an unsafe path (absolute, '..', empty or control characters)")
        }
        guard archive_entry_hardlink(entry) == nil else {
            throw Problem.unsafeMember(name: name, reason: "a hard link (only regular files are accepted)")
        }
        guard archive_entry_filetype(entry) == Self.regularFileType else {
            throw Problem.unsafeMember(
                name: name,
                reason: archive_entry_symlink(entry) != nil
                    ? "a symbolic link (only regular files are accepted)"
                    : "not a regular file (directories, links and devices are refused)")
        }
        guard names.insert(name).inserted else {
            throw Problem.unsafeMember(name: name, reason: "appears twice in the archive")
        }
        if archive_entry_size_is_set(entry) != 0 && archive_entry_size(entry) > limits.memberBytes {
            throw Problem.unsafeMember(
                name: name,
                reason:
                    "declares \(archive_entry_size(entry)) bytes, more than the limit of \(Self.megabytes(limits.memberBytes)) per member"
            )
        }
    }

    private var errorString: String {
        archive_error_string(archive).map { String(cString: $0) } ?? "libarchive error"
    }

    private static func megabytes(_ bytes: Int64) -> String {
        bytes >= 1 << 20 ? "\(bytes >> 20) MB" : "\(bytes) bytes"
    }
}
