@testable import AirlockProducer

extension ByteSource {
    /// `bytes` in chunks of `sizes` bytes, cycling; in one piece when `sizes` is empty. Readers
    /// must give the same result wherever the chunks of their input end.
    static func pieces(of bytes: [UInt8], sizes: [Int] = []) -> ByteSource {
        var rest = ArraySlice(bytes)
        var chunk = 0
        return ByteSource {
            guard !rest.isEmpty else { return nil }
            let size = sizes.isEmpty ? rest.count : sizes[chunk % sizes.count]
            chunk += 1
            defer { rest = rest.dropFirst(size) }
            return Array(rest.prefix(size))
        }
    }
}
