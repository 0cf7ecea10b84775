/// Turns source text into the canonical workspace value of a column type, or says why it can't.
///
/// Canonical forms make equal values compare equal in SQL (the diff is a join) and give one
/// literal per value in every dialect: decimals as text with exactly `scale` fraction digits,
/// booleans as 0/1, timestamps as UTC ISO-8601 with `Z`.
package enum ValueParser {
    package enum Value: Equatable, Sendable {
        case text(String)
        case integer(Int64)
    }

    /// The canonical value, or a reason a person can act on.
    package static func parse(_ raw: String, as type: ColumnType) -> Result<Value, ValueError> {
        switch type {
        case .text:
            return .success(.text(raw))
        case .enumeration:
            let value = snakeCase(raw)
            return value.isEmpty
                ? .failure(ValueError("'\(raw)' has no letters or digits to make an enum value from"))
                : .success(.text(value))
        case .integer:
            return integer(raw).map(Value.integer)
        case let .decimal(precision, scale):
            return decimal(raw, precision: precision, scale: scale).map(Value.text)
        case .boolean:
            return boolean(raw).map { .integer($0 ? 1 : 0) }
        case .timestamp:
            return UTCTimestamp.canonical(raw).map(Value.text)
        case .date:
            return UTCTimestamp.date(raw).map(Value.text)
        }
    }

    /// `bill-payment`, `Bill Payment`, `BillPayment` and `BILL_PAYMENT` all become `bill_payment`.
    package static func snakeCase(_ raw: String) -> String {
        raw.utf8.allSatisfy { $0 < 0x80 } ? asciiSnakeCase(raw) : unicodeSnakeCase(raw)
    }

    static func unicodeSnakeCase(_ raw: String) -> String {
        var result = ""
        var pendingSeparator = false
        var previousWasLowerOrDigit = false
        for character in raw {
            if character.isLetter || character.isNumber {
                if character.isUppercase && previousWasLowerOrDigit { pendingSeparator = true }
                if pendingSeparator && !result.isEmpty { result.append("_") }
                pendingSeparator = false
                result.append(contentsOf: character.lowercased())
                previousWasLowerOrDigit = character.isLowercase || character.isNumber
            } else {
                pendingSeparator = true
                previousWasLowerOrDigit = false
            }
        }
        return result
    }

    /// `snakeCase` of ASCII text, on bytes: most enum values are ASCII, and walking
    /// Characters was most of the time spent normalizing them.
    static func asciiSnakeCase(_ raw: String) -> String {
        var result: [UInt8] = []
        result.reserveCapacity(raw.utf8.count + 4)
        var pendingSeparator = false
        var previousWasLowerOrDigit = false
        for byte in raw.utf8 {
            let isUpper = (0x41...0x5A).contains(byte), isLower = (0x61...0x7A).contains(byte),
                isDigit = (0x30...0x39).contains(byte)
            guard isUpper || isLower || isDigit else {
                pendingSeparator = true
                previousWasLowerOrDigit = false
                continue
            }
            if isUpper && previousWasLowerOrDigit { pendingSeparator = true }
            if pendingSeparator && !result.isEmpty { result.append(UInt8(ascii: "_")) }
            pendingSeparator = false
            result.append(isUpper ? byte + 0x20 : byte)
            previousWasLowerOrDigit = !isUpper
        }
        return String(decoding: result, as: UTF8.self)
    }

    static func integer(_ raw: String) -> Result<Int64, ValueError> {
        var scanner = ScalarScanner(raw.trimmingWhitespace())
        let sign = scanner.take(oneOf: "+-")
        let digits = scanner.digitRun()
        guard scanner.atEnd, !digits.isEmpty else {
            return .failure(ValueError("'\(raw)' is not an integer"))
        }
        guard let value = Int64(sign == "-" ? "-" + digits : digits) else {
            return .failure(ValueError("'\(raw)' is out of the 64-bit integer range"))
        }
        return .success(value)
    }

    static func decimal(_ raw: String, precision: Int, scale: Int) -> Result<String, ValueError> {
        var scanner = ScalarScanner(raw.trimmingWhitespace())
        let signMark = scanner.take(oneOf: "+-")
        let wholeDigits = scanner.digitRun()
        let fractionDigits = scanner.take(oneOf: ".") == nil ? "" : scanner.digitRun()
        guard scanner.atEnd, !(wholeDigits.isEmpty && fractionDigits.isEmpty) else {
            return .failure(ValueError("'\(raw)' is not a decimal number"))
        }
        let negative = signMark == "-"
        let integerDigits = String(wholeDigits.drop { $0 == "0" })
        var fraction = fractionDigits
        if fraction.count > scale {
            let dropped = fraction.dropFirst(scale)
            guard dropped.allSatisfy({ $0 == "0" }) else {
                return .failure(ValueError("'\(raw)' has more than \(scale) decimal places"))
            }
            fraction = String(fraction.prefix(scale))
        }
        fraction += String(repeating: "0", count: scale - fraction.count)
        guard integerDigits.count <= precision - scale else {
            return .failure(ValueError("'\(raw)' has more than \(precision - scale) digits before the decimal point"))
        }
        let isZero = integerDigits.isEmpty && fraction.allSatisfy { $0 == "0" }
        let sign = negative && !isZero ? "-" : ""
        let integerPart = integerDigits.isEmpty ? "0" : integerDigits
        return .success(scale == 0 ? sign + integerPart : "\(sign)\(integerPart).\(fraction)")
    }

    static func boolean(_ raw: String) -> Result<Bool, ValueError> {
        switch raw.trimmingWhitespace().lowercased() {
        case "true", "t", "yes", "y", "1", "on": return .success(true)
        case "false", "f", "no", "n", "0", "off": return .success(false)
        default: return .failure(ValueError("'\(raw)' is not a boolean (true/false, yes/no, 1/0, on/off)"))
        }
    }
}

/// Why a source value does not fit its column type.
package struct ValueError: Error, Equatable, Sendable, CustomStringConvertible {
    package var description: String
    init(_ description: String) { self.description = description }
}

extension StringProtocol where UTF8View: BidirectionalCollection {
    /// Without leading and trailing whitespace, as `Character.isWhitespace` has it.
    package func trimmingWhitespace() -> String {
        // Most values have none: a visible ASCII byte at each end settles that without walking
        // Characters, which took a fifth of normalization time.
        let visible: ClosedRange<UInt8> = 0x21...0x7E
        if let first = utf8.first, let last = utf8.last, visible.contains(first), visible.contains(last) {
            return String(self)
        }
        return String(drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
    }
}
