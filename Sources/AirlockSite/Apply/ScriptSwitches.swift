/// What a bundle's scripts and the applier that runs them agree on, besides the ledger: the
/// switch that makes a script skip drifted rows, and the line it prints for each one.
package enum ScriptSwitches {
    /// Set to skip drifted rows instead of stopping: a psql variable
    /// (`psql -v airlock_skip_drift=on`) or a `sqlite3` shell parameter
    /// (`sqlite3 -cmd '.parameter set @airlock_skip_drift 1'`).
    package static let skipDrift = "airlock_skip_drift"

    /// Within each line a script prints for a key it skipped:
    /// `airlock: products: skipped drifted row: product_id=P-100`.
    package static let skippedMarker = ": skipped drifted row: "
}
