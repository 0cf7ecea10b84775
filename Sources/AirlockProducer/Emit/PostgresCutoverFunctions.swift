import AirlockBase

/// The PL/pgSQL a PostgreSQL cutover script defines for itself, as temporary functions.
///
/// A cutover must copy and rename what the target holds (its indexes, constraints, grants,
/// foreign keys), which only the target's catalog knows, so this part of the script is
/// dynamic SQL. It lives in functions with parameters, so no table name is ever spliced into a
/// dollar-quoted body, and the text is static: the same in every bundle.
enum PostgresCutoverFunctions {
    static let definitions = """
        -- The functions below live in pg_temp and vanish with this session.
        CREATE OR REPLACE FUNCTION pg_temp.airlock_suffixed(name text, suffix text) RETURNS text LANGUAGE plpgsql AS $airlock$
        BEGIN
          IF octet_length(name || suffix) > 63 THEN
            RAISE EXCEPTION USING MESSAGE = format('airlock: %s is too long to be renamed %s (PostgreSQL names are at most 63 bytes); give it a shorter name', name, name || suffix);
          END IF;
          RETURN name || suffix;
        END $airlock$;

        -- Stops when anything the bundle does not manage depends on the live table: a swap
        -- would leave it attached to the old table.
        CREATE OR REPLACE FUNCTION pg_temp.airlock_refuse_dependents(live regclass, managed text[], action text) RETURNS void LANGUAGE plpgsql AS $airlock$
        DECLARE
          found text;
        BEGIN
          SELECT string_agg(what, ', ' ORDER BY what) INTO found FROM (
            SELECT 'view ' || r.ev_class::regclass::text AS what
              FROM pg_depend AS d JOIN pg_rewrite AS r ON r.oid = d.objid
              WHERE d.classid = 'pg_rewrite'::regclass AND d.refclassid = 'pg_class'::regclass AND d.refobjid = live AND r.ev_class <> live
            UNION SELECT 'rule ' || quote_ident(r.rulename) FROM pg_rewrite AS r WHERE r.ev_class = live
            UNION SELECT 'trigger ' || quote_ident(t.tgname) FROM pg_trigger AS t WHERE t.tgrelid = live AND NOT t.tgisinternal
            UNION SELECT 'policy ' || quote_ident(p.polname) FROM pg_policy AS p WHERE p.polrelid = live
            UNION SELECT 'foreign key ' || quote_ident(c.conname) || ' of table ' || c.conrelid::regclass::text
              FROM pg_constraint AS c
              WHERE c.contype = 'f' AND c.confrelid = live
                AND c.conrelid NOT IN (SELECT to_regclass(m) FROM unnest(managed) AS m WHERE to_regclass(m) IS NOT NULL)
            UNION SELECT 'inheriting table ' || i.inhrelid::regclass::text FROM pg_inherits AS i WHERE i.inhparent = live
            UNION SELECT 'parent table ' || i.inhparent::regclass::text FROM pg_inherits AS i WHERE i.inhrelid = live
          ) AS dependents;
          IF found IS NOT NULL THEN
            RAISE EXCEPTION USING MESSAGE = format('airlock: %s stopped before any change: %s depends on table %s and is not managed by the bundle; the swap would leave it on the old table. Drop or move it and run the script again, or apply the bundle with --mode upsert', action, found, live);
          END IF;
        END $airlock$;

        -- Gives the staging table what the live table has beyond its columns: primary key,
        -- unique and exclusion constraints, indexes (named with suffix until the swap), owner
        -- and grants. Column defaults, NOT NULL and CHECK constraints came with CREATE TABLE LIKE.
        CREATE OR REPLACE FUNCTION pg_temp.airlock_prepare(live regclass, staging regclass, suffix text) RETURNS void LANGUAGE plpgsql AS $airlock$
        DECLARE
          item record;
          live_table record;
          staging_table record;
          head text;
          at integer;
        BEGIN
          SELECT c.relname AS name, n.nspname AS schema, c.relowner AS owner, c.relacl AS acl INTO live_table
            FROM pg_class AS c JOIN pg_namespace AS n ON n.oid = c.relnamespace WHERE c.oid = live;
          SELECT c.relname AS name, n.nspname AS schema, c.relowner AS owner INTO staging_table
            FROM pg_class AS c JOIN pg_namespace AS n ON n.oid = c.relnamespace WHERE c.oid = staging;
          IF live_table.schema <> staging_table.schema THEN
            RAISE EXCEPTION USING MESSAGE = format('airlock: table %s is in schema %s, but new tables go to schema %s; set search_path so that %s comes first', live, live_table.schema, staging_table.schema, live_table.schema);
          END IF;
          FOR item IN SELECT c.conname AS name, pg_get_constraintdef(c.oid) AS definition
                      FROM pg_constraint AS c WHERE c.conrelid = live AND c.contype IN ('p', 'u', 'x') ORDER BY c.conname LOOP
            EXECUTE format('ALTER TABLE %s ADD CONSTRAINT %I %s', staging, pg_temp.airlock_suffixed(item.name, suffix), item.definition);
          END LOOP;
          FOR item IN SELECT i.relname AS name, pg_get_indexdef(i.oid) AS definition
                      FROM pg_index AS x JOIN pg_class AS i ON i.oid = x.indexrelid
                      WHERE x.indrelid = live AND NOT EXISTS (SELECT 1 FROM pg_constraint AS c WHERE c.conindid = x.indexrelid AND c.conrelid = live)
                      ORDER BY i.relname LOOP
            head := format('INDEX %I ON %I.%I USING ', item.name, live_table.schema, live_table.name);
            at := position(head IN item.definition);
            IF at = 0 THEN
              RAISE EXCEPTION USING MESSAGE = format('airlock: cannot copy index %s of %s: unexpected definition %s', item.name, live, item.definition);
            END IF;
            EXECUTE overlay(item.definition PLACING format('INDEX %I ON %s USING ', pg_temp.airlock_suffixed(item.name, suffix), staging) FROM at FOR length(head));
          END LOOP;
          IF live_table.owner <> staging_table.owner THEN
            EXECUTE format('ALTER TABLE %s OWNER TO %I', staging, pg_get_userbyid(live_table.owner));
          END IF;
          FOR item IN SELECT a.privilege_type, a.grantee, a.is_grantable FROM aclexplode(live_table.acl) AS a LOOP
            EXECUTE format('GRANT %s ON %s TO %s%s', item.privilege_type, staging,
                           CASE WHEN item.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(item.grantee)) END,
                           CASE WHEN item.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END);
          END LOOP;
        END $airlock$;

        -- Puts each incoming table in the place of its live table in one go: the live table and
        -- its indexes get outgoing_suffix, the incoming table and its indexes lose
        -- incoming_suffix. Foreign keys that touch the live tables are dropped first and made
        -- again by name afterwards, so they refer to the tables that hold the names then and
        -- the tables moved aside keep none.
        CREATE OR REPLACE FUNCTION pg_temp.airlock_swap(lives regclass[], incomings regclass[], incoming_suffix text, outgoing_suffix text) RETURNS void LANGUAGE plpgsql AS $airlock$
        DECLARE
          drops text[];
          adds text[];
          statement text;
          schema text;
          live_name text;
          index_name text;
          item record;
          sequence_name text;
        BEGIN
          SELECT array_agg(format('ALTER TABLE %s DROP CONSTRAINT %I', c.conrelid::regclass, c.conname)),
                 array_agg(format('ALTER TABLE %s ADD CONSTRAINT %I %s', c.conrelid::regclass, c.conname, pg_get_constraintdef(c.oid)))
            INTO drops, adds
            FROM pg_constraint AS c WHERE c.contype = 'f' AND (c.conrelid = ANY (lives) OR c.confrelid = ANY (lives));
          FOREACH statement IN ARRAY coalesce(drops, '{}') LOOP
            EXECUTE statement;
          END LOOP;
          FOR i IN 1 .. cardinality(lives) LOOP
            SELECT c.relname, n.nspname INTO live_name, schema FROM pg_class AS c JOIN pg_namespace AS n ON n.oid = c.relnamespace WHERE c.oid = lives[i];
            -- Sequences follow the name: a serial column's sequence is owned by the table that
            -- holds the name after the swap (dropping the other table keeps it), and an
            -- identity column's sequence is renamed with its table.
            FOR item IN SELECT a.attname, a.attidentity, pg_get_serial_sequence(lives[i]::text, a.attname) AS live_sequence,
                               pg_get_serial_sequence(incomings[i]::text, a.attname) AS incoming_sequence
                        FROM pg_attribute AS a WHERE a.attrelid = lives[i] AND a.attnum > 0 AND NOT a.attisdropped LOOP
              CONTINUE WHEN item.live_sequence IS NULL;
              IF item.attidentity <> '' AND item.incoming_sequence IS NOT NULL THEN
                sequence_name := (SELECT c.relname FROM pg_class AS c WHERE c.oid = item.live_sequence::regclass);
                EXECUTE format('ALTER SEQUENCE %s RENAME TO %I', item.live_sequence, pg_temp.airlock_suffixed(sequence_name, outgoing_suffix));
                EXECUTE format('ALTER SEQUENCE %s RENAME TO %I', item.incoming_sequence, sequence_name);
              ELSIF item.attidentity = '' AND item.incoming_sequence IS NULL
                    AND EXISTS (SELECT 1 FROM pg_attribute AS a WHERE a.attrelid = incomings[i] AND a.attname = item.attname AND NOT a.attisdropped) THEN
                EXECUTE format('ALTER SEQUENCE %s OWNED BY %s.%I', item.live_sequence, incomings[i], item.attname);
              END IF;
            END LOOP;
            FOR index_name IN SELECT c.relname FROM pg_index AS x JOIN pg_class AS c ON c.oid = x.indexrelid WHERE x.indrelid = lives[i] ORDER BY 1 LOOP
              EXECUTE format('ALTER INDEX %I.%I RENAME TO %I', schema, index_name, pg_temp.airlock_suffixed(index_name, outgoing_suffix));
            END LOOP;
            FOR index_name IN SELECT c.relname FROM pg_index AS x JOIN pg_class AS c ON c.oid = x.indexrelid
                              WHERE x.indrelid = incomings[i] AND right(c.relname, length(incoming_suffix)) = incoming_suffix ORDER BY 1 LOOP
              EXECUTE format('ALTER INDEX %I.%I RENAME TO %I', schema, index_name, left(index_name, length(index_name) - length(incoming_suffix)));
            END LOOP;
            EXECUTE format('ALTER TABLE %s RENAME TO %I', lives[i], pg_temp.airlock_suffixed(live_name, outgoing_suffix));
            EXECUTE format('ALTER TABLE %s RENAME TO %I', incomings[i], live_name);
          END LOOP;
          FOREACH statement IN ARRAY coalesce(adds, '{}') LOOP
            EXECUTE statement;
          END LOOP;
        END $airlock$;
        """
}
