/// What `cutover.sql` demands of a bundle's snapshot before it lets the snapshot replace a
/// table (`cutover:` in the spec): a truncated export must not become the live table.
package struct CutoverMinimums: Equatable, Sendable {
    /// The snapshot must hold at least this many rows.
    package var rows: Int?
    /// The snapshot must hold at least this share (0 to 1, as written in the spec) of the rows
    /// the table holds when the script runs, which only the target knows.
    package var shareOfCurrent: String?

    package init(rows: Int? = nil, shareOfCurrent: String? = nil) {
        self.rows = rows
        self.shareOfCurrent = shareOfCurrent
    }
}
