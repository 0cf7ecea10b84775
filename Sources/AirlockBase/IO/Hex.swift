/// Lower-case hexadecimal, as SHA-256 digests are written in `SHA256SUMS`, manifests and ledgers.
extension Sequence where Element == UInt8 {
    package var hexString: String {
        var text: [UInt8] = []
        text.reserveCapacity(underestimatedCount * 2)
        for byte in self {
            text.append(hexDigits[Int(byte >> 4)])
            text.append(hexDigits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}

private let hexDigits = Array("0123456789abcdef".utf8)
