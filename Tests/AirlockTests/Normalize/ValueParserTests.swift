import PropertyBased
import Testing

@testable import AirlockBase
@testable import AirlockProducer

@Suite struct ValueParserTests {
    private func canonical(_ raw: String, _ type: ColumnType) -> ValueParser.Value? {
        try? ValueParser.parse(raw, as: type).get()
    }

    @Test func decimalsStayExact() {
        let money = ColumnType.decimal(precision: 12, scale: 2)
        #expect(canonical("12.1", money) == .text("12.10"))
        #expect(canonical(" 0012 ", money) == .text("12.00"))
        #expect(canonical("-0.00", money) == .text("0.00"))
        #expect(canonical("1234567890.12", money) == .text("1234567890.12"))
        #expect(canonical("9999999999.999", money) == nil)
        #expect(canonical("12.3400", money) == .text("12.34"))
        #expect(canonical("12345678901.00", money) == nil)
        #expect(canonical("1e3", money) == nil)
        #expect(canonical(".5", money) == .text("0.50"))
    }

    @Test func booleansInTheirCommonSpellings() {
        for spelling in ["true", "TRUE", "t", "yes", "Y", "1", "on"] {
            #expect(canonical(spelling, .boolean) == .integer(1))
        }
        for spelling in ["false", "F", "no", "n", "0", "Off"] { #expect(canonical(spelling, .boolean) == .integer(0)) }
        #expect(canonical("maybe", .boolean) == nil)
    }

    @Test func datesAreCalendarDaysOnly() {
        #expect(canonical(" 2026-02-28 ", .date) == .text("2026-02-28"))
        #expect(canonical("2024-02-29", .date) == .text("2024-02-29"))
        #expect(canonical("2026-02-29", .date) == nil)
        #expect(canonical("2026-11-05T10:00:00Z", .date) == nil)
        #expect(canonical("5/11/2026", .date) == nil)
        #expect(
            ValueParser.parse("5/11/2026", as: .date) == .failure(ValueError("'5/11/2026' is not a date (YYYY-MM-DD)")))
    }

    @Test func timestampsBecomeUTC() {
        #expect(canonical("2026-11-01T08:00:00+02:00", .timestamp) == .text("2026-11-01T06:00:00Z"))
        #expect(canonical("2026-01-01T01:30:00+0200", .timestamp) == .text("2025-12-31T23:30:00Z"))
        #expect(canonical("2026-11-02 09:30", .timestamp) == .text("2026-11-02T09:30:00Z"))
        #expect(canonical("2026-11-03T12:00:00.250Z", .timestamp) == .text("2026-11-03T12:00:00.25Z"))
        #expect(canonical("2024-02-29", .timestamp) == .text("2024-02-29T00:00:00Z"))
        #expect(canonical("2023-02-29", .timestamp) == nil)
        #expect(canonical("2026-11-09T07:45:00-05:00", .timestamp) == .text("2026-11-09T12:45:00Z"))
        #expect(canonical("yesterday", .timestamp) == nil)
        // Digits of other scripts are refused, not read (they once reached a force-unwrapped Int()).
        #expect(canonical("٢٠٢٦-11-01T08:00:00Z", .timestamp) == nil)
        #expect(canonical("2026-11-01T08:00:00+٠٢:00", .timestamp) == nil)
    }

    /// The grammar's corners: optional parts present, half present, or followed by leftovers.
    @Test func timestampSpellingsAtTheEdges() {
        let accepted = [
            "2026-11-02 Z": "2026-11-02T00:00:00Z", "2026-11-02T09:30:00,5+02": "2026-11-02T07:30:00.5Z",
            "2026-11-02t09:30z": "2026-11-02T09:30:00Z", " 2026-11-02T09:30:00Z ": "2026-11-02T09:30:00Z",
            "2026-11-02T09:30:00\u{2003}+02:00": "2026-11-02T07:30:00Z",
            "2026-11-02 09:30:00 Z": "2026-11-02T09:30:00Z",
            "2026-11-02T09:30:00.1234560Z": "2026-11-02T09:30:00.123456Z",
            "2026-11-02T09:30:00-0530": "2026-11-02T15:00:00Z",
            "2026-11-02T09:30:00+23:59": "2026-11-01T09:31:00Z"
        ]
        for (raw, utc) in accepted { #expect(canonical(raw, .timestamp) == .text(utc), "\(raw)") }
        let refused = [
            "2026-11-02T09", "2026-11-01T08:00:00+02:0", "2026-11-02T09:30:00.1234567Z", "2026-11-02T24:00",
            "0001-01-01T00:00:00+01:00", "2026-11-02T09:30:00+2400", "2026-11-02T09:30:00.", "2026-11-02T09:30:",
            "2026-1-02", "20261102", "2026-11-02T09:30:00Z+02", "2026-11-02T09:30:00+02:00:00", "+2026-11-02"
        ]
        for raw in refused { #expect(canonical(raw, .timestamp) == nil, "\(raw)") }
    }

    @Test func numberSpellingsAtTheEdges() {
        let money = ColumnType.decimal(precision: 12, scale: 2)
        let accepted = [
            "-.5": "-0.50", "+.5": "0.50", "5.": "5.00", "-0": "0.00", "00.000": "0.00", "9999999999": "9999999999.00"
        ]
        for (raw, value) in accepted { #expect(canonical(raw, money) == .text(value), "\(raw)") }
        for raw in ["", "-", "+", ".", "12 .5", "١٢", "1.2.3", "0.001", "1e5"] {
            #expect(canonical(raw, money) == nil, "\(raw)")
        }
        #expect(canonical(" +0042 ", .integer) == .integer(42))
        #expect(canonical("-9223372036854775808", .integer) == .integer(Int64.min))
        for raw in ["9223372036854775808", "4 2", "+", "1.0", "٤٢"] {
            #expect(canonical(raw, .integer) == nil, "\(raw)")
        }
    }

    @Test func enumsBecomeSnakeCase() {
        #expect(ValueParser.snakeCase("bill-payment") == "bill_payment")
        #expect(ValueParser.snakeCase("Bill Payment") == "bill_payment")
        #expect(ValueParser.snakeCase("BillPayment") == "bill_payment")
        #expect(ValueParser.snakeCase("BILL_PAYMENT") == "bill_payment")
        #expect(ValueParser.snakeCase("  data--bundle ") == "data_bundle")
    }

    /// Normalizing normalized data changes nothing.
    @Test func normalizationIsIdempotent() async {
        let decimal = Gen.int(in: -99_999_999...99_999_999).map { cents -> String in
            let magnitude = abs(cents)
            return "\(cents < 0 ? "-" : "")\(magnitude / 100).\(magnitude % 100)"
        }
        await propertyCheck(count: 500, input: decimal) { raw in
            let type = ColumnType.decimal(precision: 12, scale: 2)
            guard case let .text(once)? = canonical(raw, type) else {
                Issue.record("\(raw) did not parse")
                return
            }
            #expect(canonical(once, type) == .text(once))
        }
        await propertyCheck(
            count: 300, input: Gen.int(in: 1...9998), Gen.int(in: 1...12), Gen.int(in: 1...28), Gen.int(in: -14...14)
        ) { year, month, day, hours in
            let yearText = String(repeating: "0", count: 4 - String(year).count) + String(year)
            let raw =
                "\(yearText)-\(month < 10 ? "0" : "")\(month)-\(day < 10 ? "0" : "")\(day)T10:20:30\(hours < 0 ? "-" : "+")\(abs(hours) < 10 ? "0" : "")\(abs(hours)):00"
            guard case let .text(once)? = canonical(raw, .timestamp) else { return }
            #expect(canonical(once, .timestamp) == .text(once))
        }
        await propertyCheck(count: 300, input: Gen.letterOrNumber.string(of: 1...12)) { word in
            let once = ValueParser.snakeCase(word + "-" + word)
            #expect(ValueParser.snakeCase(once) == once)
        }
    }

    /// The byte-level path for ASCII text gives what the Character-level one gives.
    @Test func asciiSnakeCaseAgreesWithTheUnicodePath() async {
        let ascii = Gen.int(in: 0x20...0x7E).map { Character(Unicode.Scalar(UInt8($0))) }.string(of: 0...16)
        await propertyCheck(count: 1_000, input: ascii) { text in
            #expect(ValueParser.asciiSnakeCase(text) == ValueParser.unicodeSnakeCase(text), "\(text.debugDescription)")
        }
    }

    /// The byte-level shortcut never disagrees with the parser: where it answers, `parse` gives
    /// the same value, over text shaped like each type's canonical form, digits at random.
    @Test func theShortcutAgreesWithTheParser() async {
        let types: [ColumnType] = [
            .integer, .decimal(precision: 12, scale: 2), .decimal(precision: 4, scale: 0),
            .decimal(precision: 3, scale: 3), .boolean, .timestamp, .date, .enumeration
        ]
        let alphabet = Array("0123456789-.:TZ_ +aAtrueFOfsyno")
        let loose = Gen.int(in: 0...(alphabet.count - 1)).map { alphabet[$0] }.string(of: 0...12)
        // A random number read as a run of choices: each field near and past its range's ends.
        struct Choices {
            var seed: Int
            mutating func next(_ count: Int) -> Int {
                defer { seed /= count }
                return seed % count
            }
            mutating func digits(_ count: Int, zeros: Bool) -> String {
                String((0..<count).map { _ in zeros ? "0" : Character(String(next(10))) })
            }
        }
        let seeds = Gen.int(in: 0...Int.max)
        let stamp = seeds.map { seed -> String in
            var choices = Choices(seed: seed)
            func field(_ range: Int, _ width: Int) -> String {
                let value = String(choices.next(range))
                return String(repeating: "0", count: width - value.count) + value
            }
            let year = choices.next(8) == 0 ? "0000" : field(10_000, 4)
            let date = "\(year)-\(field(14, 2))-\(field(33, 2))"
            let time = "T\(field(26, 2)):\(field(61, 2)):\(field(61, 2))"
            let fraction = choices.digits(choices.next(8), zeros: choices.next(4) == 0)
            return date + time + (fraction.isEmpty ? "" : "." + fraction) + "Z"
        }
        let number = seeds.map { seed -> String in
            var choices = Choices(seed: seed)
            let sign = ["", "", "-", "+"][choices.next(4)]
            let whole = choices.digits([0, 1, 1, 2, 11][choices.next(5)], zeros: choices.next(3) == 0)
            let fraction = choices.digits(choices.next(5), zeros: choices.next(3) == 0)
            return sign + whole + (choices.next(4) == 0 ? "" : "." + fraction)
        }
        var answered = 0
        func agree(_ text: String) {
            for type in types {
                let shortcut = Array(text.utf8).withUnsafeBufferPointer { ValueParser.shortcut($0, as: type) }
                guard let shortcut else { continue }
                answered += 1
                let parsed = canonical(text, type)
                switch shortcut {
                case .unchanged: #expect(parsed == .text(text), "\(text) as \(type)")
                case let .integer(number): #expect(parsed == .integer(number), "\(text) as \(type)")
                }
            }
        }
        await propertyCheck(count: 2_000, input: loose) { agree($0) }
        await propertyCheck(count: 2_000, input: number) { agree($0) }
        await propertyCheck(count: 2_000, input: stamp) { agree($0) }
        await propertyCheck(count: 1_000, input: stamp) { agree(String($0.prefix(10))) }
        #expect(answered > 1_000)
        let typical: [(String, ColumnType)] = [
            ("2026-01-02T10:30:00Z", .timestamp), ("2026-01-02T10:30:00.25Z", .timestamp), ("2024-02-29", .date),
            ("151.55", .decimal(precision: 12, scale: 2)), ("-0.50", .decimal(precision: 12, scale: 2)),
            ("bill_payment", .enumeration), ("-42", .integer), ("0", .integer)
        ]
        for (text, type) in typical {
            #expect(Array(text.utf8).withUnsafeBufferPointer { ValueParser.shortcut($0, as: type) } != nil, "\(text)")
        }
        #expect(Array("FALSE".utf8).withUnsafeBufferPointer { ValueParser.shortcut($0, as: .boolean) } == .integer(0))
    }
}
