import Crypto
import Foundation

/// A regular file in `inbox/`, identified by the SHA-256 of its content.
struct InboxFile {
    let url: URL
    let sha256: String
    let size: Int64

    var name: String { url.lastPathComponent }

    /// Hashes the file in chunks so memory stays flat whatever its size.
    init(url: URL) throws {
        guard let handle = FileHandle(forReadingAtPath: url.path) else {
            throw IngestError.unreadable(file: url.lastPathComponent, reason: "cannot open the file")
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        var size: Int64 = 0
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            hasher.update(data: chunk)
            size += Int64(chunk.count)
        }
        self.url = url
        self.size = size
        sha256 = hasher.finalize().hexString
    }

    /// Regular, non-hidden files directly in `inbox`, sorted by name so runs are repeatable.
    static func list(in inbox: URL) throws -> [URL] {
        let names = try FileManager.default.contentsOfDirectory(atPath: inbox.path)
        return names.sorted().filter { !$0.hasPrefix(".") }.map { inbox.appendingPathComponent($0) }.filter { url in
            (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true
        }
    }
}

extension Sequence where Element == UInt8 {
    var hexString: String {
        map { byte in
            let hex = String(byte, radix: 16)
            return hex.count == 1 ? "0" + hex : hex
        }.joined()
    }
}
