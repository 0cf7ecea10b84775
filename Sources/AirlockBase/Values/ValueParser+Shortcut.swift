extension ValueParser {
    /// What `parse` gives for text it would leave as it is or read as a plain integer, decided
    /// on the bytes without making a String.
    package enum Shortcut: Equatable, Sendable {
        /// The text is already the type's canonical value.
        case unchanged
        /// The value is this integer (an integer column's, a boolean's 0 or 1).
        case integer(Int64)
    }

    /// The value of `bytes` as `type`, when they are ASCII in the type's canonical form (a
    /// boolean in one of its spellings); nil when they need `parse`, which also says why a
    /// value does not fit. The shortcut never disagrees with `parse` (a property test holds
    /// them to it); it only declines.
    ///
    /// `airlock_parse` runs for every typed field of every record, and most sources write
    /// values as the workspace keeps them: `2026-01-02T10:30:00Z`, `151.55`, `airtime`. At 1M
    /// rows of four typed columns, making a String of each and walking it took 4.3 s of
    /// normalization's 13.6 s.
    package static func shortcut(_ bytes: UnsafeBufferPointer<UInt8>, as type: ColumnType) -> Shortcut? {
        switch type {
        // Text is not parsed at all, and its bytes may need repair as UTF-8.
        case .text: return nil
        case .enumeration: return isSnakeCase(bytes) ? .unchanged : nil
        case .integer: return plainInteger(bytes).map(Shortcut.integer)
        case let .decimal(precision, scale):
            return isCanonicalDecimal(bytes, precision: precision, scale: scale) ? .unchanged : nil
        case .boolean: return booleanSpelling(bytes).map { .integer($0 ? 1 : 0) }
        case .timestamp: return isCanonicalTimestamp(bytes) ? .unchanged : nil
        case .date: return bytes.count == 10 && dateFields(bytes) ? .unchanged : nil
        }
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    /// `[a-z0-9]+(_[a-z0-9]+)*`: what `snakeCase` returns unchanged.
    private static func isSnakeCase(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var previousWasSeparator = true
        for byte in bytes {
            if byte == UInt8(ascii: "_") {
                if previousWasSeparator { return false }
                previousWasSeparator = true
            } else if isDigit(byte) || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) {
                previousWasSeparator = false
            } else {
                return false
            }
        }
        return !previousWasSeparator
    }

    /// `0` or `-?[1-9][0-9]{0,17}`: 18 digits fit in 64 bits whatever they are.
    private static func plainInteger(_ bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
        guard !bytes.isEmpty else { return nil }
        let negative = bytes[0] == UInt8(ascii: "-")
        let digits = UnsafeBufferPointer(rebasing: bytes[(negative ? 1 : 0)...])
        guard digits.count >= 1, digits.count <= 18, digits.allSatisfy(isDigit) else { return nil }
        guard digits[0] != UInt8(ascii: "0") || (digits.count == 1 && !negative) else { return nil }
        let magnitude = digits.reduce(Int64(0)) { $0 * 10 + Int64($1 - UInt8(ascii: "0")) }
        return negative ? -magnitude : magnitude
    }

    /// `-?(0|[1-9][0-9]*)` with at most `precision - scale` digits, then with a scale a point
    /// and exactly `scale` digits; not a negative zero, which is written `0.00`.
    private static func isCanonicalDecimal(_ bytes: UnsafeBufferPointer<UInt8>, precision: Int, scale: Int) -> Bool {
        let negative = bytes.first == UInt8(ascii: "-")
        var index = negative ? 1 : 0
        let wholeStart = index
        while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        let whole = index - wholeStart
        let leadingZero = whole > 0 && bytes[wholeStart] == UInt8(ascii: "0")
        // `0` alone before the point, or digits that start with another.
        guard whole >= 1, !(leadingZero && whole > 1), (leadingZero ? 0 : whole) <= precision - scale else {
            return false
        }
        var fractionIsZero = true
        if scale > 0 {
            guard index < bytes.count, bytes[index] == UInt8(ascii: ".") else { return false }
            index += 1
            let fraction = UnsafeBufferPointer(rebasing: bytes[index...])
            guard fraction.count == scale, fraction.allSatisfy(isDigit) else { return false }
            fractionIsZero = fraction.allSatisfy { $0 == UInt8(ascii: "0") }
            index = bytes.count
        }
        guard index == bytes.count else { return false }
        let isZero = leadingZero && fractionIsZero
        return !(negative && isZero)
    }

    /// The spellings `boolean` reads, in any letter case, without surrounding space.
    private static func booleanSpelling(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool? {
        guard bytes.count <= 5 else { return nil }
        var lowered: UInt64 = 0
        for byte in bytes {
            let lower = byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte + 0x20 : byte
            lowered = lowered << 8 | UInt64(lower)
        }
        func spelled(_ word: StaticString) -> Bool {
            guard word.utf8CodeUnitCount == bytes.count else { return false }
            var packed: UInt64 = 0
            for index in 0..<word.utf8CodeUnitCount { packed = packed << 8 | UInt64(word.utf8Start[index]) }
            return packed == lowered
        }
        if spelled("true") || spelled("t") || spelled("yes") || spelled("y") || spelled("1") || spelled("on") {
            return true
        }
        if spelled("false") || spelled("f") || spelled("no") || spelled("n") || spelled("0") || spelled("off") {
            return false
        }
        return nil
    }

    /// `YYYY-MM-DDTHH:MM:SS[.F{1,6}]Z` with a real date and time in years 1 to 9999, and no
    /// trailing zero in the fraction: what `UTCTimestamp.canonical` writes.
    private static func isCanonicalTimestamp(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard bytes.count >= 20, bytes.count != 21, bytes.count <= 27, dateFields(bytes),
            bytes[10] == UInt8(ascii: "T"), bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
            let hour = number(bytes, 11, 2), let minute = number(bytes, 14, 2), let second = number(bytes, 17, 2),
            hour <= 23, minute <= 59, second <= 59, bytes[bytes.count - 1] == UInt8(ascii: "Z")
        else { return false }
        guard bytes.count > 20 else { return true }
        let fraction = UnsafeBufferPointer(rebasing: bytes[20..<(bytes.count - 1)])
        return bytes[19] == UInt8(ascii: ".") && fraction.allSatisfy(isDigit)
            && fraction.last != UInt8(ascii: "0")
    }

    /// The first ten bytes are `YYYY-MM-DD`, a real day in years 1 to 9999.
    private static func dateFields(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard bytes.count >= 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
            let year = number(bytes, 0, 4), let month = number(bytes, 5, 2), let day = number(bytes, 8, 2)
        else { return false }
        return year >= 1 && (1...12).contains(month) && day >= 1 && day <= UTCTimestamp.daysIn(month: month, year: year)
    }

    /// The number the `count` ASCII digits at `start` write; nil if any is not a digit.
    private static func number(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ count: Int) -> Int? {
        var value = 0
        for byte in bytes[start..<(start + count)] {
            guard isDigit(byte) else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }
}
