import Foundation
import Glibc

/// Renames a file without ever replacing one: `renameat2(RENAME_NOREPLACE)` where the kernel
/// and file system offer it, else `link` then `unlink` (a hard link also fails when the name
/// is taken). Either way the name holds the whole file or nothing, and an existing file there
/// is never touched: a published bundle, once in `outbox/`, is never overwritten.
package enum FileMove {
    package enum Outcome: Equatable {
        case moved
        /// Something already has the destination name; nothing was changed.
        case exists
        /// The two names are on different file systems; nothing was changed.
        case crossDevice
        case failed(errno: Int32)
    }

    private typealias RenameAt2 =
        @convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32)
        -> Int32

    /// glibc has `renameat2` since 2.28, but Swift's Glibc module does not import it.
    private static let renameAt2: RenameAt2? = {
        guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "renameat2") else { return nil }
        return unsafeBitCast(symbol, to: RenameAt2.self)
    }()

    private static let renameNoReplace: UInt32 = 1

    package static func withoutReplacing(_ source: URL, to destination: URL) -> Outcome {
        if let renameAt2 {
            if renameAt2(AT_FDCWD, source.path, AT_FDCWD, destination.path, renameNoReplace) == 0 { return .moved }
            // EINVAL: the file system does not offer the flag; ENOSYS: the kernel does not.
            if errno != EINVAL && errno != ENOSYS { return outcome(errno) }
        }
        guard link(source.path, destination.path) == 0 else { return outcome(errno) }
        unlink(source.path)
        return .moved
    }

    private static func outcome(_ number: Int32) -> Outcome {
        switch number {
        case EEXIST: return .exists
        case EXDEV: return .crossDevice
        default: return .failed(errno: number)
        }
    }

    /// `fsync` on a directory, so that a name made or removed in it survives a crash.
    package static func syncDirectory(_ directory: URL) {
        let descriptor = open(directory.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        fsync(descriptor)
        close(descriptor)
    }

    /// Copies `source` to `destination`, a name that must not exist yet, and `fsync`s it.
    package static func copyDurably(_ source: URL, to destination: URL) throws {
        let input = open(source.path, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else { throw posixError("open \(source.path)") }
        defer { close(input) }
        var status = stat()
        fstat(input, &status)
        let output = open(
            destination.path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, status.st_mode & 0o777)
        guard output >= 0 else { throw posixError("create \(destination.path)") }
        defer { close(output) }
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) }
            guard count >= 0 else { throw posixError("read \(source.path)") }
            if count == 0 { break }
            var written = 0
            while written < count {
                let step = buffer[written..<count].withUnsafeBytes { write(output, $0.baseAddress, $0.count) }
                guard step > 0 else { throw posixError("write \(destination.path)") }
                written += step
            }
        }
        guard fsync(output) == 0 else { throw posixError("fsync \(destination.path)") }
    }

    package struct Failure: Error, CustomStringConvertible {
        package var description: String
    }

    private static func posixError(_ what: String) -> Failure {
        Failure(description: "cannot \(what): \(String(cString: strerror(errno)))")
    }
}
