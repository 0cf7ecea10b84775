/// What a bundle's scripts and the applier that runs them agree on, besides the ledger: the
/// switches a site sets on a script (psql variables, `sqlite3` shell parameters) and the
/// words a script prints that the applier reads back.
package enum ScriptSwitches {
    /// Set to skip drifted rows instead of stopping: a psql variable
    /// (`psql -v airlock_skip_drift=on`) or a `sqlite3` shell parameter
    /// (`sqlite3 -cmd '.parameter set @airlock_skip_drift 1'`).
    package static let skipDrift = "airlock_skip_drift"

    /// Set to have `verify.sql` name each key whose row differs from the bundle's snapshot
    /// (`psql -v airlock_keys=1`, `sqlite3 -cmd '.parameter set @airlock_keys 1'`).
    package static let listKeys = "airlock_keys"

    /// Within each line a script prints for a key it skipped:
    /// `airlock: products: skipped drifted row: product_id=P-100`.
    package static let skippedMarker = ": skipped drifted row: "

    /// Set to run only the script's checks of the target and stop before any change
    /// (`psql -v airlock_check_only=on`, `sqlite3 -cmd '.parameter set @airlock_check_only 1'`):
    /// what `airlock check-target` runs.
    package static let checkOnly = "airlock_check_only"

    /// Begins the line a script prints when, checking only, it found that the target fits.
    /// PostgreSQL prints it and ends; SQLite, which cannot end a script early, stops with it
    /// as its error.
    package static let checkedMarker = "airlock: check only: "

    /// Within the error of a script whose check found that the target cannot take the bundle
    /// as it is (a missing table or column, a type, enum labels, a constraint); the problems
    /// are listed before it, one per line.
    package static let doesNotFitMarker = "the target does not fit"

    /// Within the error of a script whose drift guard found rows edited on the target since
    /// the previous bundle; each drifted key is named before it, or in it (PostgreSQL).
    package static let driftMarker = "target rows differ from what bundle"

    /// The first command of every SQLite script: the `sqlite3` shell stops at the first error
    /// even when it was started without `-bail`, so a guard that fails ends the script and
    /// its transaction is never committed.
    package static let sqliteBail = ".bail on"
}
