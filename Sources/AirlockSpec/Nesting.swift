import AirlockBase

/// How a child entity (`children:` in the spec) is found inside its parent's records: one row
/// per object of an array in each parent row's record (`orders.lines[]`), keyed by the
/// parent's key and a key of its own (a field of the element, or its position).
///
/// The records are walked from the top-level entity's records down, one array per level, so
/// a child of a child (`orders.lines[].taxes[]`) reads its grandparent's key from the top
/// record, its parent's from the line and its own from the tax.
package struct Nesting: Equatable, Sendable {
    /// The entity each row belongs to (`orders` for `orders__lines`).
    package var parent: String
    /// The parent's target table, which the foreign key names.
    package var parentTable: TableName
    /// The parent's key columns, which start the child's key, in the parent's key order.
    package var parentKey: [String]
    /// The top-level entity whose files hold the records walked.
    package var root: String
    /// Per level below the top record, the dotted path to the array walked there: `[["lines"]]`
    /// for a child, `[["lines"], ["taxes"]]` for a child of a child.
    package var levels: [[String]]
    /// Per column (by name), the level whose object it is read from: 0 the top record, `n` an
    /// element of the array `levels[n - 1]`. The parent's key columns come from above.
    package var columnLevels: [String: Int]
    /// Where the spec declares the child, `entities.orders.children.lines`, for messages.
    package var place: String
    /// The column that numbers an element by its place in its array, from 1 (`key: ordinal`);
    /// nil when the element's own fields key it.
    package var ordinal: String?
    /// The columns that number elements by position, this child's `ordinal` and those its
    /// ancestors' keys bring, with the level of the array each numbers.
    package var positions: [String: Int] = [:]

    /// How deep children may nest: a child of a child of a child.
    package static let maxDepth = 3

    /// The name `key: ordinal` gives the position column.
    package static let ordinalColumn = "ordinal"

    /// The child's own level: the array whose elements are its records.
    package var depth: Int { levels.count }

    /// How findings name the field `path` of the object at `level` (the parent's key
    /// columns): `id` in the top record, `lines[].line_no` in an element of `lines`.
    package func fieldName(_ path: String, level: Int) -> String {
        let arrays = levels.prefix(level).map { $0.joined(separator: ".") + "[]" }
        return (arrays + (path.isEmpty ? [] : [path])).joined(separator: ".")
    }
}
