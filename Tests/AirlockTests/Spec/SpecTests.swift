import Testing

@testable import AirlockBase
@testable import AirlockProducer
@testable import AirlockSite
@testable import AirlockSpec

@Suite struct SpecTests {
    @Test func exampleSpecReadsInOrder() throws {
        let spec = try Spec.load(path: TestWorkspace.repository.appendingPathComponent("airlock.yml").path)
        #expect(spec.producerKey == "producer")
        #expect(spec.entities.map(\.name) == ["products", "payments", "contacts", "orders", "profiles"])
        let payments = spec.entities[1]
        #expect(payments.key == ["payment_id"])
        #expect(
            payments.columns.map(\.name) == ["payment_id", "first_name", "last_name", "amount", "method", "paid_at"])
        #expect(payments.columns[1].from == "First name")
        #expect(payments.columns[3].type == .decimal(precision: 12, scale: 2))
        #expect(spec.entity(forFile: "payments-2026-11.csv")?.name == "payments")
        #expect(spec.entities[0].source.recordsPath == "data.products")
    }

    @Test func problemsNameTheirPlace() {
        let base = "producer: {key: producer}\nentities:\n  items:\n    source: {files: \"*.csv\"}\n"
        #expect(
            throws: SpecError.invalid(
                path: "airlock.yml", at: "entities.items.columns.price.type",
                reason: "unknown type 'money'; use text, integer, decimal(P,S), boolean, timestamp, date or enum")
        ) {
            try Spec.parse(yaml: base + "    key: id\n    columns:\n      id: text\n      price: {type: money}\n")
        }
        #expect(
            throws: SpecError.invalid(
                path: "airlock.yml", at: "entities.items.key", reason: "'sku' is not one of this entity's columns")
        ) {
            try Spec.parse(yaml: base + "    key: sku\n    columns:\n      id: text\n")
        }
        #expect(throws: SpecError.self) {
            try Spec.parse(yaml: base + "    key: id\n    columns:\n      \"Bad Name\": text\n")
        }
        #expect(
            throws: SpecError.invalid(
                path: "airlock.yml", at: "entities.items.upsert",
                reason: "unknown method 'merge'; use on_conflict (the default) or update_then_insert (line 6)")
        ) {
            try Spec.parse(yaml: base + "    key: id\n    upsert: merge\n    columns:\n      id: text\n")
        }
        let entity = "\n    source: {files: \"*.csv\"}\n    key: id\n    columns: {id: text}\n"
        #expect(
            throws: SpecError.invalid(
                path: "airlock.yml", at: "entities.items__backup_000001",
                reason:
                    "'items__backup_000001' holds '__', which Airlock keeps for its staging and backup tables ('items__backup_000001__backup_000001')"
            )
        ) {
            try Spec.parse(yaml: "producer: {key: producer}\nentities:\n  items__backup_000001:" + entity)
        }
        let long = String(repeating: "x", count: 48)
        #expect(
            throws: SpecError.invalid(
                path: "airlock.yml", at: "entities.\(long)",
                reason:
                    "'\(long)' is longer than 47 characters; cutover tables named '\(long)__staging_000001' would not fit PostgreSQL's 63-byte names"
            )
        ) {
            try Spec.parse(yaml: "producer: {key: producer}\nentities:\n  \(long):" + entity)
        }
    }

    @Test func aSpreadsheetSourceNamesItsSheet() throws {
        func parse(_ source: String) throws -> Spec {
            try Spec.parse(
                yaml:
                    "producer: {key: producer}\nentities:\n  items:\n    source: \(source)\n    key: id\n    columns: {id: text}\n"
            )
        }
        let named = try parse("{files: \"items*.xlsx\", sheet: Q1 Items}").entities[0].source
        #expect(named.format == .xlsx && named.sheet == "Q1 Items")
        #expect(try parse("{files: \"items*.xlsx\"}").entities[0].source.sheet == nil)
        #expect(
            throws: SpecError.invalid(
                path: "airlock.yml", at: "entities.items.source.sheet",
                reason: "a sheet applies to spreadsheets only (format: xlsx) (line 4)")
        ) { try parse("{files: \"items*.csv\", sheet: Items}") }
        #expect(
            throws: SpecError.invalid(
                path: "airlock.yml", at: "entities.items.source.encoding",
                reason: "a workbook's XML declares its own encoding; xlsx sources take none (line 4)")
        ) { try parse("{files: \"items*.xlsx\", encoding: latin1}") }
    }

    @Test func cutoverMinimums() throws {
        let items =
            "producer: {key: p}\nentities:\n  items:\n    source: {files: \"*.csv\"}\n    key: id\n    columns: {id: text}\n"
        #expect(try Spec.parse(yaml: items).entities[0].cutoverMinimums == CutoverMinimums())
        let spec = try Spec.parse(yaml: items + "    cutover: {min_rows: 1000, min_share_of_current: 0.9}\n")
        #expect(spec.entities[0].cutoverMinimums == CutoverMinimums(rows: 1000, shareOfCurrent: "0.9"))
        let problems = [
            ("{min_rows: many}", "min_rows", "expected a whole number of rows, got 'many' (line 7)"),
            (
                "{min_share_of_current: 90%}", "min_share_of_current",
                "expected a share from 0 to 1 such as 0.9, got '90%' (line 7)"
            ),
            (
                "{min_share_of_current: \"0.9); DROP TABLE x; --\"}", "min_share_of_current",
                "expected a share from 0 to 1 such as 0.9, got '0.9); DROP TABLE x; --' (line 7)"
            ),
            ("{max_rows: 5}", "", "unknown setting 'max_rows' (line 7); did you mean 'min_rows'?")
        ]
        for (setting, place, reason) in problems {
            #expect(
                throws: SpecError.invalid(
                    path: "airlock.yml", at: "entities.items.cutover" + (place.isEmpty ? "" : "." + place),
                    reason: reason)
            ) {
                try Spec.parse(yaml: items + "    cutover: \(setting)\n")
            }
        }
    }

    @Test func expiryAndApprovalPolicy() throws {
        let entities =
            "entities:\n  items:\n    source: {files: \"*.csv\"}\n    key: id\n    columns:\n      id: text\n"
        let defaults = try Spec.parse(yaml: "producer: {key: p}\n" + entities)
        #expect(defaults.bundleLifetime == 30 * 86_400)
        #expect(defaults.approvals == ApprovalPolicy())
        let spec = try Spec.parse(
            yaml: "producer: {key: p, expires_after: 12h}\napprovals: {required: 2, roles: [dba]}\n" + entities)
        #expect(spec.bundleLifetime == 12 * 3_600)
        #expect(spec.approvals == ApprovalPolicy(required: 2, roles: ["dba"]))
        #expect(try Spec.parse(yaml: "producer: {key: p, expires_after: never}\n" + entities).bundleLifetime == nil)
        #expect(
            throws: SpecError.invalid(
                path: "airlock.yml", at: "producer.expires_after",
                reason: "'soon' is not a duration such as 30d, 12h, 90m or never")
        ) {
            try Spec.parse(yaml: "producer: {key: p, expires_after: soon}\n" + entities)
        }
    }

    @Test func validationRulesAndTheirMistakes() throws {
        let head = "producer: {key: p}\nentities:\n  items:\n    source: {files: \"*.csv\"}\n    key: id\n"
        let spec = try Spec.parse(
            yaml: head + """
                    thresholds: {min_rows: 10, max_delete_share: 0.1}
                    overrides: [{when: "kind = 'x'", set: {flag: yes}}]
                    columns:
                      id: text
                      kind: {type: enum, map: {Bill-Pay: bill_payment}, values: [bill_payment, airtime], checks: [{not_null: true, severity: warn}]}
                      flag: boolean

                """)
        let items = spec.entities[0]
        #expect(
            items.columns.map(\.name) == ["id", "kind", "flag", "flag_source"],
            "the override's audit column follows flag")
        #expect(items.columns[1].rules.valueMap.map { "\($0.from)→\($0.to)" } == ["bill_pay→bill_payment"])
        #expect(
            items.columns[1].rules.checks == [
                ColumnCheck(kind: .accepted(["bill_payment", "airtime"]), severity: .quarantine),
                ColumnCheck(kind: .notNull, severity: .warn)
            ])
        #expect(items.overrides[0].set.map(\.value) == [.integer(1)])
        #expect(items.thresholds.minRows == 10 && items.thresholds.maxDeleteShare == 0.1)

        let problems = [
            (
                "kind: {type: enum, map: {a: b, b: c}}", "entities.items.columns.kind.map",
                "'a' maps to 'b', which is mapped again; map each value straight to its final value (line 8)"
            ),
            (
                "kind: {type: text, checks: [sometimes]}", "entities.items.columns.kind.checks[0]",
                "unknown check 'sometimes'; use not_null, unique, accepted, pattern, range or length (line 8)"
            ),
            (
                "kind: {type: text, checks: [{pattern: '('}]}", "entities.items.columns.kind.checks[0].pattern",
                "'(' is not a regular expression (line 8)"
            ),
            (
                "kind: {type: text, thousands: ','}", "entities.items.columns.kind.thousands",
                "a digit group separator (',', '.', ' ', \"'\" or '_') applies to integer and decimal columns (line 8)"
            ),
            (
                "kind: {type: text, checks: [{not_null: true, severity: fatal}]}",
                "entities.items.columns.kind.checks[0].severity",
                "expected block, quarantine or warn, got 'fatal' (line 8)"
            )
        ]
        for (column, place, reason) in problems {
            #expect(throws: SpecError.invalid(path: "airlock.yml", at: place, reason: reason)) {
                try Spec.parse(yaml: head + "    columns:\n      id: text\n      \(column)\n")
            }
        }
        #expect(
            throws: SpecError.invalid(
                path: "airlock.yml", at: "entities.items.overrides[0].set.price",
                reason: "'price' is not one of this entity's value columns (line 6)")
        ) {
            try Spec.parse(yaml: head + "    overrides: [{when: '1', set: {price: 1}}]\n    columns:\n      id: text\n")
        }
    }
}
