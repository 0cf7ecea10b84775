import Foundation
import Testing

@testable import AirlockBase

/// `ScriptWriter` makes its file with `open(2)`: a file already there is replaced whole, and a
/// file it cannot make is reported with its path and the system's reason.
@Suite struct ScriptWriterTests {
    @Test func aShorterFileReplacesALongerOneWhole() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("airlock-writer-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("member.sql")
        try ScriptWriter.write(Array("a longer first version\n".utf8), to: file)
        try ScriptWriter.write(Array("short\n".utf8), to: file)
        #expect(try String(contentsOf: file, encoding: .utf8) == "short\n")
    }

    @Test func aFileThatCannotBeMadeIsNamedWithTheReason() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("airlock-no-such-\(UUID())/member.sql")
        let error = try #require(throws: (any Error).self) { try ScriptWriter(path: file) }
        #expect(FileErrorText.described(error) == "\(file.path): No such file or directory")
    }
}
