import Foundation

/// Appends text (SQL, JSON lines, a page) to a file through a buffer, so a file of any size is
/// written with flat memory.
///
/// It does not `fsync` what it writes: it writes a bundle's members into staging, where the
/// archive they are packed into is what is synced before the workspace commits it, and pages
/// and scripts a command writes for a person. Syncing each member cost a flush to the disk per
/// member (13 for a 1,000-row drop's bundle, besides the archive's).
package final class ScriptWriter {
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private static let flushThreshold = 1 << 20
    /// Given every byte written to the file, in order.
    private let copy: ((UnsafeRawBufferPointer) -> Void)?

    /// Writes to `path`, handing each byte written to `copy` as well.
    package init(path: URL, copyingTo copy: ((UnsafeRawBufferPointer) -> Void)? = nil) throws {
        self.copy = copy
        guard let handle = FileHandle.writing(toPath: path.path) else {
            let cause = NSError(domain: NSPOSIXErrorDomain, code: Int(errno))
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path.path, NSUnderlyingErrorKey: cause])
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
        try handle.close()
    }

    /// Writes `bytes` as the whole of the file at `path`.
    package static func write(_ bytes: some Sequence<UInt8>, to path: URL) throws {
        let out = try ScriptWriter(path: path)
        try out.write(Array(bytes))
        try out.close()
    }

    private func flush() throws {
        try buffer.withUnsafeBytes {
            try handle.write(contentsOf: $0)
            copy?($0)
        }
        buffer.removeAll(keepingCapacity: true)
    }
}
