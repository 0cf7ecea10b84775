import Foundation
import Testing

@testable import AirlockProducer
@testable import AirlockSite

/// Bundle files are compressed in blocks on every core; what comes out must be one plain gzip
/// file that `gzip -d` (all a site has) turns back into the input, the same bytes every time.
@Suite struct ParallelGzipTests {
    private static let block = ParallelGzip.blockSize

    /// Sizes around block boundaries, in pieces that do not line up with blocks.
    @Test(arguments: [0, 1, block - 1, block, block + 1, 5 * block + 12_345])
    func gzipReadsBackTheInput(size: Int) throws {
        var random = SplitMix64(seed: UInt64(size))
        // Compressible text with runs that reach back across block edges, and some noise.
        let words = (0..<500).map { _ in String(UInt64.random(in: 0...999_999, using: &random)) }
        var input: [UInt8] = []
        while input.count < size {
            input += Array(words.randomElement(using: &random)!.utf8) + [UInt8.random(in: 0...255, using: &random)]
        }
        input = Array(input.prefix(size))

        var files: [URL] = []
        for _ in 0..<2 {
            let file = FileManager.default.temporaryDirectory.appendingPathComponent(
                "airlock-gzip-\(UUID().uuidString).gz")
            let gzip = try ParallelGzip(path: file.path)
            var offset = 0
            while offset < input.count {
                let piece = min(10_240 + offset % 7_919, input.count - offset)
                try input[offset..<offset + piece].withUnsafeBytes { try gzip.write($0) }
                offset += piece
            }
            try gzip.finish()
            files.append(file)
        }
        defer { for file in files { try? FileManager.default.removeItem(at: file) } }
        #expect(try Data(contentsOf: files[0]) == Data(contentsOf: files[1]), "not reproducible")
        let unpacked = files[0].deletingPathExtension()
        defer { try? FileManager.default.removeItem(at: unpacked) }
        let result = try Shell.run(["gzip", "-dk", files[0].path])
        #expect(result.status == 0, "\(result.error)")
        #expect(try Data(contentsOf: unpacked) == Data(input))
    }
}
