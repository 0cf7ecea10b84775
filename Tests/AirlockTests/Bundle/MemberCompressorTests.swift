import Foundation
import Testing

@testable import AirlockSite

/// A member compressed while it was written is spliced into the bundle file as it is: the file
/// must unpack, with `gzip -d` and `tar`, to the very tar the archive makes without the splice,
/// and a member that changed after it was compressed must not be archived.
@Suite struct MemberCompressorTests {
    private static let block = ParallelGzip.blockSize

    /// Sizes of the member before and of the first member compressed as written.
    private static let layouts: [(before: Int, size: Int)] = [
        (13, 0), (13, 1), (13, block - 1), (13, block), (13, block + 1), (13, 3 * block + 12_345),
        (3 * block + 100, block + 5), (3 * block - 1_024, 0)
    ]

    /// Two members compressed as written, back to back, of sizes around block boundaries and
    /// written in pieces that do not line up with blocks, after a member of `before` bytes:
    /// whose end comes with blocks waiting to be compressed (3 blocks and more), or exactly at
    /// a block's end (a block less 1,024 bytes, with two 512-byte headers). The last member
    /// repeats the first one's end, so that its compression reaches back across the splices.
    @Test(arguments: layouts)
    func splicedMembersUnpackToTheSameTar(before: Int, size: Int) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "airlock-splice-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        var writer = try BundleWriter(folder: folder.appendingPathComponent("members"))
        let first = Self.text(size: before, seed: 1)
        let inputs = [Self.text(size: size, seed: 2), Self.text(size: size / 2, seed: 3)]
        try writer.add("a.json", data: Data(first))
        for (input, name) in zip(inputs, ["changes/big.ndjson", "changes/more.ndjson"]) {
            try writer.addCompressing(name) { url, compressor in
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
        }
        let last = Array(first.suffix(4_096)) + Array("after\n".utf8)
        try writer.add("z.txt", data: Data(last))
        let spliced = folder.appendingPathComponent("spliced.tar.gz")
        try writer.archive(to: spliced, mtime: 1_700_000_000)
        let plain = folder.appendingPathComponent("plain.tar.gz")
        try BundleArchive.write(
            members: writer.members.map { ($0, writer.folder.appendingPathComponent($0)) }, to: plain,
            mtime: 1_700_000_000)

        // Each unpacks whole (gzip checks its CRC-32 and length) to the same tar, in whole
        // 10,240-byte records.
        let tars = try [spliced, plain].map { file in
            let result = try Shell.run([
                "bash", "-c", "set -o pipefail; gzip -dc '\(file.path)' | tee >(wc -c >&2) | sha256sum"
            ])
            #expect(result.status == 0, "\(result.error)")
            let size = Int(result.error.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
            #expect(size > 0 && size % 10_240 == 0, "\(size) bytes")
            return result.output
        }
        #expect(tars[0] == tars[1])
        // Though its compressed bytes are not the same: the members were spliced in.
        #expect(try Data(contentsOf: spliced) != Data(contentsOf: plain))
        let unpacked = folder.appendingPathComponent("unpacked")
        try FileManager.default.createDirectory(at: unpacked, withIntermediateDirectories: true)
        let extract = try Shell.run(["tar", "-xzf", spliced.path, "-C", unpacked.path])
        #expect(extract.status == 0, "\(extract.error)")
        #expect(try Data(contentsOf: unpacked.appendingPathComponent("changes/big.ndjson")) == Data(inputs[0]))
        #expect(try Data(contentsOf: unpacked.appendingPathComponent("changes/more.ndjson")) == Data(inputs[1]))
        #expect(try Data(contentsOf: unpacked.appendingPathComponent("z.txt")) == Data(last))
    }

    /// A splice right after whole blocks, of which the last waits to be compressed with
    /// others: what follows is compressed with the 32 KiB before it as dictionary, the end of
    /// those blocks, even when the spliced member adds none. Compressed two blocks at a time,
    /// so that one of three waits, whatever the cores here.
    @Test(arguments: [0, 100])
    func whatFollowsASpliceReachesBackToWhatPrecedesIt(spliced size: Int) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "airlock-splice-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let before = Self.text(size: 3 * Self.block, seed: 5), middle = Self.text(size: size, seed: 6)
        let compressor = try MemberCompressor(name: "m", into: folder.appendingPathComponent("m.deflate"))
        middle.withUnsafeBytes { compressor.write($0) }
        let member = try compressor.finish()
        // The end of `before`, again: compressed as references to it.
        let after = Array(before.suffix(4_096))
        let file = folder.appendingPathComponent("out.gz")
        let gzip = try ParallelGzip(path: file.path, batch: 2)
        try before.withUnsafeBytes { try gzip.write($0) }
        try gzip.splice(member)
        try middle.withUnsafeBytes { try gzip.write($0) }
        try after.withUnsafeBytes { try gzip.write($0) }
        try gzip.finish()
        let result = try Shell.run(["gzip", "-dk", file.path])
        #expect(result.status == 0, "\(result.error)")
        #expect(try Data(contentsOf: folder.appendingPathComponent("out")) == Data(before + middle + after))
    }

    /// A byte changed, or bytes added, after the member was compressed.
    @Test(arguments: [false, true])
    func aMemberChangedAfterItWasCompressedIsRefused(grown: Bool) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "airlock-splice-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        var writer = try BundleWriter(folder: folder)
        let input = Self.text(size: 50_000, seed: 4)
        try writer.addCompressing("changes/big.ndjson") { url, compressor in
            try Data(input).write(to: url)
            input.withUnsafeBytes { compressor.write($0) }
        }
        var changed = input
        if grown { changed += Array("{}\n".utf8) } else { changed[25_000] ^= 1 }
        try Data(changed).write(to: folder.appendingPathComponent("changes/big.ndjson"))
        #expect {
            try writer.archive(to: folder.appendingPathComponent("b.tar.gz"), mtime: 0)
        } throws: { error in
            "\(error)".contains("changes/big.ndjson changed after it was compressed")
        }
    }

    /// Compressible lines with some noise, `size` bytes.
    private static func text(size: Int, seed: UInt64) -> [UInt8] {
        var random = SplitMix64(seed: UInt64(size) &* 31 &+ seed)
        var text: [UInt8] = []
        while text.count < size {
            text += Array(
                "{\"op\":\"insert\",\"key\":{\"id\":\(UInt32.random(in: 0...999_999, using: &random))}}\n".utf8)
        }
        return Array(text.prefix(size))
    }
}
