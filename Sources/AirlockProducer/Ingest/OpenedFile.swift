import Foundation
import Glibc

/// An inbox file opened once, by its name in the inbox and never through a symbolic link
/// (`O_NOFOLLOW`), and checked to be a regular file on the opened descriptor itself. Its hash
/// and its content are both read from this descriptor, so a name swapped for a link (or for
/// another file) between listing, hashing and reading cannot make Airlock read something else.
final class OpenedFile {
    let descriptor: Int32
    /// The file's permission bits, which a `NAME.error.txt` about it takes over.
    let mode: mode_t
    let size: Int64

    /// Opens `url` for reading. `O_NONBLOCK` keeps a FIFO put in its place from blocking the open.
    init(_ url: URL, name: String) throws {
        let descriptor = open(url.path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else {
            let reason =
                errno == ELOOP
                ? "it is a symbolic link; only regular files are read from the inbox"
                : "cannot open the file: \(String(cString: strerror(errno)))"
            throw IngestError.unreadable(file: name, reason: reason)
        }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            close(descriptor)
            throw IngestError.unreadable(
                file: name, reason: "cannot stat the file: \(String(cString: strerror(errno)))")
        }
        guard status.st_mode & S_IFMT == S_IFREG else {
            close(descriptor)
            throw IngestError.unreadable(
                file: name, reason: "it is \(Self.kind(status.st_mode)); only regular files are read from the inbox")
        }
        self.descriptor = descriptor
        mode = status.st_mode & 0o777
        size = Int64(status.st_size)
    }

    deinit { close(descriptor) }

    /// The content from its first byte, in 1 MiB chunks (`pread`, so every reader starts at 0).
    func content(name: String) -> ByteSource {
        var offset: off_t = 0
        var finished = false
        return ByteSource { [self] in
            guard !finished else { return nil }
            var chunk = [UInt8](repeating: 0, count: ByteSource.chunkSize)
            let count = chunk.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, offset) }
            guard count >= 0 else {
                throw IngestError.unreadable(file: name, reason: "cannot read: \(String(cString: strerror(errno)))")
            }
            guard count > 0 else {
                finished = true
                return nil
            }
            offset += off_t(count)
            chunk.removeSubrange(count...)
            return chunk
        }
    }

    /// Moves the descriptor's offset back to the start, for a reader that reads through it (libarchive).
    func rewind() {
        lseek(descriptor, 0, SEEK_SET)
    }

    private static func kind(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFDIR: return "a directory"
        case S_IFIFO: return "a FIFO"
        case S_IFSOCK: return "a socket"
        case S_IFCHR, S_IFBLK: return "a device"
        default: return "not a regular file"
        }
    }
}
