import Foundation
import Testing

@testable import AirlockSite

/// A member compressed while it was written is spliced into the bundle file as it is: the file
/// must unpack, with `gzip -d` and `tar`, to the very tar the archive makes without the splice,
/// and a member that changed after it was compressed must not be archived.
@Suite struct MemberCompressorTests {
    private static let block = ParallelGzip.blockSize

    /// Sizes around block boundaries, written in pieces that do not line up with blocks.
    @Test(arguments: [0, 1, block - 1, block, block + 1, 3 * block + 12_345])
    func aSplicedMemberUnpacksToTheSameTar(size: Int) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "airlock-splice-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        var writer = try BundleWriter(folder: folder.appendingPathComponent("members"))
        let input = Self.text(size: size)
        try writer.add("a.json", data: Data("{\"before\":1}\n".utf8))
        try writer.addCompressing("changes/big.ndjson") { url, compressor in
            FileManager.default.createFile(atPath: url.path, contents: nil)
            let out = try FileHandle(forWritingTo: url)
            defer { try? out.close() }
            var offset = 0
            while offset < input.count {
                let piece = min(10_240 + offset % 7_919, input.count - offset)
                try input[offset..<offset + piece].withUnsafeBytes { bytes in
                    try out.write(contentsOf: bytes)
                    compressor.write(bytes)
                }
                offset += piece
            }
        }
        try writer.add("z.txt", data: Data("after\n".utf8))
        let spliced = folder.appendingPathComponent("spliced.tar.gz")
        try writer.archive(to: spliced, mtime: 1_700_000_000)
        let plain = folder.appendingPathComponent("plain.tar.gz")
        try BundleArchive.write(
            members: writer.members.map { ($0, writer.folder.appendingPathComponent($0)) }, to: plain,
            mtime: 1_700_000_000)

        // The digest and size of each unpacked tar: the same, in whole 10,240-byte records.
        let tars = try [spliced, plain].map { file in
            let result = try Shell.run(["sh", "-c", "gzip -dc '\(file.path)' | sha256sum"])
            #expect(result.status == 0, "\(result.error)")
            return result.output
        }
        #expect(tars[0] == tars[1])
        // Though its compressed bytes are not the same: the member was spliced in.
        #expect(try Data(contentsOf: spliced) != Data(contentsOf: plain))
        let size = try Shell.run(["sh", "-c", "gzip -dc '\(spliced.path)' | wc -c"]).output
        #expect(Int(size.trimmingCharacters(in: .whitespacesAndNewlines)).map { $0 > 0 && $0 % 10_240 == 0 } == true)
        let unpacked = folder.appendingPathComponent("unpacked")
        try FileManager.default.createDirectory(at: unpacked, withIntermediateDirectories: true)
        let extract = try Shell.run(["tar", "-xzf", spliced.path, "-C", unpacked.path])
        #expect(extract.status == 0, "\(extract.error)")
        #expect(try Data(contentsOf: unpacked.appendingPathComponent("changes/big.ndjson")) == Data(input))
        #expect(try String(contentsOf: unpacked.appendingPathComponent("z.txt"), encoding: .utf8) == "after\n")
    }

    @Test func aMemberChangedAfterItWasCompressedIsRefused() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "airlock-splice-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        var writer = try BundleWriter(folder: folder)
        let input = Self.text(size: 50_000)
        try writer.addCompressing("changes/big.ndjson") { url, compressor in
            try Data(input).write(to: url)
            input.withUnsafeBytes { compressor.write($0) }
        }
        var changed = input
        changed[25_000] ^= 1
        try Data(changed).write(to: folder.appendingPathComponent("changes/big.ndjson"))
        #expect {
            try writer.archive(to: folder.appendingPathComponent("b.tar.gz"), mtime: 0)
        } throws: { error in
            "\(error)".contains("changes/big.ndjson changed after it was compressed")
        }
    }

    /// Compressible lines with some noise, `size` bytes.
    private static func text(size: Int) -> [UInt8] {
        var random = SplitMix64(seed: UInt64(size))
        var text: [UInt8] = []
        while text.count < size {
            text += Array(
                "{\"op\":\"insert\",\"key\":{\"id\":\(UInt32.random(in: 0...999_999, using: &random))}}\n".utf8)
        }
        return Array(text.prefix(size))
    }
}
