import AirlockBase
import Foundation

/// A byte stream written to a temporary file, for a reader that must seek: an xlsx workbook
/// in an archive drop is itself a zip, whose directory is at its end.
enum TemporaryCopy {
    /// Runs `body` on a file holding `source`'s bytes, opened as inbox files are, and removes
    /// the file after it.
    static func with<Result>(
        _ source: ByteSource, named name: String, _ body: (OpenedFile) throws -> Result
    ) throws -> Result {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("airlock-\(UUID().uuidString)")
        guard let handle = FileHandle.writing(toPath: url.path) else {
            throw IngestError.unreadable(file: name, reason: "cannot write a temporary copy to \(url.path)")
        }
        defer { try? FileManager.default.removeItem(at: url) }
        do {
            defer { try? handle.close() }
            while let chunk = try source.next() { try handle.write(contentsOf: chunk) }
        } catch let error as IngestError {
            throw error
        } catch {
            throw IngestError.unreadable(
                file: name, reason: "cannot write a temporary copy to \(url.path): \(error.localizedDescription)")
        }
        return try body(try OpenedFile(url, name: name))
    }
}
