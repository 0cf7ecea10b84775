import Foundation
import Glibc

extension FileHandle {
    /// A handle that writes the file at `path` from its start: made if missing, emptied if
    /// there. Nil when it cannot be opened, with `errno` saying why.
    ///
    /// `open(2)`, not `FileManager.createFile`, which makes even an empty file by writing a
    /// temporary one and renaming it: a bundle's members, its archive and the members a
    /// verification unpacks each paid for a rename they do not need.
    package static func writing(toPath path: String) -> FileHandle? {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o666)
        return descriptor < 0 ? nil : FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
    }
}
