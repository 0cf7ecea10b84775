import Crypto
import Foundation

/// The SHA-256 of a file's content, read in chunks so memory stays flat whatever its size.
package enum FileDigest {
    /// Lower-case hex, as `sha256sum` prints it.
    package static func sha256(of url: URL) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: url.path) else {
            throw CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: url.path])
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { hasher.update(data: chunk) }
        return hasher.finalize().hexString
    }
}
