import Testing

@testable import AirlockBase
@testable import AirlockProducer
@testable import AirlockSpec

/// `children:` makes ordinary entities of nested arrays: named `PARENT__CHILD`, keyed by the
/// parent's key and their own, referring to the parent; read strictly, to a depth of three.
@Suite struct ChildEntitySpecTests {
    static func spec(lines: String = "", orders: String = "", taxes: String? = nil) -> String {
        let taxesBlock =
            taxes.map {
                """

                        children:
                          taxes: {path: "taxes[]", key: [code], columns: {code: text, rate: "decimal(5,2)"}\($0)}
                """
            } ?? ""
        return """
            producer: {key: p}
            entities:
              orders:
                source: {files: "orders*.json"}
                key: id
                \(orders)
                columns: {id: {type: text, trim: true, checks: [unique]}, customer: text}
                children:
                  lines:
                    path: "lines[]"
                    key: [line_no]
                    columns: {line_no: {from: no, type: integer}, sku: text, qty: integer}\(lines)\(taxesBlock)

            """
    }

    private func refusal(_ yaml: String) -> String? {
        do {
            _ = try Spec.parse(yaml: yaml)
            return nil
        } catch let error as SpecError {
            return error.description
        } catch {
            return "\(error)"
        }
    }

    @Test func aChildIsAnEntityKeyedByItsParentAndReferringToIt() throws {
        let spec = try Spec.parse(yaml: Self.spec())
        #expect(spec.entities.map(\.name) == ["orders", "orders__lines"])
        let lines = spec.entity(named: "orders__lines")
        #expect(lines.key == ["id", "line_no"])
        #expect(lines.columns.map(\.name) == ["id", "line_no", "sku", "qty"])
        #expect(lines.table == TableName(name: "orders__lines"))
        #expect(lines.parents == ["orders"])
        #expect(lines.filesEntity == "orders")
        #expect(lines.source.pull == nil)
        // The parent's key column is read and cleaned as the parent reads it, without its checks.
        #expect(lines.columns[0].from == "id" && lines.columns[0].rules.trim == true)
        #expect(lines.columns[0].rules.checks.isEmpty)
        #expect(lines.nesting?.levels == [["lines"]])
        #expect(lines.nesting?.columnLevels == ["id": 0, "line_no": 1, "sku": 1, "qty": 1])
        #expect(spec.entity(named: "orders").childArrays == [["lines"]])
        // Inbox files belong to the parent alone.
        #expect(spec.entity(forFile: "orders-1.json")?.name == "orders")
        #expect(
            EntitySQL(lines, .postgres).createTargetTable
                == #"CREATE TABLE IF NOT EXISTS "orders__lines" ("id" text, "line_no" bigint, "sku" text, "qty" bigint, PRIMARY KEY ("id", "line_no"), FOREIGN KEY ("id") REFERENCES "orders");"#
        )
    }

    @Test func tableOrdinalAndGrandchildren() throws {
        let spec = try Spec.parse(
            yaml: Self.spec(lines: "\n        table: sales.order_lines", orders: "table: sales.orders", taxes: ""))
        #expect(spec.entities.map(\.name) == ["orders", "orders__lines", "orders__lines__taxes"])
        let taxes = spec.entity(named: "orders__lines__taxes")
        #expect(taxes.key == ["id", "line_no", "code"])
        #expect(taxes.nesting?.parent == "orders__lines" && taxes.nesting?.root == "orders")
        #expect(taxes.nesting?.levels == [["lines"], ["taxes"]])
        #expect(taxes.nesting?.columnLevels == ["id": 0, "line_no": 1, "code": 2, "rate": 2])
        #expect(
            EntitySQL(taxes, .postgres).tableDefinition(foreignKeys: true).hasSuffix(
                #"FOREIGN KEY ("id", "line_no") REFERENCES "sales"."order_lines")"#))

        let ordinal = try Spec.parse(
            yaml: Self.spec().replacingOccurrences(of: "key: [line_no]", with: "key: ordinal"))
        let lines = ordinal.entity(named: "orders__lines")
        #expect(lines.key == ["id", "ordinal"])
        #expect(lines.columns.map(\.name) == ["id", "ordinal", "line_no", "sku", "qty"])
        #expect(lines.nesting?.ordinal == "ordinal")

        // A child is delivered as its parent is, unless it says otherwise.
        let delivered = try Spec.parse(
            yaml: Self.spec(lines: "\n        delivery: upsert", orders: "delivery: both", taxes: ""))
        #expect(delivered.entities.map(\.delivery) == [[.upsert, .cutover], [.upsert], [.upsert]])
    }

    @Test func mistakesAreNamedWithTheirPlace() {
        let place = "airlock.yml: entities.orders.children.lines"
        let four = Self.spec(
            taxes:
                ", children: {parts: {path: \"parts[]\", key: [n], columns: {n: integer}, children: {bits: {path: bits, key: [b], columns: {b: integer}}}}}"
        )
        let cases: [(String, String)] = [
            (
                Self.spec().replacingOccurrences(of: "path: \"lines[]\"", with: "pathh: \"lines[]\""),
                "\(place): unknown setting 'pathh' (line 10); did you mean 'path'?"
            ),
            (
                Self.spec().replacingOccurrences(of: "path: \"lines[]\"", with: "path: \"groups[].lines[]\""),
                "\(place).path: 'groups[].lines[]' must name one array in the parent's record, such as lines[]; an array inside its elements is a child of this child (line 10)"
            ),
            (
                Self.spec().replacingOccurrences(of: "key: [line_no]", with: "key: [line]"),
                "\(place).key: 'line' is not one of this entity's columns"
            ),
            (
                Self.spec().replacingOccurrences(of: "sku: text", with: "id: text"),
                "\(place).columns.id: 'id' is taken: the parent's key column has that name and comes from the parent; rename this column"
            ),
            (
                Self.spec().replacingOccurrences(of: "key: [line_no]", with: "key: ordinal")
                    .replacingOccurrences(of: "sku: text", with: "ordinal: text"),
                "\(place).columns.ordinal: 'ordinal' is taken: key: ordinal makes a column of that name for the element's position; rename this column"
            ),
            (
                Self.spec(taxes: "").replacingOccurrences(of: "key: [line_no]", with: "key: ordinal")
                    .replacingOccurrences(of: "key: [code]", with: "key: ordinal"),
                "\(place).children.taxes.key: the parent is keyed by position already, so its key brings a column 'ordinal'; key this child by a field of its elements (line 14)"
            ),
            (
                Self.spec().replacingOccurrences(of: "orders*.json", with: "orders*.csv"),
                "airlock.yml: entities.orders.children: children are read from arrays inside JSON records; a row of a CSV file or a sheet holds none"
            ),
            (
                four,
                "\(place).children.taxes.children.parts.children: children nest at most 3 levels deep (a child of a child of a child) (line 14); keep deeper arrays as JSON text in a text column"
            ),
            (
                Self.spec().replacingOccurrences(of: "lines:\n", with: "lines_of_an_order_with_a_name_this_long_x:\n"),
                "airlock.yml: entities.orders.children.lines_of_an_order_with_a_name_this_long_x: the child's entity name 'orders__lines_of_an_order_with_a_name_this_long_x' is longer than 47 characters; cutover tables named 'orders__lines_of_an_order_with_a_name_this_long_x__staging_000001' would not fit PostgreSQL's 63-byte names; use a shorter child name"
            )
        ]
        for (yaml, expected) in cases {
            #expect(refusal(yaml) == expected)
        }
    }
}
