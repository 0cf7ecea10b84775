import GRDB

/// The workspace's own tables. Entity tables (`snap_*`, `base_*`) follow the spec instead;
/// see `EntityTables`.
enum WorkspaceSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            // One row per distinct file content ever seen: the identity is the SHA-256, so the
            // same content dropped twice is recorded once.
            try db.execute(
                sql: """
                    CREATE TABLE airlock_files (
                        sha256 TEXT PRIMARY KEY,
                        name TEXT NOT NULL,
                        size INTEGER NOT NULL,
                        entity TEXT,
                        state TEXT NOT NULL CHECK (state IN ('pending', 'bundled', 'unchanged', 'rejected')),
                        error TEXT,
                        records INTEGER NOT NULL DEFAULT 0,
                        ingested_at TEXT NOT NULL,
                        ingest_order INTEGER NOT NULL,
                        bundle_sequence INTEGER
                    );
                    CREATE TABLE airlock_raw (
                        id INTEGER PRIMARY KEY,
                        file_sha256 TEXT NOT NULL REFERENCES airlock_files(sha256),
                        entity TEXT NOT NULL,
                        record_no INTEGER NOT NULL,
                        line INTEGER,
                        record TEXT NOT NULL
                    );
                    CREATE INDEX airlock_raw_by_file ON airlock_raw(file_sha256);
                    CREATE TABLE airlock_quarantine (
                        raw_id INTEGER NOT NULL REFERENCES airlock_raw(id),
                        file_sha256 TEXT NOT NULL,
                        entity TEXT NOT NULL,
                        field TEXT NOT NULL,
                        value TEXT,
                        reason TEXT NOT NULL
                    );
                    CREATE INDEX airlock_quarantine_by_file ON airlock_quarantine(file_sha256);
                    CREATE TABLE airlock_bundles (
                        sequence INTEGER PRIMARY KEY,
                        id TEXT NOT NULL,
                        digest TEXT NOT NULL,
                        file_name TEXT NOT NULL,
                        created_at TEXT NOT NULL
                    );
                    CREATE TABLE airlock_entities (
                        name TEXT PRIMARY KEY,
                        columns TEXT NOT NULL
                    );
                    """)
        }
        migrator.registerMigration("v2 discard") { db in
            // A discarded bundle's files keep their record with state 'discarded'. SQLite cannot
            // alter a CHECK constraint, so the table is rebuilt (GRDB defers foreign key checks).
            try db.execute(
                sql: """
                    CREATE TABLE airlock_files_v2 (
                        sha256 TEXT PRIMARY KEY,
                        name TEXT NOT NULL,
                        size INTEGER NOT NULL,
                        entity TEXT,
                        state TEXT NOT NULL CHECK (state IN ('pending', 'bundled', 'unchanged', 'rejected', 'discarded')),
                        error TEXT,
                        records INTEGER NOT NULL DEFAULT 0,
                        ingested_at TEXT NOT NULL,
                        ingest_order INTEGER NOT NULL,
                        bundle_sequence INTEGER
                    );
                    INSERT INTO airlock_files_v2 SELECT * FROM airlock_files;
                    DROP TABLE airlock_files;
                    ALTER TABLE airlock_files_v2 RENAME TO airlock_files;
                    CREATE TABLE airlock_discarded_bundles (
                        id TEXT PRIMARY KEY,
                        sequence INTEGER NOT NULL,
                        digest TEXT NOT NULL,
                        file_name TEXT NOT NULL,
                        created_at TEXT NOT NULL,
                        discarded_at TEXT NOT NULL
                    );
                    """)
        }
        migrator.registerMigration("v3 pull") { db in
            // When `airlock pull` fetched a file's content; NULL for dropped files.
            try db.execute(sql: "ALTER TABLE airlock_files ADD COLUMN pulled_at TEXT")
        }
        migrator.registerMigration("v4 drops") { db in
            // Records that could not be read, held back while the rest of their file proceeds;
            // and archives by content, so a drop is unpacked once (its members are files above).
            try db.execute(
                sql: """
                    CREATE TABLE airlock_unparsed (
                        file_sha256 TEXT NOT NULL REFERENCES airlock_files(sha256),
                        line INTEGER,
                        record_no INTEGER NOT NULL,
                        field TEXT,
                        reason TEXT NOT NULL,
                        text TEXT NOT NULL
                    );
                    CREATE INDEX airlock_unparsed_by_file ON airlock_unparsed(file_sha256);
                    CREATE TABLE airlock_archives (
                        sha256 TEXT PRIMARY KEY,
                        name TEXT NOT NULL,
                        size INTEGER NOT NULL,
                        state TEXT NOT NULL CHECK (state IN ('ingested', 'rejected')),
                        error TEXT,
                        seen_at TEXT NOT NULL
                    );
                    """)
        }
        migrator.registerMigration("v5 checks") { db in
            // Which check a held-back record failed, and what that does: quarantine (held back),
            // warn (reported, the record proceeds) or block (the run writes no bundle).
            try db.execute(
                sql: """
                    ALTER TABLE airlock_quarantine ADD COLUMN check_name TEXT NOT NULL DEFAULT 'type';
                    ALTER TABLE airlock_quarantine ADD COLUMN severity TEXT NOT NULL DEFAULT 'quarantine'
                    """)
        }
        migrator.registerMigration("v6 current state") { db in
            // Content identity dedupes re-deliveries of an entity's current state only: a file
            // settles in a run (`settled_order`, increasing), and the files of the entity's
            // newest settled run are its current state. Rows of earlier releases: a bundle's
            // files settled together (numbered by their newest ingest order), an unchanged file
            // on its own. Kept inbox files (`inbox: {processed: keep}`) are remembered by name,
            // so a file lying in place is not read again when it stops being current.
            try db.execute(
                sql: """
                    ALTER TABLE airlock_files ADD COLUMN settled_order INTEGER;
                    UPDATE airlock_files SET settled_order = CASE state
                        WHEN 'bundled' THEN (SELECT max(b.ingest_order) FROM airlock_files AS b
                                             WHERE b.bundle_sequence = airlock_files.bundle_sequence AND b.state = 'bundled')
                        WHEN 'unchanged' THEN ingest_order END;
                    CREATE TABLE airlock_kept_files (
                        name TEXT PRIMARY KEY,
                        sha256 TEXT NOT NULL
                    );
                    INSERT OR REPLACE INTO airlock_kept_files (name, sha256)
                        SELECT name, sha256 FROM airlock_files WHERE state <> 'rejected' AND instr(name, '!') = 0 ORDER BY ingest_order;
                    INSERT OR REPLACE INTO airlock_kept_files (name, sha256)
                        SELECT name, sha256 FROM airlock_archives WHERE state = 'ingested' ORDER BY seen_at;
                    """)
        }
        migrator.registerMigration("v7 incremental pull") { db in
            // The high-water mark each bundle left an incremental pull source (`PullCursor`),
            // and the parameter and value a pulled file was fetched with (`WorkspaceFile`).
            try db.execute(
                sql: """
                    CREATE TABLE airlock_pull_cursors (
                        entity TEXT NOT NULL,
                        bundle_sequence INTEGER NOT NULL,
                        expression TEXT NOT NULL,
                        mark TEXT NOT NULL,
                        PRIMARY KEY (entity, bundle_sequence)
                    );
                    ALTER TABLE airlock_files ADD COLUMN cursor_param TEXT;
                    ALTER TABLE airlock_files ADD COLUMN cursor_since TEXT
                    """)
        }
        migrator.registerMigration("v8 runs") { db in
            // What each run that read files ended in, for `airlock status` (`RunRecord`).
            try db.execute(
                sql: """
                    CREATE TABLE airlock_runs (
                        id INTEGER PRIMARY KEY,
                        finished_at TEXT NOT NULL,
                        outcome TEXT NOT NULL,
                        bundle_sequence INTEGER,
                        records INTEGER NOT NULL,
                        held_back INTEGER NOT NULL,
                        blocking TEXT NOT NULL,
                        set_aside TEXT NOT NULL
                    )
                    """)
        }
        migrator.registerMigration("v9 sheets") { db in
            // Spreadsheets: the sheet read, its date system and its header, for places and dates.
            try db.execute(
                sql: """
                    CREATE TABLE airlock_sheets (
                        file_sha256 TEXT PRIMARY KEY REFERENCES airlock_files(sha256),
                        sheet TEXT NOT NULL,
                        date1904 INTEGER NOT NULL,
                        header TEXT NOT NULL
                    )
                    """)
        }
        migrator.registerMigration("v10 finding keys") { db in
            // The key of the record a finding is about (`product_id='P-100'`), where it has one.
            try db.execute(sql: "ALTER TABLE airlock_quarantine ADD COLUMN record_key TEXT")
        }
        migrator.registerMigration("v11 spec history") { db in
            // Each entity's definition as its tables were made (`EntityDefinition`), so a spec
            // change is migrated rather than refused, and the digest of its part of the spec as
            // last read, so any change to it reads its records again; each bundle's spec digest
            // and whether it changed the schema.
            // The schema changes each bundle made and the values of the columns they removed
            // or retyped, for its rollback scripts and for `discard` (`MigrationRecord`,
            // `RestoreValues`).
            try db.execute(
                sql: """
                    ALTER TABLE airlock_entities ADD COLUMN definition TEXT;
                    ALTER TABLE airlock_entities ADD COLUMN written_sha256 TEXT;
                    ALTER TABLE airlock_bundles ADD COLUMN spec_digest TEXT;
                    ALTER TABLE airlock_bundles ADD COLUMN changes_schema INTEGER NOT NULL DEFAULT 0;
                    CREATE TABLE airlock_migrations (
                        bundle INTEGER NOT NULL,
                        position INTEGER NOT NULL,
                        entity TEXT NOT NULL,
                        change TEXT NOT NULL,
                        old_definition TEXT NOT NULL,
                        PRIMARY KEY (bundle, position)
                    );
                    CREATE TABLE airlock_restore_values (
                        bundle INTEGER NOT NULL,
                        entity TEXT NOT NULL,
                        column_name TEXT NOT NULL,
                        undo_bundle INTEGER,
                        key TEXT NOT NULL,
                        value
                    );
                    CREATE INDEX airlock_restore_values_by_column ON airlock_restore_values (bundle, entity, column_name)
                    """)
        }
        migrator.registerMigration("v12 baseline sums") { db in
            // What each baseline's row hashes add up to, so the next bundle's checksums hash
            // only the rows it changes (`BaselineSums`).
            try db.execute(
                sql: """
                    CREATE TABLE airlock_baseline_sums (
                        entity TEXT NOT NULL,
                        bundle_sequence INTEGER NOT NULL,
                        spec_digest TEXT NOT NULL,
                        checksum_format INTEGER NOT NULL,
                        sums TEXT NOT NULL,
                        PRIMARY KEY (entity, bundle_sequence)
                    )
                    """)
        }
        migrator.registerMigration("v13 raw ranges") { db in
            // Each file's records are found by their run of ids (`RawRecords`), not an index.
            try db.execute(
                sql: """
                    CREATE TABLE airlock_raw_ranges (
                        sha256 TEXT PRIMARY KEY,
                        first_id INTEGER NOT NULL,
                        last_id INTEGER NOT NULL
                    ) WITHOUT ROWID;
                    INSERT INTO airlock_raw_ranges SELECT file_sha256, min(id), max(id) FROM airlock_raw GROUP BY file_sha256;
                    DROP INDEX airlock_raw_by_file;
                    """)
        }
        migrator.registerMigration("v14 raw fields") { db in
            // A CSV file's records keep their fields in columns of their own, `field1` on,
            // added as wider files come (`RawRecords.addFieldColumns`), with the file's header
            // once in its range and a number for it (`layout`): no JSON object per record, so
            // `record` may be NULL. SQLite cannot drop a NOT NULL, so the table is copied; the
            // copy keeps every id.
            try db.execute(
                sql: """
                    CREATE TABLE airlock_raw_copy (
                        id INTEGER PRIMARY KEY,
                        file_sha256 TEXT NOT NULL REFERENCES airlock_files(sha256),
                        entity TEXT NOT NULL,
                        record_no INTEGER NOT NULL,
                        line INTEGER,
                        record TEXT
                    );
                    INSERT INTO airlock_raw_copy SELECT id, file_sha256, entity, record_no, line, record FROM airlock_raw;
                    DROP TABLE airlock_raw;
                    ALTER TABLE airlock_raw_copy RENAME TO airlock_raw;
                    ALTER TABLE airlock_raw_ranges ADD COLUMN header TEXT;
                    ALTER TABLE airlock_raw_ranges ADD COLUMN layout INTEGER;
                    """)
        }
        migrator.registerMigration("v15 raw files by range") { db in
            // A record's file is the one whose run of ids holds it (`RawRecords`): the file's
            // SHA-256 and entity per record go. No run interleaves files' records, but a
            // workspace from before v13 could hold them so, and its ranges then overlap. Such
            // files' records trade ids among themselves, ordered by file (its first record)
            // and then by id, so each file's records are one run again, and every record keeps
            // its place before or after other files' (a key's newest record still wins). Their
            // findings follow them; a negated id is a record's on the way to its new one.
            try db.execute(
                sql: """
                    CREATE TEMP TABLE airlock_raw_overlapping AS
                    SELECT sha256 FROM (
                      SELECT sha256, first_id, last_id,
                        max(last_id) OVER (ORDER BY first_id, sha256 ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS before_end,
                        lead(first_id) OVER (ORDER BY first_id, sha256) AS next_start
                      FROM airlock_raw_ranges)
                    WHERE before_end >= first_id OR next_start <= last_id;
                    CREATE TEMP TABLE airlock_raw_moves (old_id INTEGER PRIMARY KEY, new_id INTEGER NOT NULL, sha256 TEXT NOT NULL);
                    INSERT INTO airlock_raw_moves
                    WITH moved AS (
                      SELECT r.id, g.first_id, g.sha256 FROM airlock_raw_ranges AS g JOIN airlock_raw AS r ON r.file_sha256 = g.sha256
                      WHERE g.sha256 IN (SELECT sha256 FROM airlock_raw_overlapping))
                    SELECT byFile.id, byID.id, byFile.sha256 FROM
                      (SELECT id, sha256, row_number() OVER (ORDER BY first_id, id) AS place FROM moved) AS byFile JOIN
                      (SELECT id, row_number() OVER (ORDER BY id) AS place FROM moved) AS byID USING (place);
                    UPDATE airlock_quarantine SET raw_id = (SELECT new_id FROM airlock_raw_moves WHERE old_id = raw_id)
                    WHERE raw_id IN (SELECT old_id FROM airlock_raw_moves);
                    UPDATE airlock_raw SET id = -(SELECT new_id FROM airlock_raw_moves WHERE old_id = id)
                    WHERE id IN (SELECT old_id FROM airlock_raw_moves);
                    UPDATE airlock_raw SET id = -id WHERE id < 0;
                    UPDATE airlock_raw_ranges SET (first_id, last_id) =
                      (SELECT min(new_id), max(new_id) FROM airlock_raw_moves AS m WHERE m.sha256 = airlock_raw_ranges.sha256)
                    WHERE sha256 IN (SELECT sha256 FROM airlock_raw_overlapping);
                    DROP TABLE airlock_raw_moves;
                    DROP TABLE airlock_raw_overlapping;
                    """)
            // The field columns `RawRecords.addFieldColumns` added are carried over.
            db.clearSchemaCache()
            let fields = try db.columns(in: "airlock_raw").map(\.name).filter { $0.hasPrefix("field") }
            let kept = (["id", "record_no", "line", "record"] + fields).joined(separator: ", ")
            let definitions = fields.map { ", \($0) TEXT" }.joined()
            try db.execute(
                sql: """
                    CREATE TABLE airlock_raw_copy (
                        id INTEGER PRIMARY KEY,
                        record_no INTEGER NOT NULL,
                        line INTEGER,
                        record TEXT\(definitions)
                    );
                    INSERT INTO airlock_raw_copy (\(kept)) SELECT \(kept) FROM airlock_raw;
                    DROP TABLE airlock_raw;
                    ALTER TABLE airlock_raw_copy RENAME TO airlock_raw;
                    """)
        }
        return migrator
    }
}
