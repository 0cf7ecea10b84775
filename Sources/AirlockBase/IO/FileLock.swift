import Glibc

/// An exclusive lock other processes respect, held while `body` runs: `flock(2)` on a small
/// file that is never replaced, so every writer of one resource waits on the same inode
/// (locking a file that writers replace by renaming would let two of them in at once).
package enum FileLock {
    /// Runs `body` holding the lock of `path`, made (mode 0600) if it is missing; waits while
    /// another process holds it.
    package static func withExclusiveLock<T>(at path: String, _ body: () throws -> T) throws -> T {
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard descriptor >= 0 else { throw LockError(path: path, reason: String(cString: strerror(errno))) }
        defer { close(descriptor) }
        while flock(descriptor, LOCK_EX) != 0 {
            guard errno == EINTR else { throw LockError(path: path, reason: String(cString: strerror(errno))) }
        }
        defer { flock(descriptor, LOCK_UN) }
        return try body()
    }

    /// The lock file could not be made or locked.
    package struct LockError: AirlockError, Equatable {
        package var path: String
        package var reason: String
        package var exitStatus: ExitStatus { .failure }
        package var description: String { "cannot lock \(path): \(reason)" }
    }
}
