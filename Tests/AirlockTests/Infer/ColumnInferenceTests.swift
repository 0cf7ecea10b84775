import Testing

@testable import AirlockBase
@testable import AirlockProducer

/// Each rule `airlock infer` types a field by, on the values alone.
@Suite struct ColumnInferenceTests {
    private func infer(_ field: String, _ values: [String]) -> ColumnInference {
        ColumnInference.infer(field: field, values: values)
    }

    @Test func idsNamesCitiesAndEmailsAreNeverEnums() {
        let repeated = { (values: [String]) in values + values + values }
        #expect(infer("supplier", repeated(["SUP-2", "SUP-7"])).type == .text)
        #expect(infer("status_code", repeated(["A1", "B2"])).type == .text)
        #expect(infer("city", repeated(["Cape Town", "Durban"])).type == .text)
        #expect(infer("destination", repeated(["Cape Town", "Port Elizabeth"])).type == .text)
        #expect(infer("customer_name", repeated(["Thandi", "Johan"])).type == .text)
        #expect(infer("first", ["Thandi", "Johan", "Aisha", "Sipho"]).type == .text)
        #expect(infer("contact", repeated(["a@example.com", "b@example.com"])).type == .text)
    }

    @Test func labelsBecomeEnumsWithValuesAndAMapForSpellings() {
        let status = infer("Status", ["Shipped", "shipped", "Cancelled", "Canceled", "Cancelled", "pending"])
        #expect(status.type == .enumeration)
        #expect(status.values == ["cancelled", "pending", "shipped"])
        #expect(status.map == [["canceled", "cancelled"]])
        let tier = infer("tier", ["gold", "silver", "gold", "silver", "bronze", "bronze"])
        #expect(tier.type == .enumeration)
        #expect(tier.map.isEmpty)
    }

    @Test func digitGroupsAndDecimalCommas() {
        let total = infer("Total", ["1,234.50", "99.00", "12,000.00"])
        #expect(total.type == .decimal(precision: 12, scale: 2))
        #expect(total.thousands == "," && total.decimalSeparator == nil)
        let european = infer("Betrag", ["1.234,50", "12,5", "3"])
        #expect(european.type == .decimal(precision: 12, scale: 2))
        #expect(european.thousands == "." && european.decimalSeparator == ",")
        let french = infer("montant", ["1 234,50", "12 000,00"])
        #expect(french.thousands == " " && french.decimalSeparator == ",")
        let count = infer("count", ["1,234", "12"])
        #expect(count.type == .integer && count.thousands == "," && !count.notes.isEmpty)
        #expect(infer("zip", ["0123", "8001"]).type == .text)
    }

    @Test func dateSpellings() {
        let dayFirst = infer("Order date", ["22/07/2026", "03/07/2026"])
        #expect(dayFirst.type == .date && dayFirst.format == "%d/%m/%Y")
        let monthFirst = infer("shipped", ["07/22/2026", "07/03/2026"])
        #expect(monthFirst.type == .date && monthFirst.format == "%m/%d/%Y")
        let ambiguous = infer("due", ["03/07/2026", "04/07/2026"])
        #expect(ambiguous.type == .text && ambiguous.notes.first?.contains("month first") == true)
        let local = infer("created_at", ["2026-11-01 09:30:00", "2026-11-02 14:05:00"])
        #expect(local.type == .timestamp)
        #expect(local.notes.contains { $0.contains("zone") })
        let iso = infer("at", ["2026-11-01", "2026-11-02"])
        #expect(iso.type == .date && iso.format == nil)
    }

    @Test func emailsAreTrimmedAndLowered() {
        let email = infer("E-mail", [" Ana@Example.COM ", "b@example.com"])
        #expect(email.type == .text && email.trim && email.lowercase)
    }

    @Test func emptyFieldsSaySo() {
        #expect(ColumnInference.infer(field: "x", values: [nil, ""]).notes.first?.contains("no value") == true)
    }
}
