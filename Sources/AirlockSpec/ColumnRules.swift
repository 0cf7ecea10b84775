import AirlockBase

/// How a column's source text is cleaned before it is parsed, and what its values must satisfy
/// (`trim`, `case`, `nulls`, `thousands`, `map`, `values`, `checks` and `transitions` in the spec).
package struct ColumnRules: Equatable, Sendable {
    /// Strip leading and trailing spaces, tabs and line breaks (default true for every type but text).
    package var trim: Bool?
    package var caseFold: CaseFold?
    /// Spellings that mean "no value" (`""`, `NULL`, `N/A`), compared after trimming.
    package var nullSpellings: [String] = []
    /// A digit group separator to drop from numbers (`1,000.00` with `thousands: ","`); a space
    /// also stands for the no-break spaces locales group digits with (U+00A0, U+202F).
    package var thousandsSeparator: String?
    /// The decimal mark of the source's numbers when it is not a point (`1.234,50` with
    /// `decimal_separator: ","` and `thousands: "."`).
    package var decimalSeparator: String?
    /// Enum values that become others, compared in snake case: synonyms (`billpay: bill_payment`)
    /// and vendor status tables (`success: delivered`).
    package var valueMap: [(from: String, to: String)] = []
    package var checks: [ColumnCheck] = []
    package var transitions: StateTransitions?
    /// Timestamps only: the spelling of the source's times and the zone of times without offset.
    package var timestampFormat: TimestampFormat?
    /// A SQL expression over the entity's other columns that gives this one (`derive`), instead
    /// of a source field.
    package var derivation: String?

    package enum CaseFold: String, Equatable, Sendable { case lower, upper }

    package init() {}

    package static func == (lhs: ColumnRules, rhs: ColumnRules) -> Bool {
        lhs.trim == rhs.trim && lhs.caseFold == rhs.caseFold && lhs.nullSpellings == rhs.nullSpellings
            && lhs.thousandsSeparator == rhs.thousandsSeparator && lhs.decimalSeparator == rhs.decimalSeparator
            && lhs.checks == rhs.checks
            && lhs.transitions == rhs.transitions
            && lhs.timestampFormat == rhs.timestampFormat && lhs.derivation == rhs.derivation
            && lhs.valueMap.map { [$0.from, $0.to] } == rhs.valueMap.map { [$0.from, $0.to] }
    }
}

/// One check on a column's normalized values, and what a violation does.
package struct ColumnCheck: Equatable, Sendable {
    package enum Kind: Equatable, Sendable {
        case notNull
        /// No two records share the value (a composite unique check is an entity check).
        case unique
        case accepted([String])
        /// A regular expression the whole value must match.
        case pattern(String)
        /// Inclusive bounds as canonical values of the column's type (numbers compared exactly).
        case range(min: String?, max: String?)
        /// Inclusive bounds on the number of characters.
        case length(min: Int?, max: Int?)
    }

    package var kind: Kind
    package var severity: Severity

    /// The name findings give the check: `not_null`, `unique`, `accepted`, `pattern`, `range`, `length`.
    package var name: String {
        switch kind {
        case .notNull: return "not_null"
        case .unique: return "unique"
        case .accepted: return "accepted"
        case .pattern: return "pattern"
        case .range: return "range"
        case .length: return "length"
        }
    }
}

/// What a failed check does to the run.
package enum Severity: String, Codable, Equatable, Sendable {
    /// No bundle is written; baseline, snapshot and outbox stay as they were.
    case block
    /// The record is held back (its key keeps the baseline row); the rest proceeds.
    case quarantine
    /// Reported only.
    case warn
}

/// The states a column may move between. A row in a terminal state stays there; with
/// `allowed`, only the listed moves are accepted (staying put always is).
package struct StateTransitions: Equatable, Sendable {
    package var terminal: [String]
    /// From state → the states it may move to; empty: any move out of a non-terminal state.
    package var allowed: [String: [String]]
    package var severity: Severity
}
