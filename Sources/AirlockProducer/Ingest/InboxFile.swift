import Foundation

/// A regular file in `inbox/`, identified by the SHA-256 of its content. It is opened once
/// (`OpenedFile`: never through a symbolic link) and hashed and read through that one
/// descriptor.
struct InboxFile {
    let url: URL
    let sha256: String
    let size: Int64
    let opened: OpenedFile

    var name: String { url.lastPathComponent }

    /// Hashes the file in chunks so memory stays flat whatever its size.
    init(url: URL) throws {
        self.url = url
        opened = try OpenedFile(url, name: url.lastPathComponent)
        (sha256, size) = try opened.content(name: url.lastPathComponent).digest()
    }

    /// The content, from the same descriptor that was hashed.
    func content() -> ByteSource { opened.content(name: name) }

    /// Regular, non-hidden files directly in `inbox` with UTF-8 names, sorted by name so runs
    /// are repeatable (`InboxListing` also has the names that are not UTF-8).
    static func list(in inbox: URL) throws -> [URL] {
        try InboxListing(of: inbox).files
    }
}
