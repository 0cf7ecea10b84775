import AirlockBase

/// The PL/pgSQL with which a PostgreSQL script takes the bundle's rows in the target's own
/// column types, as temporary functions (after `PostgresTargetCheckFunctions`).
///
/// The rows arrive as COPY data in the spec's types. When the target's table types every
/// column the entity fills the same way (a table the bundle created, say), they are used as
/// they are; otherwise `airlock_take_rows` moves them into a temporary table shaped after the
/// target's columns (enums, domains, uuid, varchar(n), citext, jsonb, numeric(p,s), arrays),
/// each value taken as an insert into the table would take it, so the drift guard, the
/// writes and the rollback compare and store values in the target's types. Cutovers load
/// their staging table directly when they can (`airlock_begin_staging`), keep the site's own
/// columns (`airlock_keep_unmanaged`); rollbacks restore deleted rows whole
/// (`airlock_restore_removed`).
enum PostgresTargetRowFunctions {
    static let definitions = #"""
        -- The first or second 32 bits of the SHA-256 of a row's canonical text, as verify.sql sums them.
        CREATE OR REPLACE FUNCTION pg_temp.airlock_half(line text, part integer) RETURNS bigint LANGUAGE sql IMMUTABLE AS $airlock$
          SELECT ('x' || substr(encode(sha256(convert_to(line, 'UTF8')), 'hex'), 8 * part - 7, 8))::bit(32)::bigint
        $airlock$;

        -- A type by its catalog name, domains unwrapped and without a modifier: what a value is cast
        -- to before a column of the type takes it, so that the column's own length, precision and
        -- domain checks apply as they do for any insert (a cast to varchar(n) would cut values short).
        CREATE OR REPLACE FUNCTION pg_temp.airlock_cast_type(type_oid oid) RETURNS text LANGUAGE plpgsql AS $airlock$
        DECLARE
          base oid := (pg_temp.airlock_base_type(type_oid, -1)).base;
        BEGIN
          RETURN (SELECT format('%I.%I', n.nspname, t.typname) FROM pg_type AS t JOIN pg_namespace AS n ON n.oid = t.typnamespace WHERE t.oid = base);
        END $airlock$;

        -- The rows loaded into `loaded` (in the spec's types), as the target's table types them: when
        -- every column the entity fills has the spec's type, `loaded` itself; otherwise a temporary
        -- table `typed` with the table's own column types (enums, domains, uuid, varchar(n), jsonb
        -- ...), each value taken as an insert into the table would take it. Values that do not fit
        -- are problems. Each typed row keeps the first and second half-sums by which its canonical
        -- text differs from the text of the bundle's row (airlock_first, airlock_second), so that
        -- verify.sql can compare a table whose types render values their own way.
        CREATE OR REPLACE FUNCTION pg_temp.airlock_take_rows(entity text, schema_name text, table_name text, loaded regclass, typed text, columns text[], key text[], writes boolean, key_text text, line text) RETURNS regclass LANGUAGE plpgsql AS $airlock$
        DECLARE
          live regclass := pg_temp.airlock_table(schema_name, table_name);
          shown text := concat_ws('.', quote_ident(schema_name), quote_ident(table_name));
          names text;
          casts text[] := '{}';
          same boolean := true;
          item record;
          i integer;
        BEGIN
          IF live IS NULL OR EXISTS (SELECT 1 FROM pg_temp.airlock_problems AS p WHERE p.entity = airlock_take_rows.entity) THEN
            RETURN loaded;
          END IF;
          SELECT string_agg(quote_ident(c), ', ' ORDER BY n) INTO names FROM unnest(columns) WITH ORDINALITY AS u(c, n);
          FOR i IN 1 .. cardinality(columns) LOOP
            SELECT a.atttypid, format_type(a.atttypid, a.atttypmod) AS type_name INTO item FROM pg_attribute AS a WHERE a.attrelid = live AND a.attname = columns[i];
            IF item.type_name = (SELECT format_type(a.atttypid, a.atttypmod) FROM pg_attribute AS a WHERE a.attrelid = loaded AND a.attname = columns[i]) THEN
              casts := casts || quote_ident(columns[i]);
            ELSE
              same := false;
              casts := casts || format('%I::text::%s', columns[i], pg_temp.airlock_cast_type(item.atttypid));
            END IF;
          END LOOP;
          IF same THEN
            IF writes THEN PERFORM pg_temp.airlock_check_written(entity, shown, live, loaded, columns, key_text); END IF;
            RETURN loaded;
          END IF;
          IF typed = (SELECT c.relname FROM pg_class AS c WHERE c.oid = loaded) THEN
            EXECUTE format('ALTER TABLE %s RENAME TO %I', loaded, typed || '_raw');
          END IF;
          EXECUTE format('CREATE TEMP TABLE %I ON COMMIT DROP AS SELECT %s FROM %s WITH NO DATA', typed, names, live);
          EXECUTE format('ALTER TABLE %I ADD COLUMN airlock_line text, ADD COLUMN airlock_first bigint NOT NULL DEFAULT 0, ADD COLUMN airlock_second bigint NOT NULL DEFAULT 0', typed);
          BEGIN
            EXECUTE format('INSERT INTO %I (%s, airlock_line) SELECT %s, %s FROM %s', typed, names, array_to_string(casts, ', '), line, loaded);
          EXCEPTION WHEN others THEN
            PERFORM pg_temp.airlock_diagnose(entity, shown, live, loaded, typed, columns, casts);
            IF NOT EXISTS (SELECT 1 FROM pg_temp.airlock_problems AS p WHERE p.entity = airlock_take_rows.entity) THEN
              PERFORM pg_temp.airlock_problem(entity, format('the bundle''s rows cannot be stored in %s: %s', shown, SQLERRM));
            END IF;
            RETURN typed::regclass;
          END;
          EXECUTE format('UPDATE %I SET airlock_first = pg_temp.airlock_half(%s, 1) - pg_temp.airlock_half(airlock_line, 1), airlock_second = pg_temp.airlock_half(%s, 2) - pg_temp.airlock_half(airlock_line, 2) WHERE %s IS DISTINCT FROM airlock_line',
                         typed, line, line, line);
          BEGIN
            EXECUTE format('ALTER TABLE %I ADD PRIMARY KEY (%s)', typed, (SELECT string_agg(quote_ident(k), ', ' ORDER BY n) FROM unnest(key) WITH ORDINALITY AS u(k, n)));
          EXCEPTION WHEN unique_violation THEN
            PERFORM pg_temp.airlock_problem(entity, format('keys that differ in the bundle are equal as %s stores them (%s): %s', shown, array_to_string(key, ', '), SQLERRM));
          END;
          IF writes THEN PERFORM pg_temp.airlock_check_written(entity, shown, live, typed::regclass, columns, key_text); END IF;
          RETURN typed::regclass;
        END $airlock$;

        -- A new staging table shaped like the live one (defaults, identity, NOT NULL and CHECK
        -- constraints; indexes come at the end), whose identity columns go on where the live
        -- table's stopped, so the rows a cutover adds never take an id the live table gave out.
        CREATE OR REPLACE FUNCTION pg_temp.airlock_new_staging(live regclass, staging text) RETURNS void LANGUAGE plpgsql AS $airlock$
        DECLARE
          item record;
          position record;
        BEGIN
          EXECUTE format('CREATE TABLE %s (LIKE %s INCLUDING ALL EXCLUDING INDEXES)', staging, live);
          FOR item IN SELECT pg_get_serial_sequence(live::text, a.attname) AS live_sequence, pg_get_serial_sequence(staging, a.attname) AS staging_sequence
                      FROM pg_attribute AS a WHERE a.attrelid = live AND a.attnum > 0 AND NOT a.attisdropped AND a.attidentity <> '' LOOP
            EXECUTE format('SELECT last_value, is_called FROM %s', item.live_sequence) INTO position;
            PERFORM setval(item.staging_sequence, position.last_value, position.is_called);
          END LOOP;
        END $airlock$;

        -- The table a cutover's COPY loads: the staging table itself when the live table types every
        -- column the entity fills as the spec does and nothing could refuse a row (no CHECK over those
        -- columns, no NOT NULL column the bundle leaves empty: `nullable`), the fast path of a first
        -- load; otherwise a plain table of the spec's types, checked and moved into the real staging
        -- table by airlock_finish_staging.
        CREATE OR REPLACE FUNCTION pg_temp.airlock_begin_staging(entity text, schema_name text, table_name text, staging text, columns text[], spec_types text[], nullable text[], definition text, subject text) RETURNS void LANGUAGE plpgsql AS $airlock$
        DECLARE
          live regclass := pg_temp.airlock_table(schema_name, table_name);
          direct boolean;
        BEGIN
          -- Without its schema there is nowhere to load the rows: the check ends here, with every
          -- problem found so far.
          IF schema_name IS NOT NULL AND NOT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = schema_name) THEN
            PERFORM pg_temp.airlock_check_end(subject);
          END IF;
          direct := live IS NOT NULL
            AND NOT EXISTS (SELECT 1 FROM pg_temp.airlock_problems AS p WHERE p.entity = airlock_begin_staging.entity)
            AND NOT EXISTS (SELECT 1 FROM unnest(columns, spec_types) AS u(c, t)
                            LEFT JOIN pg_attribute AS a ON a.attrelid = live AND a.attname = u.c AND NOT a.attisdropped
                            WHERE a.attname IS NULL OR format_type(a.atttypid, a.atttypmod) <> u.t OR (a.attnotnull AND u.c = ANY (nullable)))
            AND NOT EXISTS (SELECT 1 FROM pg_constraint AS c WHERE c.conrelid = live AND c.contype = 'c'
                            AND c.conkey && (SELECT array_agg(a.attnum) FROM pg_attribute AS a WHERE a.attrelid = live AND a.attname = ANY (columns)));
          IF direct THEN
            PERFORM pg_temp.airlock_new_staging(live, staging);
          ELSE
            EXECUTE format('CREATE TABLE %s %s', staging, definition);
          END IF;
          INSERT INTO pg_temp.airlock_stagings VALUES (staging, direct);
        END $airlock$;

        -- After the COPY: the loaded rows checked like an upsert's (airlock_take_rows) and, when they
        -- fit, moved into a real staging table in the target's types; their checksum offsets noted.
        -- The plain table the COPY filled is renamed `loading` on the way and dropped.
        CREATE OR REPLACE FUNCTION pg_temp.airlock_finish_staging(entity text, schema_name text, table_name text, staging text, loading text, ordinal integer, columns text[], key text[], key_text text, line text, table_key text) RETURNS void LANGUAGE plpgsql AS $airlock$
        DECLARE
          live regclass := pg_temp.airlock_table(schema_name, table_name);
          loaded regclass := staging::regclass;
          typed regclass;
          names text;
        BEGIN
          IF (SELECT s.direct FROM pg_temp.airlock_stagings AS s WHERE s.staging = airlock_finish_staging.staging) THEN
            RETURN;
          END IF;
          EXECUTE format('ALTER TABLE %s RENAME TO %I', loaded, loading);
          typed := pg_temp.airlock_take_rows(entity, schema_name, table_name, loaded, 'airlock_stage_' || ordinal, columns, key, true, key_text, line);
          IF live IS NULL OR EXISTS (SELECT 1 FROM pg_temp.airlock_problems AS p WHERE p.entity = airlock_finish_staging.entity) THEN
            RETURN;
          END IF;
          SELECT string_agg(quote_ident(c), ', ' ORDER BY n) INTO names FROM unnest(columns) WITH ORDINALITY AS u(c, n);
          PERFORM pg_temp.airlock_new_staging(live, staging);
          EXECUTE format('INSERT INTO %s (%s) SELECT %s FROM %s', staging, names, names, typed);
          IF typed <> loaded THEN
            PERFORM pg_temp.airlock_add_offsets(table_key, typed, 1);
            EXECUTE format('DROP TABLE %s', typed);
          END IF;
          EXECUTE format('DROP TABLE %s', loaded);
        END $airlock$;

        -- The site's own columns of a cutover's table keep their values on every row whose key stays
        -- (ids, created_at, notes the bundle does not manage); rows the bundle adds take defaults.
        CREATE OR REPLACE FUNCTION pg_temp.airlock_keep_unmanaged(live regclass, staging regclass, columns text[], key text[]) RETURNS void LANGUAGE plpgsql AS $airlock$
        DECLARE
          kept text[];
          always text[];
          name text;
        BEGIN
          SELECT array_agg(quote_ident(a.attname) ORDER BY a.attnum), array_agg(a.attname ORDER BY a.attnum) FILTER (WHERE a.attidentity = 'a')
            INTO kept, always FROM pg_attribute AS a
            WHERE a.attrelid = staging AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = '' AND a.attname <> ALL (columns);
          IF kept IS NULL THEN
            RETURN;
          END IF;
          FOREACH name IN ARRAY coalesce(always, '{}') LOOP
            EXECUTE format('ALTER TABLE %s ALTER COLUMN %I SET GENERATED BY DEFAULT', staging, name);
          END LOOP;
          EXECUTE format('UPDATE %s AS s SET (%s) = ROW(%s) FROM %s AS l WHERE %s', staging, array_to_string(kept, ', '),
            (SELECT string_agg('l.' || k, ', ' ORDER BY n) FROM unnest(kept) WITH ORDINALITY AS u(k, n)), live,
            (SELECT string_agg(format('s.%I = l.%I', k, k), ' AND ') FROM unnest(key) AS k));
          FOREACH name IN ARRAY coalesce(always, '{}') LOOP
            EXECUTE format('ALTER TABLE %s ALTER COLUMN %I SET GENERATED ALWAYS', staging, name);
          END LOOP;
        END $airlock$;

        -- Rows an upsert deleted come back whole from the table that kept them, site's columns and
        -- all, unless the target holds their key again.
        CREATE OR REPLACE FUNCTION pg_temp.airlock_restore_removed(live regclass, removed regclass, key text[]) RETURNS void LANGUAGE plpgsql AS $airlock$
        DECLARE
          names text;
        BEGIN
          SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum) INTO names FROM pg_attribute AS a
            WHERE a.attrelid = live AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
              AND EXISTS (SELECT 1 FROM pg_attribute AS r WHERE r.attrelid = removed AND r.attname = a.attname AND NOT r.attisdropped);
          EXECUTE format('INSERT INTO %s (%s) OVERRIDING SYSTEM VALUE SELECT %s FROM %s AS r WHERE NOT EXISTS (SELECT 1 FROM %s AS l WHERE %s)',
            live, names, names, removed, live, (SELECT string_agg(format('l.%I = r.%I', k, k), ' AND ') FROM unnest(key) AS k));
        END $airlock$;

        -- Checksum offsets: how far the target's checksum of a table is from the bundle's because its
        -- types render some values their own way (jsonb, uuid, a wider numeric). `sign` 1 adds the
        -- rows of `typed`, -1 takes them away.
        CREATE OR REPLACE FUNCTION pg_temp.airlock_add_offsets(table_key text, typed regclass, sign integer) RETURNS void LANGUAGE plpgsql AS $airlock$
        BEGIN
          IF EXISTS (SELECT 1 FROM pg_attribute AS a WHERE a.attrelid = typed AND a.attname = 'airlock_first') THEN
            EXECUTE format('INSERT INTO pg_temp.airlock_offset_parts SELECT $1, $2 * coalesce(sum(airlock_first), 0), $2 * coalesce(sum(airlock_second), 0) FROM %s', typed) USING table_key, sign;
          END IF;
        END $airlock$;
        """#
}
