/// Lower-case hexadecimal, as SHA-256 digests are written in `SHA256SUMS`, manifests and ledgers.
extension Sequence where Element == UInt8 {
    package var hexString: String {
        map { byte in
            let hex = String(byte, radix: 16)
            return hex.count == 1 ? "0" + hex : hex
        }.joined()
    }
}
