/// One line of `changes/ENTITY.ndjson`: what the bundle does to one key (see `ChangeLog`).
package struct Change: Codable, Equatable, Sendable {
    package enum Operation: String, Codable, Sendable {
        case insert, update, delete
    }

    package var op: Operation
    package var key: [String: FieldValue]
    /// The old values: every value column for a delete, the changed ones for an update.
    package var before: [String: FieldValue]?
    /// The new values: every value column for an insert, the changed ones for an update.
    package var after: [String: FieldValue]?
    /// For an update, the spec's `context:` columns as the row holds them after it.
    package var context: [String: FieldValue]?

    /// The fields the change touches, sorted.
    package var fields: [String] { Set((before ?? [:]).keys).union((after ?? [:]).keys).sorted() }

    /// `product_id=P-100`, key columns in the entity's key order.
    package func keyText(order: [String]) -> String {
        order.map { "\($0)=\(key[$0]?.description ?? "NULL")" }.joined(separator: ", ")
            + (context.map { context in
                " (" + context.keys.sorted().map { "\($0): \(context[$0]!.description)" }.joined(separator: ", ") + ")"
            } ?? "")
    }
}
