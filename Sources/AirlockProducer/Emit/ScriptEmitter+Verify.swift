import AirlockBase
import AirlockSite
import AirlockSpec
import Foundation
import GRDB

extension ScriptEmitter {
    /// Compares each changed entity's table with the bundle: row count and content checksum
    /// of the entity's columns (a table's other columns are the site's). It reads only; run it
    /// after applying the bundle, before a later one changes the tables.
    func writeVerify(to url: URL, hashes: [String: SnapshotHashes]) throws {
        let out = try ScriptWriter(path: url)
        try out.line(
            "-- Airlock bundle \(bundle.paddedSequence) (\(bundle.id)): verify for \(dialect == .postgres ? "PostgreSQL" : "SQLite"), after apply."
        )
        try out.line(
            "-- Run from the unpacked bundle's folder: "
                + (dialect == .postgres
                    ? "psql -v ON_ERROR_STOP=1 -f \(BundleLayout.script(.verify, for: dialect))"
                    : "sqlite3 -bail TARGET.db < \(BundleLayout.script(.verify, for: dialect))"))
        switch dialect {
        case .postgres:
            try out.line("\\set ON_ERROR_STOP on")
            try out.line("\\set SHOW_CONTEXT never")
            for setting in Self.postgresSettings { try out.line(setting) }
            try out.line(ChecksumOffsetStatements.lookup)
        case .sqlite:
            try out.line(ScriptSwitches.sqliteBail)
        }
        let rows = entities.map { entity in
            "SELECT \(dialect.literal(entity.name)) AS entity, (\(TableChecksum(entity: entity).query(dialect, table: EntitySQL(entity, dialect).targetTable))) AS actual, \(dialect.literal(hashes[entity.name]?.checksums[dialect] ?? "")) AS expected"
        }
        // A bundle whose one change is an entity removed changes no table's rows: nothing to compare.
        let none = ["entity", "actual", "expected"].map { "CAST(NULL AS TEXT) AS \($0)" }.joined(separator: ", ")
        let compared = rows.isEmpty ? ["SELECT \(none) WHERE 1 = 0"] : rows
        try out.line("CREATE TEMP TABLE airlock_verify AS\n\(compared.joined(separator: "\nUNION ALL\n"));")
        try out.line(
            """
            SELECT 'airlock: ' || entity || ': ' || CASE WHEN actual = expected THEN 'ok, ' || actual
              ELSE 'DIFFERS: the table has ' || actual || ', bundle \(bundle.paddedSequence) expects ' || expected || ' (rows:checksum)' END
            FROM airlock_verify ORDER BY entity;
            """)
        try writeKeyListing(out, hashes: hashes)
        try out.line(
            ledger.refuse(
                when: "EXISTS (SELECT 1 FROM airlock_verify WHERE actual <> expected)",
                message:
                    "airlock: verify: the target's tables differ from bundle \(bundle.paddedSequence) (listed above): "
                    + "edited on the target, or a later bundle applied since (airlock_ledger says which; verify with its verify.sql)",
                label: "verify"))
        try out.line("DROP TABLE airlock_verify;")
        try out.close()
    }

    /// On request (`ScriptSwitches.listKeys`: `psql -v airlock_keys=1`, or `sqlite3 -cmd
    /// '.parameter set @airlock_keys 1'`), names what differs from the bundle in each table
    /// (`VerifyKeyListing`); unasked, it prints nothing more than before.
    private func writeKeyListing(_ out: ScriptWriter, hashes: [String: SnapshotHashes]) throws {
        let name = ScriptSwitches.listKeys
        if dialect == .postgres { try out.line("\\if :{?\(name)}") }
        let on = dialect == .postgres ? "TRUE" : "coalesce(@\(name), 0)"
        for (index, entity) in entities.enumerated() {
            let groups = hashes[entity.name]?.unchanged[dialect] ?? SnapshotHashes.Groups()
            try VerifyKeyListing(entity: entity, dialect: dialect, ordinal: index + 1, bundle: bundle, groups: groups)
                .write(out, on: on)
        }
        if dialect == .postgres { try out.line("\\endif") }
    }
}
