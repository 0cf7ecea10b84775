import AirlockBase

/// A number as a sheet stores it (`<v>12.5</v>`, `<v>0.30000000000000004</v>`, `<v>1E-3</v>`),
/// read as the decimal Excel shows: 15 significant digits, since the digits past them in the
/// stored text are binary noise of the double Excel computes with (0.1 + 0.2 is stored as
/// 0.30000000000000004 and shown as 0.3). Worked on the text, never through a binary double,
/// and written plainly (`0.001`, no exponent), so the decimal and integer parsers read it
/// exactly: a cell holding 12.5 gives `12.5`, which a decimal(12,2) column stores as 12.50.
enum SheetNumber {
    static let significantDigits = 15

    /// The plain decimal spelling, or nil when `text` is not a number.
    static func canonical(_ text: String) -> String? {
        var bytes = Array(text.trimmingWhitespace().utf8)[...]
        let negative = bytes.first == UInt8(ascii: "-")
        if negative || bytes.first == UInt8(ascii: "+") { bytes = bytes.dropFirst() }
        let whole = bytes.prefix(while: isDigit)
        bytes = bytes.dropFirst(whole.count)
        var fraction: ArraySlice<UInt8> = []
        if bytes.first == UInt8(ascii: ".") {
            fraction = bytes.dropFirst().prefix(while: isDigit)
            bytes = bytes.dropFirst(fraction.count + 1)
        }
        guard !whole.isEmpty || !fraction.isEmpty else { return nil }
        var exponent = 0
        if let mark = bytes.first, mark == UInt8(ascii: "e") || mark == UInt8(ascii: "E") {
            guard let value = Int(String(decoding: bytes.dropFirst(), as: UTF8.self)), abs(value) <= 400 else {
                return nil
            }
            exponent = value
            bytes = []
        }
        guard bytes.isEmpty else { return nil }
        // The digits, and where the decimal point falls among them.
        var digits = Array(whole) + Array(fraction)
        var point = whole.count + exponent
        let leadingZeros = digits.prefix { $0 == UInt8(ascii: "0") }.count
        digits.removeFirst(leadingZeros)
        point -= leadingZeros
        if digits.count > significantDigits {
            let roundsUp = digits[significantDigits] >= UInt8(ascii: "5")
            digits.removeLast(digits.count - significantDigits)
            if roundsUp { point += increment(&digits) }
        }
        while digits.last == UInt8(ascii: "0") { digits.removeLast() }
        guard !digits.isEmpty else { return "0" }
        let zero = UInt8(ascii: "0")
        var plain: [UInt8]
        if point <= 0 {
            plain = Array("0.".utf8) + Array(repeating: zero, count: -point) + digits
        } else if point >= digits.count {
            plain = digits + Array(repeating: zero, count: point - digits.count)
        } else {
            plain = Array(digits[..<point]) + [UInt8(ascii: ".")] + Array(digits[point...])
        }
        if negative { plain.insert(UInt8(ascii: "-"), at: 0) }
        return String(decoding: plain, as: UTF8.self)
    }

    private static func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }

    /// Adds one in the last place; returns 1 when the carry adds a digit in front (`999` → `1000`).
    private static func increment(_ digits: inout [UInt8]) -> Int {
        for index in digits.indices.reversed() {
            if digits[index] < UInt8(ascii: "9") {
                digits[index] += 1
                return 0
            }
            digits[index] = UInt8(ascii: "0")
        }
        digits.insert(UInt8(ascii: "1"), at: 0)
        return 1
    }
}
