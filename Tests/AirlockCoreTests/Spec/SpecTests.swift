@testable import AirlockCore
import Testing

@Suite struct SpecTests {
    @Test func exampleSpecReadsInOrder() throws {
        let spec = try Spec.load(path: TestWorkspace.repository.appendingPathComponent("airlock.yml").path)
        #expect(spec.producerKey == "producer")
        #expect(spec.entities.map(\.name) == ["products", "payments"])
        let payments = try #require(spec.entities.last)
        #expect(payments.key == ["payment_id"])
        #expect(payments.columns.map(\.name) == ["payment_id", "first_name", "last_name", "amount", "method", "paid_at"])
        #expect(payments.columns[1].from == "First name")
        #expect(payments.columns[3].type == .decimal(precision: 12, scale: 2))
        #expect(spec.entity(forFile: "payments-2026-11.csv")?.name == "payments")
        #expect(spec.entities[0].source.recordsPath == "data.products")
    }

    @Test func problemsNameTheirPlace() {
        let base = "producer: {key: producer}\nentities:\n  items:\n    source: {files: \"*.csv\"}\n"
        #expect(throws: SpecError.invalid(path: "airlock.yml", at: "entities.items.columns.price.type",
                                          reason: "unknown type 'money'; use text, integer, decimal(P,S), boolean, timestamp or enum")) {
            try Spec.parse(yaml: base + "    key: id\n    columns:\n      id: text\n      price: {type: money}\n")
        }
        #expect(throws: SpecError.invalid(path: "airlock.yml", at: "entities.items.key", reason: "'sku' is not one of this entity's columns")) {
            try Spec.parse(yaml: base + "    key: sku\n    columns:\n      id: text\n")
        }
        #expect(throws: SpecError.self) { try Spec.parse(yaml: base + "    key: id\n    columns:\n      \"Bad Name\": text\n") }
    }
}
