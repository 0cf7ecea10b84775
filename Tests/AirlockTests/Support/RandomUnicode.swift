/// Random strings made of the characters that break text handling: line and paragraph
/// separators, right-to-left marks and overrides, combining marks, zero-width joiners,
/// byte-order marks, controls, noncharacters, astral scalars, SQL and COPY hazards, and the
/// three things no target can hold exactly: NUL and lone high and low surrogates.
struct RandomUnicode {
    /// One unit of a string: a scalar, or a surrogate code unit standing alone.
    enum Unit: Equatable {
        case scalar(Unicode.Scalar)
        case loneSurrogate(UInt16)
    }

    private var random: SplitMix64

    init(seed: UInt64) {
        random = SplitMix64(seed: seed)
    }

    static let hazards: [Unicode.Scalar] =
        "\u{2028}\u{2029}\u{200F}\u{200E}\u{202E}\u{202D}\u{061C}\u{0301}\u{0338}\u{200D}\u{FEFF}\u{0085}\u{FFFE}\u{FFFF}"
        .unicodeScalars.map { $0 }
        + "\u{10FFFF}😀👩‍👧é\u{1}\u{1B}\u{7F}\t\n\r'\"\\;|,$ ".unicodeScalars.map { $0 }
        + "שלוםمرحبا中文e".unicodeScalars.map { $0 }

    /// A string of up to 12 units; about one in eight holds a NUL or a lone surrogate.
    mutating func next() -> [Unit] {
        var units: [Unit] = []
        for _ in 0..<Int.random(in: 0...12, using: &random) {
            switch Int.random(in: 0..<100, using: &random) {
            case 0: units.append(.scalar("\u{0}"))
            case 1: units.append(.loneSurrogate(UInt16.random(in: 0xD800...0xDBFF, using: &random)))
            case 2:
                // After a high surrogate a low one would make a pair, a character: keep it alone.
                if case let .loneSurrogate(high)? = units.last, high < 0xDC00 { units.append(.scalar("x")) }
                units.append(.loneSurrogate(UInt16.random(in: 0xDC00...0xDFFF, using: &random)))
            case 3..<60: units.append(.scalar(Self.hazards.randomElement(using: &random)!))
            case 60..<80: units.append(.scalar(Unicode.Scalar(UInt8.random(in: 0x20...0x7E, using: &random))))
            default:
                let value = UInt32.random(in: 0x80...0x10FFFF, using: &random)
                units.append(.scalar(Unicode.Scalar(value) ?? "?"))
            }
        }
        return units
    }

    /// The string a target must hold, when one can: nil for NUL or a lone surrogate.
    static func text(_ units: [Unit]) -> String? {
        var text = ""
        for unit in units {
            guard case let .scalar(scalar) = unit, scalar != "\u{0}" else { return nil }
            text.unicodeScalars.append(scalar)
        }
        return text
    }

    /// A JSON string literal, each scalar written as itself or escaped at random, a lone
    /// surrogate as its escape.
    mutating func json(_ units: [Unit]) -> String {
        var literal = "\""
        for unit in units {
            switch unit {
            case let .loneSurrogate(unit): literal += "\\u" + hex(UInt32(unit))
            case let .scalar(scalar):
                let mustEscape = scalar.value < 0x20 || scalar == "\"" || scalar == "\\"
                if !mustEscape && Bool.random(using: &random) {
                    literal.unicodeScalars.append(scalar)
                } else if scalar == "\"" || scalar == "\\" {
                    literal += "\\" + String(scalar)
                } else if scalar.value < 0x10000 {
                    literal += "\\u" + hex(scalar.value)
                } else {
                    let value = scalar.value - 0x10000
                    literal += "\\u" + hex(0xD800 + (value >> 10)) + "\\u" + hex(0xDC00 + (value & 0x3FF))
                }
            }
        }
        return literal + "\""
    }

    /// A quoted CSV field as bytes: a lone surrogate as the three bytes WTF-8 gives it (not UTF-8).
    static func csv(_ units: [Unit]) -> [UInt8] {
        var field: [UInt8] = [UInt8(ascii: "\"")]
        for unit in units {
            switch unit {
            case let .loneSurrogate(unit):
                field += [0xE0 | UInt8(unit >> 12), 0x80 | UInt8((unit >> 6) & 0x3F), 0x80 | UInt8(unit & 0x3F)]
            case let .scalar(scalar):
                field += Array(String(scalar).utf8)
                if scalar == "\"" { field.append(UInt8(ascii: "\"")) }
            }
        }
        return field + [UInt8(ascii: "\"")]
    }

    private func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 4 - digits.count) + digits
    }
}
