import AirlockBase
import Foundation

/// Adds members to a file in the bundle format that anyone may add to (approvals, rejections,
/// trust signatures): the archive is written again around the untouched members and replaces
/// the file only when complete. Writers take turns on a lock beside the file (`.NAME.lock`),
/// since two at once would each write back what they read and the later rename would drop the
/// other's member; each reads the file only once its turn has come.
package enum ArchiveAmendment {
    /// Runs `body`, which reads `file` and writes it again, holding the file's lock.
    package static func taking<T>(turnOn file: URL, _ body: () throws -> T) throws -> T {
        let lock = file.deletingLastPathComponent().appendingPathComponent(".\(file.lastPathComponent).lock")
        return try FileLock.withExclusiveLock(at: lock.path, body)
    }

    /// Writes `file` again from `members`, unpacked in `folder`, and `additions`. The members
    /// keep `mtime`, or their time in `times`; each addition is stamped with the time it is
    /// added (not signed: SSHSIG carries no time).
    package static func rewrite(
        _ file: URL, members: [String], in folder: URL, adding additions: [String: [UInt8]], mtime: Int,
        times: [String: Int] = [:]
    ) throws {
        for (name, bytes) in additions {
            let url = folder.appendingPathComponent(name)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(bytes).write(to: url)
        }
        var times = times
        for name in additions.keys { times[name] = Int(Date().timeIntervalSince1970) }
        let names = Set(members).union(additions.keys)
        let replacement = file.deletingLastPathComponent().appendingPathComponent(
            ".\(file.lastPathComponent).\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: replacement) }
        try BundleArchive.write(
            members: names.map { ($0, folder.appendingPathComponent($0)) }, to: replacement, mtime: mtime, times: times)
        guard rename(replacement.path, file.path) == 0 else {
            throw BundleError.archive("cannot replace \(file.path): \(String(cString: strerror(errno)))")
        }
    }
}
