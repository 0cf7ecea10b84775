import AirlockBase

/// The PL/pgSQL with which a PostgreSQL script checks the target before it changes anything,
/// as temporary functions: the target's catalog is what knows its schemas, tables, column
/// types, enum labels and constraints, and a script run with `psql -f` has nothing else.
///
/// Every problem is collected in `airlock_problems` (the table does not exist, a column the
/// entity fills is missing or of a type that cannot hold the spec's values, an enum lacks
/// labels the rows need, a NOT NULL column nobody fills, no unique key for ON CONFLICT, values
/// a column refuses), and `airlock_check_end` reports them all in one error. Table names come
/// in as parameters and every identifier is quoted with `%I`; the text is the same in every
/// bundle. `PostgresTargetRowFunctions` holds the functions that then type the rows.
enum PostgresTargetCheckFunctions {
    static let definitions = #"""
        -- Airlock's check of the target, in pg_temp: every problem is collected, then reported at once.
        CREATE TEMP TABLE IF NOT EXISTS airlock_problems (n serial, entity text, problem text) ON COMMIT DROP;
        CREATE TEMP TABLE IF NOT EXISTS airlock_stagings (staging text, direct boolean) ON COMMIT DROP;
        CREATE TEMP TABLE IF NOT EXISTS airlock_offset_parts (table_key text, first bigint, second bigint) ON COMMIT DROP;

        CREATE OR REPLACE FUNCTION pg_temp.airlock_problem(entity text, problem text) RETURNS void LANGUAGE plpgsql AS $airlock$
        BEGIN
          INSERT INTO pg_temp.airlock_problems (entity, problem) VALUES (entity, problem);
        END $airlock$;

        -- The table an entity writes: in its schema, or where search_path finds it; NULL if absent.
        CREATE OR REPLACE FUNCTION pg_temp.airlock_table(schema_name text, table_name text) RETURNS regclass LANGUAGE plpgsql AS $airlock$
        BEGIN
          IF schema_name IS NULL THEN
            RETURN to_regclass(quote_ident(table_name));
          END IF;
          RETURN to_regclass(quote_ident(schema_name) || '.' || quote_ident(table_name));
        END $airlock$;

        -- A column's type with its domains unwrapped: the base type and its modifier.
        CREATE OR REPLACE FUNCTION pg_temp.airlock_base_type(type_oid oid, modifier integer, OUT base oid, OUT base_modifier integer) LANGUAGE plpgsql AS $airlock$
        DECLARE
          kind "char";
        BEGIN
          base := type_oid;
          base_modifier := modifier;
          LOOP
            SELECT t.typtype INTO kind FROM pg_type AS t WHERE t.oid = base;
            EXIT WHEN kind <> 'd';
            SELECT t.typbasetype, CASE WHEN base_modifier = -1 THEN t.typtypmod ELSE base_modifier END
              INTO base, base_modifier FROM pg_type AS t WHERE t.oid = base;
          END LOOP;
        END $airlock$;

        -- Whether a column of the type (base, modifier) can hold every value of a spec type (kind:
        -- text, enum, integer, decimal:P:S, boolean, timestamp, date) exactly. Values a type holds
        -- only some of (varchar(n), enums, integer widths) are checked one by one later.
        CREATE OR REPLACE FUNCTION pg_temp.airlock_type_fits(kind text, base oid, modifier integer) RETURNS boolean LANGUAGE plpgsql AS $airlock$
        DECLARE
          category "char";
          scale integer;
        BEGIN
          SELECT t.typcategory INTO category FROM pg_type AS t WHERE t.oid = base;
          IF kind IN ('text', 'enum') THEN
            RETURN true;
          ELSIF category = 'S' THEN
            RETURN true;
          ELSIF kind = 'integer' THEN
            RETURN base IN ('int2'::regtype, 'int4'::regtype, 'int8'::regtype, 'numeric'::regtype);
          ELSIF kind LIKE 'decimal:%' THEN
            scale := split_part(kind, ':', 3)::integer;
            IF base = 'numeric'::regtype THEN
              RETURN modifier = -1 OR ((modifier - 4) & 65535) >= scale;
            END IF;
            RETURN scale = 0 AND base IN ('int2'::regtype, 'int4'::regtype, 'int8'::regtype);
          ELSIF kind = 'boolean' THEN
            RETURN base = 'bool'::regtype;
          ELSIF kind = 'timestamp' THEN
            -- timestamp(0) to timestamp(5) would round the microseconds the spec keeps.
            RETURN base IN ('timestamptz'::regtype, 'timestamp'::regtype) AND (modifier = -1 OR modifier >= 6);
          ELSIF kind = 'date' THEN
            RETURN base IN ('date'::regtype, 'timestamp'::regtype, 'timestamptz'::regtype);
          END IF;
          RETURN false;
        END $airlock$;

        -- Whether values of the type can be compared (the drift guard needs =): json cannot.
        CREATE OR REPLACE FUNCTION pg_temp.airlock_comparable(type_name text) RETURNS boolean LANGUAGE plpgsql AS $airlock$
        BEGIN
          EXECUTE format('SELECT NULL::%s IS DISTINCT FROM NULL::%s', type_name, type_name);
          RETURN true;
        EXCEPTION WHEN others THEN
          RETURN false;
        END $airlock$;

        -- The target's table for an entity, against what the script needs of it: the table (unless
        -- the script creates it), each column the entity fills with a type that holds its values, no
        -- NOT NULL column without a default that the entity does not fill (when the script inserts),
        -- and a unique constraint on the key (when the script writes with INSERT ... ON CONFLICT).
        CREATE OR REPLACE FUNCTION pg_temp.airlock_check_table(entity text, schema_name text, table_name text, creates boolean, inserts boolean, needs_unique boolean, key text[], columns text[], kinds text[], spec_types text[]) RETURNS void LANGUAGE plpgsql AS $airlock$
        DECLARE
          live regclass;
          shown text := concat_ws('.', quote_ident(schema_name), quote_ident(table_name));
          kind "char";
          item record;
          typed record;
          i integer;
        BEGIN
          IF schema_name IS NOT NULL AND NOT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = schema_name) THEN
            PERFORM pg_temp.airlock_problem(entity, format('schema %I does not exist; create it (CREATE SCHEMA %I) or change the entity''s table: in the spec', schema_name, schema_name));
            RETURN;
          END IF;
          live := pg_temp.airlock_table(schema_name, table_name);
          IF live IS NULL THEN
            IF NOT creates THEN
              PERFORM pg_temp.airlock_problem(entity, format('table %s does not exist', shown));
            END IF;
            RETURN;
          END IF;
          SELECT c.relkind INTO kind FROM pg_class AS c WHERE c.oid = live;
          IF kind NOT IN ('r', 'p') THEN
            PERFORM pg_temp.airlock_problem(entity, format('%s is a %s, not a table', shown,
              CASE kind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' WHEN 'f' THEN 'foreign table' ELSE 'relation of kind ' || kind END));
            RETURN;
          END IF;
          FOR i IN 1 .. coalesce(cardinality(columns), 0) LOOP
            SELECT a.atttypid, a.atttypmod, a.attgenerated, format_type(a.atttypid, a.atttypmod) AS type_name INTO item
              FROM pg_attribute AS a WHERE a.attrelid = live AND a.attname = columns[i] AND a.attnum > 0 AND NOT a.attisdropped;
            IF NOT FOUND THEN
              PERFORM pg_temp.airlock_problem(entity, format('table %s has no column %I, which the entity fills (spec type %s); add it (ALTER TABLE %s ADD COLUMN %I ...) or leave it out of the spec', shown, columns[i], spec_types[i], shown, columns[i]));
              CONTINUE;
            END IF;
            IF item.attgenerated <> '' THEN
              PERFORM pg_temp.airlock_problem(entity, format('column %I of %s is generated, so the entity cannot fill it', columns[i], shown));
              CONTINUE;
            END IF;
            typed := pg_temp.airlock_base_type(item.atttypid, item.atttypmod);
            IF NOT pg_temp.airlock_type_fits(kinds[i], typed.base, typed.base_modifier) THEN
              PERFORM pg_temp.airlock_problem(entity, format('column %I of %s is %s, which cannot hold the spec''s %s values exactly', columns[i], shown, item.type_name, spec_types[i]));
            ELSIF NOT pg_temp.airlock_comparable(item.type_name) THEN
              PERFORM pg_temp.airlock_problem(entity, format('column %I of %s is %s, which has no equality operator, so the bundle cannot compare rows (use jsonb rather than json)', columns[i], shown, item.type_name));
            END IF;
          END LOOP;
          IF inserts THEN
            FOR item IN SELECT a.attname FROM pg_attribute AS a
                        WHERE a.attrelid = live AND a.attnum > 0 AND NOT a.attisdropped AND a.attnotnull AND NOT a.atthasdef
                          AND a.attidentity = '' AND a.attgenerated = '' AND a.attname <> ALL (columns) ORDER BY a.attnum LOOP
              PERFORM pg_temp.airlock_problem(entity, format('column %I of %s is NOT NULL without a default, and the entity does not fill it, so new rows cannot be inserted; give it a default (ALTER TABLE %s ALTER COLUMN %I SET DEFAULT ...), allow NULL, or add it to the spec', item.attname, shown, shown, item.attname));
            END LOOP;
          END IF;
          IF needs_unique AND NOT EXISTS (
              SELECT 1 FROM pg_index AS x
              WHERE x.indrelid = live AND x.indisunique AND x.indisvalid AND x.indimmediate AND x.indpred IS NULL AND x.indexprs IS NULL
                AND (SELECT array_agg(a.attname::text ORDER BY a.attname::text)
                     FROM unnest(x.indkey::int2[]) WITH ORDINALITY AS k(number, position)
                     JOIN pg_attribute AS a ON a.attrelid = live AND a.attnum = k.number
                     WHERE k.position <= x.indnkeyatts) = (SELECT array_agg(k ORDER BY k) FROM unnest(key) AS k)) THEN
            PERFORM pg_temp.airlock_problem(entity, format('table %s has no primary key or unique constraint on (%s), which upsert: on_conflict needs (INSERT ... ON CONFLICT); add one (ALTER TABLE %s ADD UNIQUE (%s)) or set upsert: update_then_insert for the entity in the spec', shown, array_to_string(key, ', '), shown, array_to_string(key, ', ')));
          END IF;
        END $airlock$;

        -- Creates a table the target lacks as the spec defines it (parents first, so foreign keys
        -- find their tables); one it cannot create is a problem, not an error, so every problem is
        -- still reported at once.
        CREATE OR REPLACE FUNCTION pg_temp.airlock_create_missing(entity text, schema_name text, table_name text, statement text) RETURNS void LANGUAGE plpgsql AS $airlock$
        BEGIN
          IF pg_temp.airlock_table(schema_name, table_name) IS NOT NULL
             OR (schema_name IS NOT NULL AND NOT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = schema_name)) THEN
            RETURN;
          END IF;
          BEGIN
            EXECUTE statement;
          EXCEPTION WHEN others THEN
            PERFORM pg_temp.airlock_problem(entity, format('cannot create table %s: %s', concat_ws('.', quote_ident(schema_name), quote_ident(table_name)), SQLERRM));
          END;
        END $airlock$;

        -- Rows a script writes, against the table's NOT NULL and CHECK constraints on the columns
        -- the entity fills (CHECK constraints over other columns the site's own values decide).
        CREATE OR REPLACE FUNCTION pg_temp.airlock_check_written(entity text, shown text, live regclass, written regclass, columns text[], key_text text) RETURNS void LANGUAGE plpgsql AS $airlock$
        DECLARE
          item record;
          found_count bigint;
          example text;
        BEGIN
          FOR item IN SELECT a.attname FROM pg_attribute AS a WHERE a.attrelid = live AND a.attname = ANY (columns) AND a.attnotnull ORDER BY a.attnum LOOP
            EXECUTE format('SELECT count(*), min(%s) FROM %s AS t WHERE t.%I IS NULL', key_text, written, item.attname) INTO found_count, example;
            IF found_count > 0 THEN
              PERFORM pg_temp.airlock_problem(entity, format('column %I of %s is NOT NULL, but %s of the bundle''s rows have no value for it (%s%s)', item.attname, shown, found_count, example, CASE WHEN found_count > 1 THEN ', …' ELSE '' END));
            END IF;
          END LOOP;
          FOR item IN SELECT c.conname, pg_get_expr(c.conbin, c.conrelid) AS expression FROM pg_constraint AS c
                      WHERE c.conrelid = live AND c.contype = 'c'
                        AND c.conkey <@ (SELECT array_agg(a.attnum) FROM pg_attribute AS a WHERE a.attrelid = live AND a.attname = ANY (columns))
                      ORDER BY c.conname LOOP
            EXECUTE format('SELECT count(*), min(%s) FROM %s AS t WHERE (%s) IS FALSE', key_text, written, item.expression) INTO found_count, example;
            IF found_count > 0 THEN
              PERFORM pg_temp.airlock_problem(entity, format('%s of the bundle''s rows break check constraint %I of %s, CHECK %s (%s%s)', found_count, item.conname, shown, item.expression, example, CASE WHEN found_count > 1 THEN ', …' ELSE '' END));
            END IF;
          END LOOP;
        END $airlock$;

        -- Why some values of the loaded rows cannot go into columns of the target's types: the enum
        -- labels they need, or a few values each column refuses with the reason.
        CREATE OR REPLACE FUNCTION pg_temp.airlock_diagnose(entity text, shown text, live regclass, source regclass, typed text, columns text[], casts text[]) RETURNS void LANGUAGE plpgsql AS $airlock$
        DECLARE
          item record;
          found_count bigint;
          labels text;
          reason text;
          examples text[];
          value text;
          i integer;
        BEGIN
          FOR i IN 1 .. cardinality(columns) LOOP
            CONTINUE WHEN casts[i] = quote_ident(columns[i]);
            SELECT a.atttypid, format_type(a.atttypid, a.atttypmod) AS type_name, (pg_temp.airlock_base_type(a.atttypid, a.atttypmod)).base
              INTO item FROM pg_attribute AS a WHERE a.attrelid = live AND a.attname = columns[i];
            IF (SELECT t.typtype FROM pg_type AS t WHERE t.oid = item.base) = 'e' THEN
              EXECUTE format('SELECT count(*), string_agg(quote_literal(v), '', '' ORDER BY v) FROM (SELECT DISTINCT %I::text AS v FROM %s WHERE %I IS NOT NULL) AS d WHERE v NOT IN (SELECT e.enumlabel::text FROM pg_enum AS e WHERE e.enumtypid = %s)',
                             columns[i], source, columns[i], item.base) INTO found_count, labels;
              IF found_count > 0 THEN
                PERFORM pg_temp.airlock_problem(entity, format('enum type %s lacks %s label%s that the bundle''s rows need in column %I of %s: %s; add %s (ALTER TYPE %s ADD VALUE %s)',
                  item.base::regtype, found_count, CASE WHEN found_count > 1 THEN 's' ELSE '' END, columns[i], shown, labels,
                  CASE WHEN found_count > 1 THEN 'them' ELSE 'it' END, item.base::regtype, split_part(labels, ', ', 1)));
                CONTINUE;
              END IF;
            END IF;
            reason := NULL;
            BEGIN
              EXECUTE format('INSERT INTO %I (%I) SELECT %s FROM %s', typed, columns[i], casts[i], source);
              RAISE EXCEPTION 'airlock: undo';
            EXCEPTION WHEN others THEN
              IF SQLERRM <> 'airlock: undo' THEN reason := SQLERRM; END IF;
            END;
            CONTINUE WHEN reason IS NULL;
            examples := '{}';
            FOR value IN EXECUTE format('SELECT DISTINCT %I::text FROM %s WHERE %I IS NOT NULL ORDER BY 1', columns[i], source, columns[i]) LOOP
              BEGIN
                EXECUTE format('INSERT INTO %I (%I) SELECT $1::%s', typed, columns[i], pg_temp.airlock_cast_type(item.atttypid)) USING value;
                RAISE EXCEPTION 'airlock: undo';
              EXCEPTION WHEN others THEN
                IF SQLERRM <> 'airlock: undo' THEN examples := examples || quote_literal(left(value, 60)); END IF;
              END;
              EXIT WHEN cardinality(examples) >= 3;
            END LOOP;
            PERFORM pg_temp.airlock_problem(entity, format('column %I of %s is %s, which cannot take some of the bundle''s values, such as %s: %s',
              columns[i], shown, item.type_name, coalesce(array_to_string(examples, ', '), '?'), reason));
          END LOOP;
        END $airlock$;

        -- The labels the spec allows an enum column (values:), against a target column of an enum type.
        CREATE OR REPLACE FUNCTION pg_temp.airlock_check_labels(entity text, schema_name text, table_name text, column_name text, labels text[]) RETURNS void LANGUAGE plpgsql AS $airlock$
        DECLARE
          live regclass := pg_temp.airlock_table(schema_name, table_name);
          base oid;
          missing text;
          found_count bigint;
        BEGIN
          IF live IS NULL THEN
            RETURN;
          END IF;
          SELECT (pg_temp.airlock_base_type(a.atttypid, a.atttypmod)).base INTO base FROM pg_attribute AS a WHERE a.attrelid = live AND a.attname = column_name;
          IF base IS NULL OR (SELECT t.typtype FROM pg_type AS t WHERE t.oid = base) <> 'e' THEN
            RETURN;
          END IF;
          SELECT count(*), string_agg(quote_literal(l), ', ' ORDER BY l) INTO found_count, missing FROM unnest(labels) AS l
            WHERE l NOT IN (SELECT e.enumlabel::text FROM pg_enum AS e WHERE e.enumtypid = base);
          IF found_count > 0 THEN
            PERFORM pg_temp.airlock_problem(entity, format('enum type %s lacks %s of the labels the spec allows in column %I of %s: %s; add them (ALTER TYPE %s ADD VALUE ...)',
              base::regtype, found_count, column_name, concat_ws('.', quote_ident(schema_name), quote_ident(table_name)), missing, base::regtype));
          END IF;
        END $airlock$;

        -- Ends the check: every problem found, in one error, before anything changed.
        CREATE OR REPLACE FUNCTION pg_temp.airlock_check_end(subject text) RETURNS void LANGUAGE plpgsql AS $airlock$
        DECLARE
          report text;
        BEGIN
          SELECT string_agg('  ' || p.entity || ': ' || p.problem, E'\n' ORDER BY p.n) INTO report FROM pg_temp.airlock_problems AS p;
          IF report IS NOT NULL THEN
            RAISE EXCEPTION USING MESSAGE = format(E'airlock: the target does not fit %s; nothing was changed:\n%s', subject, report);
          END IF;
        END $airlock$;
        """#
}
