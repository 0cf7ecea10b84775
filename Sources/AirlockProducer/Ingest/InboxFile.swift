import Foundation

/// A regular file in `inbox/`, identified by the SHA-256 of its content.
struct InboxFile {
    let url: URL
    let sha256: String
    let size: Int64

    var name: String { url.lastPathComponent }

    /// Hashes the file in chunks so memory stays flat whatever its size.
    init(url: URL) throws {
        self.url = url
        (sha256, size) = try ByteSource.file(url, name: url.lastPathComponent).digest()
    }

    /// Regular, non-hidden files directly in `inbox`, sorted by name so runs are repeatable.
    static func list(in inbox: URL) throws -> [URL] {
        let names = try FileManager.default.contentsOfDirectory(atPath: inbox.path)
        return names.sorted().filter { !$0.hasPrefix(".") }.map { inbox.appendingPathComponent($0) }.filter { url in
            (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true
        }
    }
}
