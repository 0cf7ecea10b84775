/// SHA3-256 (FIPS 202).
///
/// Written here because swift-crypto offers no public SHA-3, yet SHA-3 is the only hash the
/// `sqlite3` shell has (`sha3()`): `verify.sql` uses it on SQLite targets, so Airlock needs the
/// same function to predict the checksums and to run that script in-process. Checked against
/// the FIPS 202 examples and the shell's own `sha3()` in the tests.
package enum SHA3 {
    package static func sha256(_ message: some Collection<UInt8>) -> [UInt8] {
        let rate = 136
        var state = [UInt64](repeating: 0, count: 25)
        var block = [UInt8](repeating: 0, count: rate)
        var filled = 0
        func absorb() {
            for lane in 0..<(rate / 8) {
                var value: UInt64 = 0
                for byte in 0..<8 { value |= UInt64(block[lane * 8 + byte]) << (8 * UInt64(byte)) }
                state[lane] ^= value
            }
            permute(&state)
            filled = 0
        }
        for byte in message {
            block[filled] = byte
            filled += 1
            if filled == rate { absorb() }
        }
        // Domain bits 01, then pad10*1.
        for index in filled..<rate { block[index] = 0 }
        block[filled] ^= 0x06
        block[rate - 1] ^= 0x80
        absorb()
        return (0..<32).map { UInt8(truncatingIfNeeded: state[$0 / 8] >> (8 * UInt64($0 % 8))) }
    }

    private static let roundConstants: [UInt64] = [
        0x0000_0000_0000_0001, 0x0000_0000_0000_8082, 0x8000_0000_0000_808A, 0x8000_0000_8000_8000,
        0x0000_0000_0000_808B, 0x0000_0000_8000_0001, 0x8000_0000_8000_8081, 0x8000_0000_0000_8009,
        0x0000_0000_0000_008A, 0x0000_0000_0000_0088, 0x0000_0000_8000_8009, 0x0000_0000_8000_000A,
        0x0000_0000_8000_808B, 0x8000_0000_0000_008B, 0x8000_0000_0000_8089, 0x8000_0000_0000_8003,
        0x8000_0000_0000_8002, 0x8000_0000_0000_0080, 0x0000_0000_0000_800A, 0x8000_0000_8000_000A,
        0x8000_0000_8000_8081, 0x8000_0000_0000_8080, 0x0000_0000_8000_0001, 0x8000_0000_8000_8008
    ]
    private static let rotations: [UInt64] = [
        1, 3, 6, 10, 15, 21, 28, 36, 45, 55, 2, 14, 27, 41, 56, 8, 25, 43, 62, 18, 39, 61, 20, 44
    ]
    private static let lanes = [10, 7, 11, 17, 18, 3, 5, 16, 8, 21, 24, 4, 15, 23, 19, 13, 12, 2, 20, 14, 22, 9, 6, 1]

    /// Keccak-f[1600]: theta, rho and pi, chi, iota, 24 rounds; no allocation inside, since
    /// the producer hashes every row of a snapshot.
    private static func permute(_ state: inout [UInt64]) {
        state.withUnsafeMutableBufferPointer { s in
            for constant in roundConstants {
                let c0 = s[0] ^ s[5] ^ s[10] ^ s[15] ^ s[20], c1 = s[1] ^ s[6] ^ s[11] ^ s[16] ^ s[21]
                let c2 = s[2] ^ s[7] ^ s[12] ^ s[17] ^ s[22], c3 = s[3] ^ s[8] ^ s[13] ^ s[18] ^ s[23]
                let c4 = s[4] ^ s[9] ^ s[14] ^ s[19] ^ s[24]
                let d0 = c4 ^ rotate(c1, 1), d1 = c0 ^ rotate(c2, 1), d2 = c1 ^ rotate(c3, 1)
                let d3 = c2 ^ rotate(c4, 1), d4 = c3 ^ rotate(c0, 1)
                for y in stride(from: 0, to: 25, by: 5) {
                    s[y] ^= d0; s[y + 1] ^= d1; s[y + 2] ^= d2; s[y + 3] ^= d3; s[y + 4] ^= d4
                }
                var carried = s[1]
                for step in 0..<24 {
                    let lane = lanes[step]
                    let next = s[lane]
                    s[lane] = rotate(carried, rotations[step])
                    carried = next
                }
                for y in stride(from: 0, to: 25, by: 5) {
                    let a0 = s[y], a1 = s[y + 1], a2 = s[y + 2], a3 = s[y + 3], a4 = s[y + 4]
                    s[y] = a0 ^ (~a1 & a2); s[y + 1] = a1 ^ (~a2 & a3); s[y + 2] = a2 ^ (~a3 & a4)
                    s[y + 3] = a3 ^ (~a4 & a0); s[y + 4] = a4 ^ (~a0 & a1)
                }
                s[0] ^= constant
            }
        }
    }

    private static func rotate(_ value: UInt64, _ count: UInt64) -> UInt64 {
        (value << count) | (value >> (64 - count))
    }
}
