/// A cell's place in a sheet as spreadsheets write it: column letters, then the row (`C7`).
struct CellReference: Equatable, CustomStringConvertible {
    /// From 0 for column A.
    var column: Int
    /// From 1.
    var row: Int

    /// The largest sheet Excel makes: columns A to XFD, rows 1 to 1,048,576.
    static let columns = 16_384
    static let rows = 1_048_576

    init(column: Int, row: Int) {
        self.column = column
        self.row = row
    }

    /// `C7` → column 2, row 7; nil for anything else, or a place outside the largest sheet.
    init?(_ text: String) {
        var column = 0, row = 0, letters = 0, digits = 0
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z") where digits == 0 && letters < 3:
                column = column * 26 + Int(byte - UInt8(ascii: "A")) + 1
                letters += 1
            case UInt8(ascii: "0")...UInt8(ascii: "9") where letters > 0 && digits < 7:
                row = row * 10 + Int(byte - UInt8(ascii: "0"))
                digits += 1
            default:
                return nil
            }
        }
        guard (1...Self.columns).contains(column), (1...Self.rows).contains(row) else { return nil }
        self.init(column: column - 1, row: row)
    }

    /// `A`, `B`, … `Z`, `AA`, … for columns 0, 1, … 25, 26, …
    static func letters(ofColumn index: Int) -> String {
        var letters: [Character] = []
        var rest = index + 1
        while rest > 0 {
            letters.append(Character(Unicode.Scalar(UInt8(ascii: "A") + UInt8((rest - 1) % 26))))
            rest = (rest - 1) / 26
        }
        return String(letters.reversed())
    }

    var description: String { "\(Self.letters(ofColumn: column))\(row)" }

    /// `cells` (`C7`, `A7:I7`) in `sheet` as a formula refers to them, so an analyst can paste
    /// the place into Excel's name box: `Orders!C7`, or `'Q1 Orders'!C7` for a name that is not
    /// one word (a quote in it doubled).
    static func qualified(_ cells: String, inSheet sheet: String) -> String {
        let plain =
            sheet.first.map { !$0.isNumber } == true && sheet.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" }
        return plain
            ? "\(sheet)!\(cells)"
            : "'\(sheet.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "''"))'!\(cells)"
    }
}
