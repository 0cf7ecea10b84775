import Foundation

/// Appends SQL text to a file through a buffer, so a script of any size is written with flat memory.
final class ScriptWriter {
    private let handle: FileHandle
    private var buffer = ""
    private static let flushThreshold = 1 << 20

    init(path: URL) throws {
        guard FileManager.default.createFile(atPath: path.path, contents: nil),
              let handle = FileHandle(forWritingAtPath: path.path) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path.path])
        }
        self.handle = handle
    }

    func write(_ text: String) throws {
        buffer.append(text)
        if buffer.utf8.count >= Self.flushThreshold { try flush() }
    }

    func line(_ text: String = "") throws {
        try write(text + "\n")
    }

    func close() throws {
        try flush()
        try handle.synchronize()
        try handle.close()
    }

    private func flush() throws {
        try handle.write(contentsOf: Data(buffer.utf8))
        buffer.removeAll(keepingCapacity: true)
    }
}
