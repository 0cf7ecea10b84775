/// SHA3-256 (FIPS 202).
///
/// Written here because swift-crypto offers no public SHA-3, yet SHA-3 is the only hash the
/// `sqlite3` shell has (`sha3()`): `verify.sql` uses it on SQLite targets, so Airlock needs the
/// same function to predict the checksums and to run that script in-process. Checked against
/// the FIPS 202 examples and the shell's own `sha3()` in the tests.
enum SHA3 {
    static func sha256(_ message: some Collection<UInt8>) -> [UInt8] {
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
        0x8000_0000_8000_8081, 0x8000_0000_0000_8080, 0x0000_0000_8000_0001, 0x8000_0000_8000_8008,
    ]
    private static let rotations: [UInt64] = [1, 3, 6, 10, 15, 21, 28, 36, 45, 55, 2, 14, 27, 41, 56, 8, 25, 43, 62, 18, 39, 61, 20, 44]
    private static let lanes = [10, 7, 11, 17, 18, 3, 5, 16, 8, 21, 24, 4, 15, 23, 19, 13, 12, 2, 20, 14, 22, 9, 6, 1]

    /// Keccak-f[1600]: theta, rho and pi, chi, iota, 24 rounds.
    private static func permute(_ state: inout [UInt64]) {
        var columns = [UInt64](repeating: 0, count: 5)
        for constant in roundConstants {
            for x in 0..<5 { columns[x] = state[x] ^ state[x + 5] ^ state[x + 10] ^ state[x + 15] ^ state[x + 20] }
            for x in 0..<5 {
                let mix = columns[(x + 4) % 5] ^ rotate(columns[(x + 1) % 5], 1)
                for y in stride(from: 0, to: 25, by: 5) { state[y + x] ^= mix }
            }
            var carried = state[1]
            for step in 0..<24 {
                let lane = lanes[step]
                let next = state[lane]
                state[lane] = rotate(carried, rotations[step])
                carried = next
            }
            for y in stride(from: 0, to: 25, by: 5) {
                let row = Array(state[y..<(y + 5)])
                for x in 0..<5 { state[y + x] = row[x] ^ (~row[(x + 1) % 5] & row[(x + 2) % 5]) }
            }
            state[0] ^= constant
        }
    }

    private static func rotate(_ value: UInt64, _ count: UInt64) -> UInt64 {
        (value << count) | (value >> (64 - count))
    }
}
