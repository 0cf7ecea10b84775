import AirlockBase

/// The `airlock_ledger` table in a target and the guards the scripts run against it, so that
/// the scripts protect the target by themselves, with nothing but `psql` or `sqlite3`.
///
/// The ledger is append-only. Each row records one script run and the bundle digest the target
/// is at afterwards (`head_digest`); the last row's head is the target's state.
package struct LedgerStatements {
    let dialect: SQLDialect

    package init(dialect: SQLDialect) {
        self.dialect = dialect
    }

    private static let table = "airlock_ledger"

    package var createTable: String {
        switch dialect {
        case .postgres:
            return """
                CREATE TABLE IF NOT EXISTS \(Self.table) (
                    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    bundle_id text NOT NULL,
                    sequence bigint NOT NULL,
                    digest text NOT NULL,
                    parent_digest text NOT NULL,
                    kind text NOT NULL CHECK (kind IN (\(kinds))),
                    head_digest text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now()
                );
                """
        case .sqlite:
            return """
                CREATE TABLE IF NOT EXISTS \(Self.table) (
                    id INTEGER PRIMARY KEY,
                    bundle_id TEXT NOT NULL,
                    sequence INTEGER NOT NULL,
                    digest TEXT NOT NULL,
                    parent_digest TEXT NOT NULL,
                    kind TEXT NOT NULL CHECK (kind IN (\(kinds))),
                    head_digest TEXT NOT NULL,
                    applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
                );
                """
        }
    }

    private var kinds: String { LedgerKind.allCases.map { dialect.literal($0.rawValue) }.joined(separator: ", ") }

    /// True (`t` in psql) when the target has a ledger.
    var exists: String {
        switch dialect {
        case .postgres: return "SELECT to_regclass('\(Self.table)') IS NOT NULL"
        case .sqlite:
            return "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '\(Self.table)')"
        }
    }

    /// Every row, oldest first, with the columns `LedgerEntry(fields:)` takes, all as text.
    var entries: String {
        let appliedAt =
            dialect == .postgres
            ? "to_char(applied_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
            : "substr(applied_at, 1, 19) || 'Z'"
        return
            "SELECT bundle_id, CAST(sequence AS TEXT), digest, parent_digest, kind, head_digest, CAST(id AS TEXT), \(appliedAt) FROM \(Self.table) ORDER BY \(Self.table).id"
    }

    /// How long an SQLite script, or the applier, waits for another apply that holds the
    /// database (`BEGIN IMMEDIATE` in its script) before giving up.
    package static let busyTimeout: Double = 600

    /// The key of the PostgreSQL advisory lock every script takes first: "Airlock" in ASCII.
    package static let advisoryLockKey: Int64 = 0x41_6972_6C6F_636B

    /// One apply at a time: before a script creates or reads the ledger, it takes the
    /// transaction-level advisory lock (PostgreSQL) or the database's write lock (SQLite,
    /// `BEGIN IMMEDIATE`, waiting up to `busyTimeout` for another writer). A second script run
    /// at the same moment waits for the first to commit and then reads its ledger row, so it
    /// is refused by the ledger guards in words (already applied, wrong parent), never by a
    /// catalog constraint.
    package var takeLock: [String] {
        switch dialect {
        case .postgres:
            return [procedure("BEGIN PERFORM pg_advisory_xact_lock(\(Self.advisoryLockKey)); END")]
        case .sqlite:
            return [".timeout \(Int(Self.busyTimeout * 1000))", "BEGIN IMMEDIATE;"]
        }
    }

    /// The digest of the bundle the target is at; empty for a target no bundle has touched.
    package var head: String {
        "COALESCE((SELECT head_digest FROM \(Self.table) ORDER BY id DESC LIMIT 1), '')"
    }

    /// How the bundle with `digest` was last applied: `upsert` or `cutover`; empty if never.
    package func appliedKind(_ digest: String) -> String {
        "COALESCE((SELECT kind FROM \(Self.table) WHERE digest = \(dialect.literal(digest)) AND kind <> \(dialect.literal(LedgerKind.rollback.rawValue)) ORDER BY id DESC LIMIT 1), '')"
    }

    package func record(_ bundle: BundleIdentity, kind: LedgerKind, headAfter: String) -> String {
        let values = [bundle.id, String(bundle.sequence), bundle.digest, bundle.parentDigest, kind.rawValue, headAfter]
        let literals = values.enumerated().map { $0.offset == 1 ? $0.element : dialect.literal($0.element) }
        return
            "INSERT INTO \(Self.table) (bundle_id, sequence, digest, parent_digest, kind, head_digest) VALUES (\(literals.joined(separator: ", ")));"
    }

    /// Stops the script when `condition` holds. PostgreSQL raises from a DO block; SQLite has
    /// no RAISE outside triggers, so a CHECK constraint named after the message fails instead
    /// and `sqlite3` prints that name. `label` names the guard's temporary table in SQLite and
    /// must be unique within a script.
    package func refuse(when condition: String, message: String, label: String) -> String {
        switch dialect {
        case .postgres:
            return procedure(
                "BEGIN IF \(condition) THEN RAISE EXCEPTION USING MESSAGE = \(dialect.literal(message)); END IF; END")
        case .sqlite:
            let table = dialect.identifier("airlock_guard_\(label)")
            return """
                CREATE TEMP TABLE \(table) (passed INTEGER CONSTRAINT \(dialect.identifier(message)) CHECK (passed));
                INSERT INTO \(table) SELECT NOT (\(condition));
                """
        }
    }

    /// A PostgreSQL `DO` block. Its body is built from spec names and Airlock's own text, never
    /// from row values; its dollar quote is one the body does not hold (a table a site named
    /// `$airlock$` included).
    package func procedure(_ body: String) -> String {
        var tag = "$airlock$"
        var number = 0
        while body.contains(tag) {
            number += 1
            tag = "$airlock\(number)$"
        }
        return "DO \(tag) \(body) \(tag);"
    }

    /// PostgreSQL: how far each table's checksum is from the bundle's because the target's
    /// column types render some values their own way (jsonb, uuid, a wider numeric): per
    /// table, the sums the scripts added (`slot` current), and for a cutover the offsets of
    /// the table it moved aside (`slot` backup_SEQ). verify.sql takes them off.
    package static let checksumOffsets = "airlock_checksum_offsets"

    package var createChecksumOffsets: String {
        """
        CREATE TABLE IF NOT EXISTS \(Self.checksumOffsets) (
            table_name text NOT NULL,
            slot text NOT NULL,
            first bigint NOT NULL,
            second bigint NOT NULL,
            PRIMARY KEY (table_name, slot)
        );
        """
    }

    /// PostgreSQL scripts carry no BEGIN/COMMIT so that `psql -1` makes them one transaction;
    /// this guard refuses to run them statement by statement. In autocommit mode each
    /// statement's transaction starts with it, so `now()` equals `statement_timestamp()`.
    package var requireSingleTransaction: String {
        refuse(
            when: "now() = statement_timestamp()",
            message: "airlock: run this script as one transaction: psql -v ON_ERROR_STOP=1 -1 -f FILE",
            label: "transaction")
    }
}

/// What identifies a bundle in a target's ledger.
package struct BundleIdentity: Equatable {
    package var id: String
    package var sequence: Int
    /// SHA-256 of the bundle's `manifest.json`.
    package var digest: String
    /// The digest of the previous bundle; empty for the first.
    package var parentDigest: String
    /// The sequence of the bundle `parentDigest` names, for messages; nil where not known.
    package var parentSequence: Int?
    /// The digest the target's ledger is at after the bundle: `digest`, or for a catch-up
    /// bundle the digest of the producer's bundle it stands for (`Manifest.catchup`).
    package var appliedDigest: String

    package init(
        id: String, sequence: Int, digest: String, parentDigest: String, parentSequence: Int? = nil,
        appliedDigest: String? = nil
    ) {
        self.id = id
        self.sequence = sequence
        self.digest = digest
        self.parentDigest = parentDigest
        self.parentSequence = parentSequence
        self.appliedDigest = appliedDigest ?? digest
    }

    package var paddedSequence: String { Self.pad(sequence) }

    /// Sequence numbers in names and messages are zero-padded to six digits: `bundle-000042`.
    package static func pad(_ sequence: Int) -> String {
        let digits = String(sequence)
        return String(repeating: "0", count: max(0, 6 - digits.count)) + digits
    }
}
