/// The code points a JSON string's bytes stand for, escapes decoded. A lone surrogate escape
/// (`\ud800` with no partner) is kept as its surrogate value: it is no character, and whoever
/// asks must say so rather than turn it into bytes no database accepts.
enum JSONEscapes {
    /// The code points of `bytes[range]`, or nil when an escape is malformed or raw bytes are
    /// not UTF-8 (text that is not JSON).
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> [UInt32]? {
        var points: [UInt32] = []
        var index = range.lowerBound
        while index < range.upperBound {
            let byte = bytes[index]
            guard byte == UInt8(ascii: "\\") else {
                guard let (point, length) = utf8Scalar(bytes, at: index, end: range.upperBound) else { return nil }
                points.append(point)
                index += length
                continue
            }
            guard index + 1 < range.upperBound else { return nil }
            let escaped = bytes[index + 1]
            index += 2
            switch escaped {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): points.append(UInt32(escaped))
            case UInt8(ascii: "b"): points.append(0x08)
            case UInt8(ascii: "f"): points.append(0x0C)
            case UInt8(ascii: "n"): points.append(0x0A)
            case UInt8(ascii: "r"): points.append(0x0D)
            case UInt8(ascii: "t"): points.append(0x09)
            case UInt8(ascii: "u"):
                guard let unit = hex4(bytes, at: index, end: range.upperBound) else { return nil }
                index += 4
                if (0xD800..<0xDC00).contains(unit), index + 1 < range.upperBound,
                    bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u"),
                    let low = hex4(bytes, at: index + 2, end: range.upperBound), (0xDC00..<0xE000).contains(low)
                {
                    points.append(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))
                    index += 6
                } else {
                    points.append(unit)
                }
            default: return nil
            }
        }
        return points
    }

    static func isSurrogate(_ point: UInt32) -> Bool { (0xD800..<0xE000).contains(point) }

    /// The string as a person reads it in a message: control characters, lone surrogates and
    /// undecodable text written as escapes.
    static func displayed(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String {
        guard let points = decode(bytes, range) else { return String(decoding: bytes[range], as: UTF8.self) }
        var text = ""
        for point in points {
            if let scalar = Unicode.Scalar(point), point >= 0x20, point != 0x7F {
                text.unicodeScalars.append(scalar)
            } else {
                text += "\\u" + hex(point)
            }
        }
        return text
    }

    /// Four lowercase hex digits.
    static func hex(_ point: UInt32) -> String {
        let digits = String(point, radix: 16)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    private static func hex4(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int, end: Int) -> UInt32? {
        guard index + 4 <= end else { return nil }
        var value: UInt32 = 0
        for offset in 0..<4 {
            let byte = bytes[index + offset]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: return nil
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    /// One UTF-8 scalar at `index`: its value and length, or nil for bytes that are not one.
    private static func utf8Scalar(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int, end: Int) -> (UInt32, Int)? {
        let lead = bytes[index]
        if lead < 0x80 { return (UInt32(lead), 1) }
        let length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC2 ? 2 : 0
        guard length > 0, index + length <= end,
            let scalar = String(validating: bytes[index..<index + length], as: UTF8.self)?.unicodeScalars.first
        else { return nil }
        return (scalar.value, length)
    }
}
