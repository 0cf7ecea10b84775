# Starts and stops a throwaway PostgreSQL server for tests: initdb into a temp dir as the
# `postgres` user, unix socket only, log inside the data dir. Source this file, then:
#   postgres_temp_start   # exports AIRLOCK_TEST_PG (a libpq conninfo) and PGHOST/PGUSER
#   postgres_temp_stop
# shellcheck shell=bash

postgres_temp_bin() {
    local initdb
    initdb=$(ls -d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n 1)
    [ -n "$initdb" ] || { echo "postgres-temp: no PostgreSQL server found (apt-get install postgresql)" >&2; return 1; }
    dirname "$initdb"
}

postgres_temp_start() {
    local bin
    bin=$(postgres_temp_bin) || return 1
    POSTGRES_TEMP_DIR=$(mktemp -d /tmp/airlock-pg.XXXXXX)
    chmod 755 "$POSTGRES_TEMP_DIR"
    mkdir "$POSTGRES_TEMP_DIR/data" "$POSTGRES_TEMP_DIR/socket"
    chown -R postgres:postgres "$POSTGRES_TEMP_DIR"
    runuser -u postgres -- "$bin/initdb" -D "$POSTGRES_TEMP_DIR/data" -U postgres --auth=trust \
        --encoding=UTF8 --locale=C.UTF-8 >"$POSTGRES_TEMP_DIR/initdb.log" 2>&1 \
        || { cat "$POSTGRES_TEMP_DIR/initdb.log" >&2; return 1; }
    runuser -u postgres -- "$bin/pg_ctl" -D "$POSTGRES_TEMP_DIR/data" -w -t 60 \
        -l "$POSTGRES_TEMP_DIR/data/server.log" \
        -o "-k $POSTGRES_TEMP_DIR/socket -c listen_addresses='' -c fsync=off" start >/dev/null \
        || { cat "$POSTGRES_TEMP_DIR/data/server.log" >&2; return 1; }
    export AIRLOCK_TEST_PG="host=$POSTGRES_TEMP_DIR/socket user=postgres dbname=postgres"
    export POSTGRES_TEMP_DIR
    echo "postgres-temp: server running, AIRLOCK_TEST_PG='$AIRLOCK_TEST_PG'"
}

postgres_temp_stop() {
    [ -n "${POSTGRES_TEMP_DIR:-}" ] || return 0
    local bin
    bin=$(postgres_temp_bin) || return 1
    runuser -u postgres -- "$bin/pg_ctl" -D "$POSTGRES_TEMP_DIR/data" -m fast stop >/dev/null 2>&1 || true
    rm -rf "$POSTGRES_TEMP_DIR"
    unset POSTGRES_TEMP_DIR
}
