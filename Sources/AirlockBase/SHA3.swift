/// SHA3-256 (FIPS 202).
///
/// Written here because swift-crypto offers no public SHA-3, yet SHA-3 is the only hash the
/// `sqlite3` shell has (`sha3()`): `verify.sql` uses it on SQLite targets, so Airlock needs the
/// same function to predict the checksums and to run that script in-process. Checked against
/// the FIPS 202 examples and the shell's own `sha3()` in the tests.
///
/// The producer hashes every row of a snapshot with it, so it reads the message a lane at a
/// time and keeps its state on the stack: a byte-at-a-time loop over a generic collection and
/// two arrays per message took three quarters of its time (1,000,000 rows: 4.6 s of a 37 s
/// first drop, 2026-12-07).
package enum SHA3 {
    private static let rate = 136

    package static func sha256(_ message: some Collection<UInt8>) -> [UInt8] {
        if let digest = message.withContiguousStorageIfAvailable({ sha256(UnsafeRawBufferPointer($0)) }) {
            return digest
        }
        return Array(message).withUnsafeBytes { sha256($0) }
    }

    private static func sha256(_ message: UnsafeRawBufferPointer) -> [UInt8] {
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 25) { state in
            state.initialize(repeating: 0)
            var offset = 0
            while message.count - offset >= rate {
                absorb(UnsafeRawBufferPointer(rebasing: message[offset..<offset + rate]), into: state)
                offset += rate
            }
            // The rest, then domain bits 01 and pad10*1, in one last block.
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: rate) { block in
                block.initialize(repeating: 0)
                let rest = message.count - offset
                for index in 0..<rest { block[index] = message[offset + index] }
                block[rest] ^= 0x06
                block[rate - 1] ^= 0x80
                absorb(UnsafeRawBufferPointer(block), into: state)
            }
            return (0..<32).map { UInt8(truncatingIfNeeded: state[$0 / 8] >> (8 * UInt64($0 % 8))) }
        }
    }

    /// XORs one block of `rate` bytes into the state, a little-endian lane at a time, and permutes.
    private static func absorb(_ block: UnsafeRawBufferPointer, into state: UnsafeMutableBufferPointer<UInt64>) {
        for lane in 0..<(rate / 8) {
            state[lane] ^= UInt64(littleEndian: block.loadUnaligned(fromByteOffset: lane * 8, as: UInt64.self))
        }
        permute(state)
    }

    private static let roundConstants: [UInt64] = [
        0x0000_0000_0000_0001, 0x0000_0000_0000_8082, 0x8000_0000_0000_808A, 0x8000_0000_8000_8000,
        0x0000_0000_0000_808B, 0x0000_0000_8000_0001, 0x8000_0000_8000_8081, 0x8000_0000_0000_8009,
        0x0000_0000_0000_008A, 0x0000_0000_0000_0088, 0x0000_0000_8000_8009, 0x0000_0000_8000_000A,
        0x0000_0000_8000_808B, 0x8000_0000_0000_008B, 0x8000_0000_0000_8089, 0x8000_0000_0000_8003,
        0x8000_0000_0000_8002, 0x8000_0000_0000_0080, 0x0000_0000_0000_800A, 0x8000_0000_8000_000A,
        0x8000_0000_8000_8081, 0x8000_0000_0000_8080, 0x0000_0000_8000_0001, 0x8000_0000_8000_8008
    ]

    /// Keccak-f[1600]: theta, rho and pi (each lane moves to its place, rotated by its offset),
    /// chi, iota; 24 rounds on the 25 lanes held in locals, which the compiler keeps in
    /// registers where it can (2,000,000 hashes of a row and of a key: 1.16 s with the lanes in
    /// memory, 0.87 s).
    private static func permute(_ s: UnsafeMutableBufferPointer<UInt64>) {
        var a0 = s[0], a1 = s[1], a2 = s[2], a3 = s[3], a4 = s[4]
        var a5 = s[5], a6 = s[6], a7 = s[7], a8 = s[8], a9 = s[9]
        var a10 = s[10], a11 = s[11], a12 = s[12], a13 = s[13], a14 = s[14]
        var a15 = s[15], a16 = s[16], a17 = s[17], a18 = s[18], a19 = s[19]
        var a20 = s[20], a21 = s[21], a22 = s[22], a23 = s[23], a24 = s[24]
        for round in 0..<24 {
            // Theta: each lane takes in the parities of the columns beside it.
            let c0 = a0 ^ a5 ^ a10 ^ a15 ^ a20
            let c1 = a1 ^ a6 ^ a11 ^ a16 ^ a21
            let c2 = a2 ^ a7 ^ a12 ^ a17 ^ a22
            let c3 = a3 ^ a8 ^ a13 ^ a18 ^ a23
            let c4 = a4 ^ a9 ^ a14 ^ a19 ^ a24
            let d0 = c4 ^ rotate(c1, 1), d1 = c0 ^ rotate(c2, 1), d2 = c1 ^ rotate(c3, 1)
            let d3 = c2 ^ rotate(c4, 1), d4 = c3 ^ rotate(c0, 1)
            a0 ^= d0; a1 ^= d1; a2 ^= d2; a3 ^= d3; a4 ^= d4
            a5 ^= d0; a6 ^= d1; a7 ^= d2; a8 ^= d3; a9 ^= d4
            a10 ^= d0; a11 ^= d1; a12 ^= d2; a13 ^= d3; a14 ^= d4
            a15 ^= d0; a16 ^= d1; a17 ^= d2; a18 ^= d3; a19 ^= d4
            a20 ^= d0; a21 ^= d1; a22 ^= d2; a23 ^= d3; a24 ^= d4
            // Rho and pi: lane (x, y) moves to (y, 2x + 3y), rotated by its offset.
            let b0 = a0, b1 = rotate(a6, 44), b2 = rotate(a12, 43)
            let b3 = rotate(a18, 21), b4 = rotate(a24, 14)
            let b5 = rotate(a3, 28), b6 = rotate(a9, 20), b7 = rotate(a10, 3)
            let b8 = rotate(a16, 45), b9 = rotate(a22, 61)
            let b10 = rotate(a1, 1), b11 = rotate(a7, 6), b12 = rotate(a13, 25)
            let b13 = rotate(a19, 8), b14 = rotate(a20, 18)
            let b15 = rotate(a4, 27), b16 = rotate(a5, 36), b17 = rotate(a11, 10)
            let b18 = rotate(a17, 15), b19 = rotate(a23, 56)
            let b20 = rotate(a2, 62), b21 = rotate(a8, 55), b22 = rotate(a14, 39)
            let b23 = rotate(a15, 41), b24 = rotate(a21, 2)
            // Chi, row by row; iota.
            a0 = b0 ^ (~b1 & b2); a1 = b1 ^ (~b2 & b3); a2 = b2 ^ (~b3 & b4)
            a3 = b3 ^ (~b4 & b0); a4 = b4 ^ (~b0 & b1)
            a5 = b5 ^ (~b6 & b7); a6 = b6 ^ (~b7 & b8); a7 = b7 ^ (~b8 & b9)
            a8 = b8 ^ (~b9 & b5); a9 = b9 ^ (~b5 & b6)
            a10 = b10 ^ (~b11 & b12); a11 = b11 ^ (~b12 & b13); a12 = b12 ^ (~b13 & b14)
            a13 = b13 ^ (~b14 & b10); a14 = b14 ^ (~b10 & b11)
            a15 = b15 ^ (~b16 & b17); a16 = b16 ^ (~b17 & b18); a17 = b17 ^ (~b18 & b19)
            a18 = b18 ^ (~b19 & b15); a19 = b19 ^ (~b15 & b16)
            a20 = b20 ^ (~b21 & b22); a21 = b21 ^ (~b22 & b23); a22 = b22 ^ (~b23 & b24)
            a23 = b23 ^ (~b24 & b20); a24 = b24 ^ (~b20 & b21)
            a0 ^= roundConstants[round]
        }
        s[0] = a0; s[1] = a1; s[2] = a2; s[3] = a3; s[4] = a4
        s[5] = a5; s[6] = a6; s[7] = a7; s[8] = a8; s[9] = a9
        s[10] = a10; s[11] = a11; s[12] = a12; s[13] = a13; s[14] = a14
        s[15] = a15; s[16] = a16; s[17] = a17; s[18] = a18; s[19] = a19
        s[20] = a20; s[21] = a21; s[22] = a22; s[23] = a23; s[24] = a24
    }

    private static func rotate(_ value: UInt64, _ count: UInt64) -> UInt64 {
        (value &<< count) | (value &>> (64 &- count))
    }
}
