import Foundation

/// A folder in the temporary directory that only Airlock's user can enter (mode 0700, made
/// atomically by `mkdtemp`), for a bundle unpacked to be applied: the members are the site's
/// data, and `/tmp` is shared with every user of the machine.
///
/// The folder is removed when the work is done. A process killed on the way cannot remove
/// it, so every new folder first removes the stale ones of its kind: each live folder holds
/// an exclusive `flock` on its `.lock` file, which the kernel releases when its process dies,
/// so a folder whose lock can be taken belongs to no running process.
package final class PrivateFolder {
    package let url: URL
    private let lock: Int32

    /// Makes `<temporary>/<prefix>-XXXXXX`, after removing this user's stale ones.
    package init(prefix: String, in temporary: URL = FileManager.default.temporaryDirectory) throws {
        Self.removeStale(prefix: prefix, in: temporary)
        var template = Array(temporary.appendingPathComponent("\(prefix)-XXXXXX").path.utf8CString)
        guard let made = mkdtemp(&template) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: temporary.path])
        }
        url = URL(fileURLWithPath: String(cString: made))
        lock = open(url.appendingPathComponent(Self.lockName).path, O_CREAT | O_RDWR | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard lock >= 0, flock(lock, LOCK_EX | LOCK_NB) == 0 else {
            try? FileManager.default.removeItem(at: url)
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
        }
    }

    deinit {
        try? FileManager.default.removeItem(at: url)
        close(lock)
    }

    private static let lockName = ".lock"

    /// A folder without a lock file may be one another process has just made; it is left
    /// alone until it is this old.
    private static let lockless: TimeInterval = 600

    /// Removes the folders named `<prefix>-…` that this user owns and no running process
    /// holds.
    static func removeStale(prefix: String, in temporary: URL) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: temporary.path) else { return }
        for name in names where name.hasPrefix(prefix + "-") {
            let folder = temporary.appendingPathComponent(name)
            var info = stat()
            guard lstat(folder.path, &info) == 0, info.st_mode & S_IFMT == S_IFDIR, info.st_uid == getuid() else {
                continue
            }
            let lock = open(folder.appendingPathComponent(lockName).path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
            if lock >= 0 {
                defer { close(lock) }
                // Held while removing, so two cleaners never race over one folder.
                if flock(lock, LOCK_EX | LOCK_NB) == 0 { try? FileManager.default.removeItem(at: folder) }
            } else if Date().timeIntervalSince1970 - TimeInterval(info.st_mtim.tv_sec) > lockless {
                try? FileManager.default.removeItem(at: folder)
            }
        }
    }
}
