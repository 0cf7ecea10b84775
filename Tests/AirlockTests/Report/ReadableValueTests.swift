import Testing

@testable import AirlockBase
@testable import AirlockProducer

/// Values and shares as reports, findings and `airlock show` print them: never read as
/// something they are not.
@Suite struct ReadableValueTests {
    /// One decimal, and no rounding that says none or all when some rows are, or are not, counted.
    @Test(arguments: [
        (0.0, "0.0%"), (0.25, "25.0%"), (2.0 / 3.0, "66.7%"), (0.0006, "0.1%"), (1.0 / 100_000, "<0.1%"),
        (1 - 1.0 / 100_000, ">99.9%"), (0.9995, ">99.9%"), (1.0, "100.0%")
    ])
    func aShareReadsAsWhatItIs(rate: Double, text: String) {
        #expect(Percent.text(rate) == text)
    }

    /// No value reads NULL; text that spells it is quoted.
    @Test func textThatSpellsNullIsNotNoValue() {
        #expect(FieldValue.null.description == "NULL")
        #expect(FieldValue.text("NULL").description == "'NULL'")
        #expect(FieldValue.text("null").inline == "'null'")
        #expect(FieldValue.text("Nullarbor").description == "Nullarbor")
        #expect(FieldValue.text("").description == "")
    }
}
