import AirlockBase

/// A correction applied to the normalized rows the source reports wrongly, with its audit: the
/// spec's `audit` column keeps what the source said (`pinned_source`), beside the corrected one.
package struct Override: Equatable, Sendable {
    /// A SQL condition over the entity's normalized columns (`product_type = 'bill_payment'`).
    package var when: String
    /// Column → the canonical value it gets.
    package var set: [(column: String, value: ValueParser.Value)]
    package var note: String?

    package static func == (lhs: Override, rhs: Override) -> Bool {
        lhs.when == rhs.when && lhs.note == rhs.note
            && lhs.set.map(\.column) == rhs.set.map(\.column) && lhs.set.map(\.value) == rhs.set.map(\.value)
    }
}

/// Which record wins when several share a key.
package enum DedupeWinner: Equatable, Sendable {
    /// The last record of the last file (the default).
    case last
    /// The record with the greatest value of this column; ties go to the last.
    case latest(column: String)
}

/// Limits on what one drop may do to an entity; breaking one blocks the bundle.
package struct Thresholds: Equatable, Sendable {
    package var minRows: Int?
    /// Deleted rows as a share of the baseline's rows (0 to 1).
    package var maxDeleteShare: Double?
    /// Inserted, updated and deleted rows as a share of the baseline's rows.
    package var maxChangeShare: Double?

    /// The `max_delete_share` of a snapshot drop whose spec sets none, once the baseline holds
    /// `guardedBaselineRows`: an export cut short reads as deletes of every key it lost, and
    /// losing half the rows is far more often that than real deletes.
    package static let defaultMaxDeleteShare = 0.5
    package static let guardedBaselineRows = 100

    package init() {}
}

/// A column that must hold what another entity's column holds for the matching row
/// (`bars.mpesa_enabled` must equal `mpesa_credentials.is_active`); the other side is
/// authoritative.
package struct Consistency: Equatable, Sendable {
    package var column: String
    package var authority: String
    package var authorityColumn: String
    /// This entity's column → the authority's column they are matched on.
    package var match: [(column: String, authorityColumn: String)]
    /// `repair` sets the column to the authority's value (the bundle carries the fix, each
    /// one reported); `block` writes no bundle.
    package var repairs: Bool

    package static func == (lhs: Consistency, rhs: Consistency) -> Bool {
        (lhs.column, lhs.authority, lhs.authorityColumn, lhs.repairs) == (
            rhs.column, rhs.authority, rhs.authorityColumn, rhs.repairs
        )
            && lhs.match.map { [$0.column, $0.authorityColumn] } == rhs.match.map { [$0.column, $0.authorityColumn] }
    }
}

/// Columns whose values together no two keys may share (`first_name` with `last_name`).
package struct UniqueTogether: Equatable, Sendable {
    package var columns: [String]
    package var severity: Severity
}
