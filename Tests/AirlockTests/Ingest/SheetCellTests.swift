import Testing

@testable import AirlockProducer

/// A sheet's cell references and numbers, as `SheetRowsHandler` reads them.
@Suite struct SheetCellTests {
    @Test func everyColumnOfTheLargestSheetRoundTrips() {
        for column in 0..<CellReference.columns {
            let reference = CellReference(column: column, row: 7)
            #expect(CellReference(reference.description) == reference)
        }
        #expect(CellReference(column: 0, row: 1).description == "A1")
        #expect(CellReference(column: 26, row: 7).description == "AA7")
        #expect(CellReference("XFD1048576") == CellReference(column: 16_383, row: 1_048_576))
        for outside in ["XFE1", "A0", "A1048577", "a1", "1A", "A", "AAAA1", "A1B"] {
            #expect(CellReference(outside) == nil, "\(outside)")
        }
    }

    @Test func placesNameTheSheetAsFormulasDo() {
        #expect(CellReference.qualified("C7", inSheet: "Orders") == "Orders!C7")
        #expect(CellReference.qualified("A7:I7", inSheet: "Zoë_2024") == "Zoë_2024!A7:I7")
        #expect(CellReference.qualified("C7", inSheet: "Q1 Orders") == "'Q1 Orders'!C7")
        #expect(CellReference.qualified("C7", inSheet: "2024") == "'2024'!C7")
        #expect(CellReference.qualified("C7", inSheet: "Bob's") == "'Bob''s'!C7")
    }

    @Test func numbersReadAsExcelShowsThemInPlainDecimal() {
        let cases = [
            "12.5": "12.5", "0.30000000000000004": "0.3", "1E-3": "0.001", "-4.5": "-4.5",
            "1.5E+20": "150000000000000000000",
            "123456789012345678": "123456789012346000", "0.1234567890123456": "0.123456789012346", "007": "7",
            "-0": "0", "9.9999999999999999": "10", "2.50": "2.5"
        ]
        for (stored, shown) in cases { #expect(SheetNumber.canonical(stored) == shown, "\(stored)") }
        for text in ["", "abc", "1e", "1.2.3", "--1", "1E999", "0x10"] {
            #expect(SheetNumber.canonical(text) == nil, "\(text)")
        }
    }
}
