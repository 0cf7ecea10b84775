import Foundation

/// Appends SQL text to a file through a buffer, so a script of any size is written with flat memory.
package final class ScriptWriter {
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private static let flushThreshold = 1 << 20
    /// Given every byte written to the file, in order.
    private let copy: ((UnsafeRawBufferPointer) -> Void)?

    /// Writes to `path`, handing each byte written to `copy` as well.
    package init(path: URL, copyingTo copy: ((UnsafeRawBufferPointer) -> Void)? = nil) throws {
        self.copy = copy
        guard FileManager.default.createFile(atPath: path.path, contents: nil),
            let handle = FileHandle(forWritingAtPath: path.path)
        else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path.path])
        }
        self.handle = handle
        buffer.reserveCapacity(Self.flushThreshold + (1 << 16))
    }

    package func write(_ text: String) throws {
        buffer += text.utf8
        try flushWhenFull()
    }

    package func write(_ bytes: [UInt8]) throws {
        buffer += bytes
        try flushWhenFull()
    }

    package func line(_ bytes: UnsafeBufferPointer<UInt8>) throws {
        buffer += bytes
        try endLine()
    }

    package func line(_ text: String = "") throws {
        buffer += text.utf8
        try endLine()
    }

    private func endLine() throws {
        buffer.append(UInt8(ascii: "\n"))
        try flushWhenFull()
    }

    private func flushWhenFull() throws {
        if buffer.count >= Self.flushThreshold { try flush() }
    }

    package func close() throws {
        try flush()
        try handle.synchronize()
        try handle.close()
    }

    private func flush() throws {
        try buffer.withUnsafeBytes {
            try handle.write(contentsOf: $0)
            copy?($0)
        }
        buffer.removeAll(keepingCapacity: true)
    }
}
