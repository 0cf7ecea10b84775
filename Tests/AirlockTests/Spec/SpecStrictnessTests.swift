import Testing

@testable import AirlockBase
@testable import AirlockSpec

/// Every mapping level of the spec refuses a key it does not read, naming the key's line and
/// the nearest known spelling, so a misspelled rule is never dropped without a word.
@Suite struct SpecStrictnessTests {
    /// A valid spec with the given parts; the expectations count lines from this layout:
    /// 1 producer, 4 source, 8 price, 10 status, 11 the `entity` line, then the `top` line.
    private static func spec(
        producer: String = "{key: p}", source: String = #"{files: "items*.csv"}"#,
        price: String = "integer", status: String = "enum",
        entity: String? = nil, top: String? = nil
    ) -> String {
        var lines = [
            "producer: \(producer)", "entities:", "  items:", "    source: \(source)", "    key: id",
            "    columns:", "      id: text", "      price: \(price)", "      email: text",
            "      status: \(status)"
        ]
        if let entity { lines.append("    " + entity) }
        if let top { lines.append(top) }
        return lines.joined(separator: "\n") + "\n"
    }

    private static let pulled = #"{files: "items*.json", pull: {url: "https://api.example.com/items", "#

    private func refused(
        _ yaml: String, at place: String, _ reason: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let expected = SpecError.invalid(path: "airlock.yml", at: place, reason: reason)
        #expect(throws: expected, sourceLocation: sourceLocation) {
            try Spec.parse(yaml: yaml)
        }
    }

    @Test func theLayoutIsValid() throws {
        let spec = try Spec.parse(yaml: Self.spec())
        #expect(
            spec.entities[0].columns.map(\.type) == [.text, .integer, .text, .enumeration],
            "shorthand columns are scalars, not mappings")
    }

    @Test func topLevel() {
        refused(
            Self.spec(top: "aprovals: {required: 1}"), at: "top level",
            "unknown setting 'aprovals' (line 11); did you mean 'approvals'?")
    }

    @Test func targetsAndDelivery() throws {
        let spec = try Spec.parse(yaml: Self.spec(entity: "delivery: both", top: "targets: [sqlite]"))
        #expect(spec.targets == [.sqlite])
        #expect(spec.entities[0].delivery == [.upsert, .cutover])
        #expect(try Spec.parse(yaml: Self.spec()).targets == [.postgres, .sqlite], "both by default")
        #expect(try Spec.parse(yaml: Self.spec()).entities[0].delivery == [.upsert], "upsert by default")
        refused(
            Self.spec(top: "targets: [postgres, oracle]"), at: "targets",
            "unknown target 'oracle'; name postgres, sqlite or both (the default) (line 11)")
        refused(Self.spec(top: "targets: []"), at: "targets", "name at least one of postgres and sqlite (line 11)")
        refused(
            Self.spec(entity: "delivery: swap"), at: "entities.items.delivery",
            "unknown delivery 'swap'; use upsert (the default), cutover or both (line 11)")
    }

    @Test func producer() {
        refused(
            Self.spec(producer: "{key: p, expire_after: 30d}"), at: "producer",
            "unknown setting 'expire_after' (line 1); did you mean 'expires_after'?")
    }

    @Test func inbox() {
        refused(
            Self.spec(top: "inbox: {proccessed: keep}"), at: "inbox",
            "unknown setting 'proccessed' (line 11); did you mean 'processed'?")
    }

    @Test func approvals() {
        refused(
            Self.spec(top: "approvals: {required: 1, role: [dba]}"), at: "approvals",
            "unknown setting 'role' (line 11); did you mean 'roles'?")
    }

    @Test func entity() throws {
        let error = try #require(throws: SpecError.self) {
            try Spec.parse(yaml: Self.spec(entity: "treshold: {min_rows: 1}"))
        }
        #expect(
            error.description
                == "airlock.yml: entities.items: unknown setting 'treshold' (line 11); did you mean 'thresholds'?")
        refused(
            Self.spec(entity: "chekcs: [{unique: [email, price]}]"), at: "entities.items",
            "unknown setting 'chekcs' (line 11); did you mean 'checks'?")
    }

    @Test func keyFarFromEveryKnownOneListsThem() {
        refused(
            Self.spec(entity: "target_name: items"), at: "entities.items",
            "unknown setting 'target_name' (line 11); known: category, checks, children, columns, "
                + "consistency, context, cutover, dedupe, delivery, key, model, overrides, source, table, thresholds, upsert"
        )
        refused(
            Self.spec(price: "{type: integer, checks: [{range: {min: 0, maximum: 10}}]}"),
            at: "entities.items.columns.price.checks[0].range",
            "unknown setting 'maximum' (line 8); known: max, min")
    }

    @Test func source() {
        refused(
            Self.spec(source: #"{files: "items*.csv", delimeter: ";"}"#), at: "entities.items.source",
            "unknown setting 'delimeter' (line 4); did you mean 'delimiter'?")
    }

    @Test func column() {
        refused(
            Self.spec(price: "{type: integer, fromm: Price}"), at: "entities.items.columns.price",
            "unknown setting 'fromm' (line 8); did you mean 'from'?")
        refused(
            Self.spec(price: "{type: integer, check: [not_null]}"), at: "entities.items.columns.price",
            "unknown setting 'check' (line 8); did you mean 'checks'?")
        refused(
            Self.spec(price: "{Type: integer}"), at: "entities.items.columns.price",
            "unknown setting 'Type' (line 8); did you mean 'type'?")
    }

    @Test func columnCheck() {
        refused(
            Self.spec(price: "{type: integer, checks: [{not_nul: true}]}"),
            at: "entities.items.columns.price.checks[0]",
            "unknown setting 'not_nul' (line 8); did you mean 'not_null'?")
        refused(
            Self.spec(price: "{type: integer, checks: [{not_null: true, unique: true}]}"),
            at: "entities.items.columns.price.checks[0]",
            "one item names not_null and unique; write each check as an item of its own (line 8)")
    }

    @Test func rangeAndLengthBounds() {
        refused(
            Self.spec(price: "{type: integer, checks: [{range: {min: 0, mx: 10}}]}"),
            at: "entities.items.columns.price.checks[0].range",
            "unknown setting 'mx' (line 8); did you mean 'max'?")
        refused(
            Self.spec(price: "{type: text, checks: [{length: {minn: 1}}]}"),
            at: "entities.items.columns.price.checks[0].length",
            "unknown setting 'minn' (line 8); did you mean 'min'?")
    }

    @Test func transitions() {
        refused(
            Self.spec(status: "{type: enum, transitions: {terminal: [done], alowed: {open: [done]}}}"),
            at: "entities.items.columns.status.transitions",
            "unknown setting 'alowed' (line 10); did you mean 'allowed'?")
    }

    @Test func override() {
        refused(
            Self.spec(entity: #"overrides: [{when: "price > 0", set: {price: 1}, notes: checked}]"#),
            at: "entities.items.overrides[0]",
            "unknown setting 'notes' (line 11); did you mean 'note'?")
    }

    @Test func consistency() {
        let rule = "{column: email, equals: people.email, on: {id: id}, on_violaton: repair}"
        refused(
            Self.spec(entity: "consistency: [\(rule)]"),
            at: "entities.items.consistency[0]",
            "unknown setting 'on_violaton' (line 11); did you mean 'on_violation'?")
    }

    @Test func entityCheck() {
        refused(
            Self.spec(entity: "checks: [{unique: [email, price], severty: warn}]"), at: "entities.items.checks[0]",
            "unknown setting 'severty' (line 11); did you mean 'severity'?")
    }

    @Test func dedupe() {
        refused(
            Self.spec(entity: "dedupe: {lates: price}"), at: "entities.items.dedupe",
            "unknown setting 'lates' (line 11); did you mean 'latest'?")
    }

    @Test func cutoverAndThresholds() {
        refused(
            Self.spec(entity: "cutover: {min_row: 5}"), at: "entities.items.cutover",
            "unknown setting 'min_row' (line 11); did you mean 'min_rows'?")
        refused(
            Self.spec(entity: "thresholds: {max_delet_share: 0.5}"), at: "entities.items.thresholds",
            "unknown setting 'max_delet_share' (line 11); did you mean 'max_delete_share'?")
    }

    @Test func pull() {
        refused(
            Self.spec(source: Self.pulled + "timout: 5s}}"), at: "entities.items.source.pull",
            "unknown setting 'timout' (line 4); did you mean 'timeout'?")
    }

    @Test func pagination() {
        refused(
            Self.spec(source: Self.pulled + "pagination: {style: page, size_parm: per_page}}}"),
            at: "entities.items.source.pull.pagination",
            "unknown setting 'size_parm' (line 4); did you mean 'size_param'?")
    }

    @Test func auth() {
        refused(
            Self.spec(source: Self.pulled + "auth: {beaer: TOKEN}}}"), at: "entities.items.source.pull.auth",
            "unknown setting 'beaer' (line 4); did you mean 'bearer'?")
        refused(
            Self.spec(source: Self.pulled + "auth: {basic: {usernme: USER, password: PASSWORD}}}}"),
            at: "entities.items.source.pull.auth.basic",
            "unknown setting 'usernme' (line 4); did you mean 'username'?")
    }

    @Test func overlappingFilePatterns() throws {
        func entities(_ patterns: [String: String]) -> String {
            "producer: {key: p}\nentities:\n"
                + patterns.keys.sorted().map { name in
                    "  \(name):\n    source: {files: \"\(patterns[name]!)\", format: csv}\n    key: id\n    columns: {id: text}\n"
                }.joined()
        }
        refused(
            entities(["orders": "order*.csv", "orders_v2": "orders*.csv"]), at: "entities.orders_v2.source.files",
            "'orders*.csv' and entities.orders.source.files 'order*.csv' can both match the same file "
                + "(for example 'orders.csv'); make the patterns exclusive")
        refused(
            entities(["items": "items[.csv"]), at: "entities.items.source.files",
            #"'items[.csv' has a '[' that no ']' closes; write '\[' to match a '[' itself"#)
        #expect(
            try Spec.parse(yaml: entities(["orders": "order-*.csv", "orders_v2": "orders*.csv"])).entities.count == 2)
        // A model has no files: its empty pattern would otherwise overlap with `*`.
        let model = "  totals:\n    model: SELECT id FROM everything\n    key: id\n    columns: {id: text}\n"
        #expect(try Spec.parse(yaml: entities(["everything": "*"]) + model).entities.count == 2)
    }

    @Test func nearestSpelling() {
        #expect(NearestSpelling.distance("kitten", "sitting") == 3)
        #expect(NearestSpelling.distance("", "key") == 3)
        #expect(NearestSpelling.distance("TYPE", "type") == 0)
        #expect(NearestSpelling.of("treshold", among: ["checks", "thresholds"]) == "thresholds")
        #expect(NearestSpelling.of("man", among: ["min", "max"]) == "min", "the first of equally near ones")
        #expect(NearestSpelling.of("table", among: ["key", "model", "source"]) == nil)
        #expect(NearestSpelling.of("anything", among: []) == nil)
    }
}
