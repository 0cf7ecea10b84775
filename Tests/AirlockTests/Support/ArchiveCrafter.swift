import CArchive
import Foundation

/// Writes tar archives with entries no honest producer makes (links, devices, duplicates,
/// absolute names), straight through libarchive, to attack the bundle reader with.
enum ArchiveCrafter {
    enum Kind {
        case file(URL)
        case bytes([UInt8])
        case symlink(to: String)
        case hardlink(to: String)
        case characterDevice
    }

    struct Entry {
        var name: String
        var kind: Kind
    }

    static func write(_ entries: [Entry], to url: URL, gzip: Bool = true) throws {
        let archive = archive_write_new()!
        defer { archive_write_free(archive) }
        archive_write_set_format_pax_restricted(archive)
        if gzip { archive_write_add_filter_gzip(archive) }
        guard archive_write_open_filename(archive, url.path) == ARCHIVE_OK else {
            throw ShellError(description: "cannot open \(url.path)")
        }
        for item in entries {
            let entry = archive_entry_new()!
            defer { archive_entry_free(entry) }
            archive_entry_set_pathname(entry, item.name)
            archive_entry_set_perm(entry, 0o644)
            var content: [UInt8] = []
            var file: URL?
            switch item.kind {
            case let .file(url):
                file = url
                archive_entry_set_filetype(entry, 0o100000)
                archive_entry_set_size(
                    entry, (try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int64) ?? 0)
            case let .bytes(bytes):
                content = bytes
                archive_entry_set_filetype(entry, 0o100000)
                archive_entry_set_size(entry, Int64(bytes.count))
            case let .symlink(target):
                archive_entry_set_filetype(entry, 0o120000)
                archive_entry_set_symlink(entry, target)
            case let .hardlink(target):
                archive_entry_set_filetype(entry, 0o100000)
                archive_entry_set_hardlink(entry, target)
            case .characterDevice:
                archive_entry_set_filetype(entry, 0o020000)
                archive_entry_set_rdev(entry, 0x0103)
            }
            guard archive_write_header(archive, entry) == ARCHIVE_OK else {
                throw ShellError(description: "cannot write \(item.name)")
            }
            if let file {
                let handle = try FileHandle(forReadingFrom: file)
                defer { try? handle.close() }
                while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
                    _ = chunk.withUnsafeBytes { archive_write_data(archive, $0.baseAddress, $0.count) }
                }
            } else if !content.isEmpty {
                _ = content.withUnsafeBytes { archive_write_data(archive, $0.baseAddress, $0.count) }
            }
        }
        archive_write_close(archive)
    }

    /// The regular files below `folder` as entries, sorted by name.
    static func entries(of folder: URL) throws -> [Entry] {
        let names = try Shell.run(["find", ".", "-type", "f"], in: folder).output.split(separator: "\n").map {
            String($0.dropFirst(2))
        }.sorted()
        return names.map { Entry(name: $0, kind: .file(folder.appendingPathComponent($0))) }
    }
}
