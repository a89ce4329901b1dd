#!/usr/bin/env bash
# drift_test.sh — `foster snapshot`, `foster diff` and `foster schema` against
# a real PostgreSQL "owner" database: a snapshot of the owner's tables, then
# each kind of change made on the owner and found by diff with the right
# table, object and file:line; no drift on a fresh snapshot; files foster
# does not know never overwritten; nothing ever written to the owner.
#
#   usage: drift_test.sh FOSTER_BINARY [NAME_REGEX]
#
# The runner starts ONE throwaway PostgreSQL server (initdb in a private
# directory, a private unix socket only, trust, every statement logged); each
# test builds its own owner database from tests/data/drift/owner.sql and
# copies the project tests/data/drift/project (foster.ini, no schema files
# yet) into $WORK. After each test the owner database is dropped and nothing
# may be left in the runtime directory. Without PostgreSQL server binaries or
# pg_dump every test is reported SKIP and the script exits 77.

# shellcheck source=SCRIPTDIR/../harness.sh
. "$(dirname "${BASH_SOURCE[0]}")/../harness.sh" "$@"
CASES=$DATA/drift

# ---------------------------------------------------------------------------
# The server.

as_server_user() { "${AS_SERVER_USER[@]}" "$@"; }

psql_owner() { # SQL [DATABASE]
    "$PSQL" -X -q -tA -v ON_ERROR_STOP=1 -h "$SERVER_DIR" -p "$SERVER_PORT" -U postgres \
        -d "${2:-$OWNER_DB}" -c "$1"
}

start_server() {
    SERVER_DIR=$(mktemp -d /tmp/foster-drift-test.XXXXXX) || return 1
    chmod 700 "$SERVER_DIR"
    [ "$(id -u)" -eq 0 ] && chown "$SERVER_USER:" "$SERVER_DIR"
    (cd "$SERVER_DIR" && as_server_user "$PGBIN/initdb" -D "$SERVER_DIR/data" -U postgres \
        --auth-local=trust -E UTF8 --locale=C --no-sync) >"$SERVER_DIR/initdb.log" 2>&1 || {
        sed 's/^/#   /' "$SERVER_DIR/initdb.log"
        return 1
    }
    SERVER_PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    (cd "$SERVER_DIR" && as_server_user "$PGBIN/postgres" -D "$SERVER_DIR/data" -p "$SERVER_PORT" \
        -k "$SERVER_DIR" -c listen_addresses= -c fsync=off -c log_statement=all \
        -c logging_collector=off) >"$SERVER_DIR/server.log" 2>&1 &
    local i
    for ((i = 0; i < 300; i++)); do
        psql_owner "SELECT 1" postgres >/dev/null 2>&1 && return 0
        sleep 0.03
    done
    sed 's/^/#   /' "$SERVER_DIR/server.log"
    return 1
}

stop_server() {
    local pid
    pid=$(head -n 1 "$SERVER_DIR/data/postmaster.pid" 2>/dev/null)
    [[ $pid =~ ^[0-9]+$ ]] && kill -QUIT "$pid" 2>/dev/null
    for ((i = 0; i < 300; i++)); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.01
    done
    kill -KILL "$pid" 2>/dev/null
}

before_all() {
    PGBIN=$(find_pg_bindir) || skip_all "no PostgreSQL server binaries (postgres, initdb): install the postgresql package"
    PSQL=$(command -v psql) || skip_all "no psql: install postgresql-client"
    command -v pg_dump >/dev/null || skip_all "no pg_dump: install postgresql-client"
    SERVER_USER=$(id -un)
    AS_SERVER_USER=(env)
    if [ "$(id -u)" -eq 0 ]; then
        SERVER_USER=postgres
        id postgres >/dev/null 2>&1 || SERVER_USER=nobody
        AS_SERVER_USER=(setpriv "--reuid=$SERVER_USER" "--regid=$(id -g "$SERVER_USER")" --init-groups --)
    fi
    unset_pg_environment
    start_server || { echo "Bail out! cannot start the test PostgreSQL server"; exit 1; }
    # Each test's owner database is a copy of this one.
    psql_owner "CREATE DATABASE owner_template" postgres >/dev/null &&
        psql_owner "$(cat "$CASES/owner.sql")" owner_template >/dev/null ||
        { echo "Bail out! cannot build the owner database"; exit 1; }
}

describe_suite() {
    echo "# PostgreSQL $("$PGBIN/postgres" --version | sed 's/^postgres (PostgreSQL) //'), $(pg_dump --version)"
}

after_all() {
    if [ -n "${SERVER_DIR:-}" ] && [ -d "$SERVER_DIR" ]; then
        stop_server
        rm -rf "$SERVER_DIR"
    fi
}

before_each() {
    RUNTIME=$(mktemp -d "$WORK/runtime.XXXXXX")
    OWNER_DB=owner_$(basename "$WORK" | tr -dc 'a-z0-9' | tail -c 12)
    psql_owner "CREATE DATABASE $OWNER_DB TEMPLATE owner_template" postgres >/dev/null
}

prepare_environment() {
    unset_pg_environment
    export OWNER_DB OWNER_URL="postgresql://postgres@/$OWNER_DB?host=$SERVER_DIR&port=$SERVER_PORT"
    cp -R "$CASES/project/." "$WORK/"
}

after_each() {
    psql_owner "DROP DATABASE IF EXISTS $OWNER_DB" postgres >/dev/null 2>&1 ||
        leftover "cannot drop $OWNER_DB"
    report_runtime_left "$(ls -A "$RUNTIME" 2>/dev/null)"
}

# ---------------------------------------------------------------------------
# Helpers.

snapshot() { # [ARGS...]: a snapshot that must succeed
    run_foster snapshot --from "$OWNER_URL" "$@"
    assert_exit 0
}

# Each difference of the last `diff --json` as "table|kind|object|change|aspect|file:line".
differences() {
    printf '%s\n' "$OUT" | python3 -c 'import json, sys
doc = json.load(sys.stdin)
for d in doc["differences"]:
    print("|".join(str(d[k]) if d[k] is not None else "" for k in
                   ("table", "kind", "object", "change", "aspect")) + "|%s:%d" % (d["file"], d["line"]))'
}

# The line of FILE holding the first match of ERE.
line_of() { # FILE ERE
    grep -nE -- "$2" "$1" | head -n 1 | cut -d: -f1
}

# After a snapshot: SQL on the owner, and diff finds exactly EXPECTED.
expect_drift() { # SQL EXPECTED
    psql_owner "$1" >/dev/null || fail "the owner refused: $1"
    run_foster diff --against "$OWNER_URL" --json
    assert_exit 1
    assert_eq "$2" "$(differences)" "the differences found"
    run_foster diff --against "$OWNER_URL"
    assert_exit 1
    assert_contains "$OUT" "--- foster.ini (schema files)"
    assert_contains "$ERR" "foster: diff: the schema files and the owner differ"
}

# ===========================================================================
# snapshot

test_snapshot_writes_each_tables_file_from_the_owner() {
    snapshot
    assert_eq "auth_user.sql trading_account.sql" "$(ls schemas | tr '\n' ' ' | sed 's/ $//')" \
        "the files written"
    assert_eq "-- foster snapshot of table trading_account" "$(head -n 1 schemas/trading_account.sql)"
    assert_contains "$(cat schemas/trading_account.sql)" "CREATE TABLE public.trading_account ("
    assert_contains "$(cat schemas/trading_account.sql)" "CREATE TYPE public.mood AS ENUM ("
    assert_contains "$(cat schemas/trading_account.sql)" "CREATE DOMAIN public.positive_int AS integer"
    assert_not_contains "$(cat schemas/auth_user.sql)" "CREATE TYPE"
    assert_not_contains "$(cat schemas/*.sql)" "audit_log" "the schema files"
    assert_mode schemas/auth_user.sql 644
    assert_contains "$ERR" "foster: snapshot: schemas/auth_user.sql created"
    run_foster schema
    assert_exit 0
    assert_contains "$OUT" "table trading_account (schemas/trading_account.sql:"
}

test_fresh_snapshot_shows_no_drift() {
    snapshot
    run_foster diff --against "$OWNER_URL"
    assert_exit 0
    assert_eq "" "$OUT" "stdout"
    assert_eq "foster: diff: no drift" "$ERR"
    run_foster diff --against "$OWNER_URL" --json
    assert_exit 0
    assert_contains "$OUT" '"drift": false'
    assert_contains "$OUT" '"differences": []'
    run_foster snapshot --from "$OWNER_URL" --check
    assert_exit 0
    assert_contains "$ERR" "schemas/trading_account.sql unchanged"
}

test_snapshot_again_rewrites_nothing_unchanged() {
    snapshot
    touch -d '2001-01-01' schemas/auth_user.sql schemas/trading_account.sql
    psql_owner "ALTER TABLE auth_user ADD COLUMN nickname text" >/dev/null
    snapshot
    assert_eq "2001-01-01" "$(date -r schemas/trading_account.sql +%F)" "trading_account.sql's date"
    assert_contains "$(cat schemas/auth_user.sql)" "nickname text"
    assert_contains "$ERR" "foster: snapshot: schemas/auth_user.sql rewritten"
    assert_contains "$ERR" "foster: snapshot: schemas/trading_account.sql unchanged"
}

test_snapshot_check_writes_nothing_and_exits_1_on_change() {
    snapshot
    local before
    before=$(cat schemas/*.sql | md5sum)
    psql_owner "ALTER TABLE auth_user ADD COLUMN nickname text" >/dev/null
    run_foster snapshot --from "$OWNER_URL" --check
    assert_exit 1
    assert_contains "$ERR" "foster: snapshot: schemas/auth_user.sql would be rewritten"
    assert_eq "$before" "$(cat schemas/*.sql | md5sum)" "the files after --check"
    run_foster snapshot --from "$OWNER_URL" --check --json
    assert_exit 1
    assert_contains "$OUT" '{"table": "auth_user", "file": "schemas/auth_user.sql", "state": "changed"}'
}

test_snapshot_writes_only_the_tables_named() {
    run_foster snapshot --from "$OWNER_URL" trading_account
    assert_exit 0
    assert_eq "trading_account.sql" "$(ls schemas)" "the files written"
    run_foster snapshot --from "$OWNER_URL" no_such_table
    assert_exit 2
    assert_contains "$ERR" "foster: error: foster.ini: no table no_such_table in the manifest"
}

test_snapshot_refuses_a_file_foster_does_not_know() {
    mkdir schemas
    printf 'CREATE TABLE auth_user (id integer PRIMARY KEY);\n' >schemas/auth_user.sql
    run_foster snapshot --from "$OWNER_URL"
    assert_exit 2
    assert_contains "$ERR" "foster: error: schemas/auth_user.sql:1: not overwritten: neither foster snapshot nor a dump tool (pg_dump, mariadb-dump, mysqldump) wrote it"
    assert_eq "CREATE TABLE auth_user (id integer PRIMARY KEY);" "$(cat schemas/auth_user.sql)" \
        "the hand-written file"
    assert_file_absent schemas/trading_account.sql
    # A snapshot of another table is not this table's either.
    snapshot trading_account
    cp schemas/trading_account.sql schemas/auth_user.sql
    run_foster snapshot --from "$OWNER_URL" auth_user
    assert_exit 2
    assert_contains "$ERR" "foster: error: schemas/auth_user.sql:1: not overwritten: it creates table trading_account too"
}

test_snapshot_never_replaces_a_file_holding_other_tables() {
    mkdir schemas
    pg_dump --schema-only -t auth_user -t trading_account -d "$OWNER_URL" >schemas/both.sql
    printf '[foster]\nname = drift\n[table auth_user]\nschema = both.sql\n[table trading_account]\nschema = both.sql\n' >foster.ini
    local before
    before=$(md5sum <schemas/both.sql)
    run_foster snapshot --from "$OWNER_URL"
    assert_exit 2
    assert_contains "$ERR" "foster: error: schemas/both.sql:1: not overwritten: it creates table"
    printf '[foster]\nname = drift\nschema_dump = both.sql\n[table auth_user]\n[table trading_account]\n' >foster.ini
    run_foster snapshot --from "$OWNER_URL" auth_user
    assert_exit 2
    assert_contains "$ERR" "foster: error: foster.ini:4: table auth_user comes from schema_dump schemas/both.sql: not overwritten with one table"
    assert_eq "$before" "$(md5sum <schemas/both.sql)" "the shared file"
    # diff reads each table out of the dump.
    run_foster diff --against "$OWNER_URL"
    assert_exit 1
    assert_contains "$OUT" " enum mood: only in the owner's database (schemas/both.sql:"
    # ... and the types of a prelude.
    pg_dump --schema-only -d "$OWNER_URL" | grep -A4 -E '^CREATE (TYPE|DOMAIN)' >schemas/types.sql
    printf '[foster]\nname = drift\nschema_dump = both.sql\nprelude = types.sql\n[table auth_user]\n[table trading_account]\n' >foster.ini
    run_foster diff --against "$OWNER_URL"
    assert_exit 0
}

test_snapshot_overwrites_a_file_pg_dump_wrote() {
    mkdir schemas
    pg_dump --schema-only -t auth_user -d "$OWNER_URL" >schemas/auth_user.sql
    snapshot auth_user
    assert_eq "-- foster snapshot of table auth_user" "$(head -n 1 schemas/auth_user.sql)"
}

test_snapshot_of_a_table_the_owner_lacks_fails() {
    psql_owner "DROP TABLE trading_account" >/dev/null
    run_foster snapshot --from "$OWNER_URL"
    assert_exit 125
    assert_contains "$ERR" "foster: error: foster.ini:8: table trading_account is not in the owner's database"
    assert_file_absent schemas
}

test_snapshot_and_diff_never_write_to_the_owner() {
    local log_lines
    log_lines=$(wc -l <"$SERVER_DIR/server.log")
    snapshot
    run_foster diff --against "$OWNER_URL"
    assert_exit 0
    local statements
    statements=$(tail -n +"$((log_lines + 1))" "$SERVER_DIR/server.log" | grep -E 'LOG: +statement:')
    assert_contains "$statements" "READ ONLY" "the statements pg_dump ran"
    assert_no_match "$statements" 'statement: *(INSERT|UPDATE|DELETE|CREATE|ALTER|DROP|TRUNCATE|COMMENT|GRANT)' \
        "the statements pg_dump ran"
    run_foster snapshot --help
    assert_contains "$OUT" "read-only transaction"
}

test_snapshot_gives_pg_dump_the_password_in_its_environment_not_its_arguments() {
    mkdir bin
    local real
    real=$(command -v pg_dump)
    # pg_dump as foster runs it, recorded: its arguments, and what PGPASSWORD and PGOPTIONS hold.
    printf '#!/bin/sh\necho "args: $*" >>"%s/pg_dump.log"\necho "PGPASSWORD=$PGPASSWORD PGOPTIONS=$PGOPTIONS" >>"%s/pg_dump.log"\nexec %s "$@"\n' \
        "$WORK" "$WORK" "$real" >bin/pg_dump
    chmod +x bin/pg_dump
    local url="postgresql://postgres:pw-s3cret@/$OWNER_DB?host=$SERVER_DIR&port=$SERVER_PORT"
    PATH=$WORK/bin:$PATH run_foster snapshot --from "$url" auth_user
    assert_exit 0
    local log
    log=$(cat pg_dump.log)
    assert_contains "$log" "args: --schema-only --no-password --dbname user='postgres' dbname='$OWNER_DB' host='$SERVER_DIR' port='$SERVER_PORT' -t \"auth_user\""
    assert_contains "$log" "PGPASSWORD=pw-s3cret PGOPTIONS=-c default_transaction_read_only=on"
    assert_not_contains "$(grep '^args' pg_dump.log)" "s3cret" "pg_dump's arguments"
    assert_not_contains "$OUT$ERR$(cat schemas/auth_user.sql)" "s3cret" "foster's output and the file"
}

test_snapshot_without_from_is_a_usage_error() {
    run_foster snapshot
    assert_exit 2
    assert_contains "$ERR" "snapshot needs --from URL"
    run_foster snapshot --from "/tmp/file.sqlite3"
    assert_exit 2
    assert_contains "$ERR" "--from: foster cannot read the schema of this database"
}

# ===========================================================================
# diff: each kind of change on the owner

test_diff_finds_a_column_the_owner_added() {
    snapshot
    expect_drift "ALTER TABLE trading_account ADD COLUMN nickname text NOT NULL DEFAULT ''" \
        "trading_account|column|nickname|missing||schemas/trading_account.sql:$(line_of "$WORK/schemas/trading_account.sql" '^CREATE TABLE public.trading_account')"
    assert_contains "$OUT" "+text NOT NULL DEFAULT ''::text"
}

test_diff_finds_a_column_the_owner_dropped() {
    snapshot
    expect_drift "ALTER TABLE auth_user DROP COLUMN email" \
        "auth_user|column|email|extra||schemas/auth_user.sql:$(line_of "$WORK/schemas/auth_user.sql" '^    email text')"
}

test_diff_finds_a_changed_type() {
    snapshot
    expect_drift "ALTER TABLE trading_account ALTER COLUMN balance TYPE numeric(16,2)" \
        "trading_account|column|balance|changed|type|schemas/trading_account.sql:$(line_of "$WORK/schemas/trading_account.sql" '^    balance ')"
    assert_contains "$OUT" $'-numeric(14,2)\n+numeric(16,2)'
}

test_diff_finds_changed_nullability() {
    snapshot
    expect_drift "ALTER TABLE auth_user ALTER COLUMN email SET NOT NULL" \
        "auth_user|column|email|changed|nullability|schemas/auth_user.sql:$(line_of "$WORK/schemas/auth_user.sql" '^    email text')"
}

test_diff_finds_a_changed_default() {
    snapshot
    expect_drift "ALTER TABLE trading_account ALTER COLUMN balance SET DEFAULT 10" \
        "trading_account|column|balance|changed|default|schemas/trading_account.sql:$(line_of "$WORK/schemas/trading_account.sql" '^    balance ')"
}

test_diff_finds_a_changed_primary_key() {
    snapshot
    expect_drift "ALTER TABLE trading_account DROP CONSTRAINT trading_account_pkey, ADD CONSTRAINT trading_account_pkey PRIMARY KEY (id, owner_id)" \
        "trading_account|primary key|trading_account_pkey|changed|definition|schemas/trading_account.sql:$(line_of "$WORK/schemas/trading_account.sql" 'ADD CONSTRAINT trading_account_pkey')"
    assert_contains "$OUT" $'-(id)\n+(id, owner_id)'
}

test_diff_finds_a_dropped_unique_key() {
    snapshot
    expect_drift "ALTER TABLE auth_user DROP CONSTRAINT auth_user_username_key" \
        "auth_user|unique|auth_user_username_key|extra||schemas/auth_user.sql:$(line_of "$WORK/schemas/auth_user.sql" 'ADD CONSTRAINT auth_user_username_key')"
}

test_diff_finds_a_changed_foreign_key() {
    snapshot
    expect_drift "ALTER TABLE trading_account DROP CONSTRAINT trading_account_owner_id_fkey, ADD CONSTRAINT trading_account_owner_id_fkey FOREIGN KEY (owner_id) REFERENCES auth_user (id)" \
        "trading_account|foreign key|trading_account_owner_id_fkey|changed|definition|schemas/trading_account.sql:$(line_of "$WORK/schemas/trading_account.sql" 'ADD CONSTRAINT trading_account_owner_id_fkey')"
    assert_contains "$OUT" "-(owner_id) references auth_user(id) on delete cascade"
}

test_diff_finds_a_changed_check() {
    snapshot
    expect_drift "ALTER TABLE trading_account DROP CONSTRAINT trading_account_balance_check, ADD CONSTRAINT trading_account_balance_check CHECK (balance > -100)" \
        "trading_account|check|trading_account_balance_check|changed|definition|schemas/trading_account.sql:$(line_of "$WORK/schemas/trading_account.sql" 'CONSTRAINT trading_account_balance_check')"
}

test_diff_finds_a_renamed_constraint() {
    snapshot
    expect_drift "ALTER TABLE trading_account RENAME CONSTRAINT trading_account_balance_check TO balance_not_negative" \
        "trading_account|check|(balance >=(0)::numeric)|changed|name|schemas/trading_account.sql:$(line_of "$WORK/schemas/trading_account.sql" 'CONSTRAINT trading_account_balance_check')"
}

test_diff_finds_a_dropped_and_an_added_index() {
    snapshot
    expect_drift "DROP INDEX trading_account_name_idx; CREATE UNIQUE INDEX trading_account_owner_name ON trading_account (owner_id, name)" \
        "trading_account|index|trading_account_name_idx|extra||schemas/trading_account.sql:$(line_of "$WORK/schemas/trading_account.sql" '^CREATE INDEX trading_account_name_idx')
trading_account|index|trading_account_owner_name|missing||schemas/trading_account.sql:$(line_of "$WORK/schemas/trading_account.sql" '^CREATE TABLE public.trading_account')"
}

test_diff_finds_a_new_enum_value() {
    snapshot
    expect_drift "ALTER TYPE mood ADD VALUE 'ecstatic'" \
        "trading_account|enum|mood|changed|values|schemas/trading_account.sql:$(line_of "$WORK/schemas/trading_account.sql" '^CREATE TYPE public.mood')"
    assert_contains "$OUT" "+'sad', 'ok', 'happy', 'ecstatic'"
}

test_diff_finds_a_new_domain_check() {
    snapshot
    expect_drift "ALTER DOMAIN positive_int ADD CONSTRAINT below_1000 CHECK (VALUE < 1000)" \
        "trading_account|domain|positive_int|changed|definition|schemas/trading_account.sql:$(line_of "$WORK/schemas/trading_account.sql" '^CREATE DOMAIN public.positive_int')"
}

test_diff_finds_a_table_the_owner_dropped() {
    snapshot
    expect_drift "DROP TABLE trading_account" \
        "trading_account|table||extra||schemas/trading_account.sql:$(line_of "$WORK/schemas/trading_account.sql" '^CREATE TABLE public.trading_account')"
}

test_diff_ignores_comments_grants_and_owners_unless_strict() {
    snapshot
    psql_owner "COMMENT ON TABLE trading_account IS 'changed'; CREATE ROLE reader_$OWNER_DB; GRANT SELECT ON auth_user TO reader_$OWNER_DB" >/dev/null
    run_foster diff --against "$OWNER_URL"
    assert_exit 0
    run_foster diff --against "$OWNER_URL" --strict --json
    assert_exit 1
    assert_eq "auth_user|grant||missing||schemas/auth_user.sql:$(line_of schemas/auth_user.sql '^CREATE TABLE public.auth_user')
trading_account|comment||extra||schemas/trading_account.sql:$(line_of schemas/trading_account.sql '^COMMENT ON TABLE')
trading_account|comment||missing||schemas/trading_account.sql:$(line_of schemas/trading_account.sql '^CREATE TABLE public.trading_account')" \
        "$(differences)" "the differences with --strict"
    psql_owner "REVOKE ALL ON auth_user FROM reader_$OWNER_DB; DROP ROLE reader_$OWNER_DB" >/dev/null
}

# ===========================================================================
# diff: against another snapshot, usage and errors

test_diff_against_dir_compares_two_snapshots_without_a_server() {
    snapshot
    cp -R schemas published
    run_foster diff --against-dir published
    assert_exit 0
    psql_owner "ALTER TABLE auth_user ALTER COLUMN username TYPE varchar(200)" >/dev/null
    snapshot
    run_foster diff --against-dir published --json
    assert_exit 1
    assert_eq "auth_user|column|username|changed|type|schemas/auth_user.sql:$(line_of schemas/auth_user.sql '^    username ')" \
        "$(differences)"
    assert_contains "$OUT" '"their_file": "published/auth_user.sql"'
    rm published/trading_account.sql
    run_foster diff --against-dir published --json
    assert_exit 1
    assert_contains "$(differences)" "trading_account|table||extra|"
}

test_diff_finds_no_drift_between_hand_written_ddl_and_the_owners_dump() {
    snapshot
    mkdir hand
    cat >hand/auth_user.sql <<'SQL'
-- The same table as the owner's, written by hand: other spellings, inline keys.
CREATE TABLE auth_user (
    id serial PRIMARY KEY,
    username VARCHAR(150) NOT NULL UNIQUE,
    email TEXT
);
SQL
    cp schemas/trading_account.sql hand/
    run_foster diff --against-dir hand
    assert_exit 0
    assert_eq "foster: diff: no drift" "$ERR"
    sed -i 's/VARCHAR(150)/VARCHAR(160)/' hand/auth_user.sql
    run_foster diff --against-dir hand --json
    assert_exit 1
    assert_eq "auth_user|column|username|changed|type|schemas/auth_user.sql:$(line_of schemas/auth_user.sql '^    username ')" \
        "$(differences)"
    assert_contains "$OUT" '"their_file": "hand/auth_user.sql", "their_line": 4'
}

test_diff_compares_checks_as_expressions_not_as_text() {
    # The owner's server keeps its normal form of each CHECK: `((balance >= (0)::numeric))`,
    # `((name)::text = ANY ((ARRAY['x'::character varying, ...])::text[]))`, a BETWEEN as
    # two comparisons; the hand-written file keeps the spelling a person writes.
    psql_owner "ALTER TABLE trading_account ADD CONSTRAINT name_known CHECK (name IN ('x', 'y') OR char_length(name) BETWEEN 1 AND 100)" >/dev/null
    snapshot
    cat >schemas/trading_account.sql <<'SQL'
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE DOMAIN positive_int AS integer CHECK (VALUE > 0);
CREATE TABLE trading_account (
    id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    owner_id integer NOT NULL REFERENCES auth_user (id) ON DELETE CASCADE,
    name varchar(100) NOT NULL,
    balance numeric(14, 2) NOT NULL DEFAULT 0 CHECK (balance >= 0),
    feeling mood,
    quantity positive_int,
    created timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT name_known CHECK (name IN ('x', 'y') OR char_length(name) BETWEEN 1 AND 100)
);
CREATE INDEX trading_account_name_idx ON trading_account (name);
SQL
    assert_contains "$(psql_owner "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'name_known'")" \
        "::text = ANY ((ARRAY['x'::character varying" "the server's normal form"
    run_foster diff --against "$OWNER_URL"
    assert_exit 0
    assert_eq "foster: diff: no drift" "$ERR"
    psql_owner "ALTER TABLE trading_account DROP CONSTRAINT trading_account_balance_check, ADD CONSTRAINT trading_account_balance_check CHECK (balance >= 1)" >/dev/null
    run_foster diff --against "$OWNER_URL" --json
    assert_exit 1
    assert_eq "trading_account|check||extra||schemas/trading_account.sql:7
trading_account|check|trading_account_balance_check|missing||schemas/trading_account.sql:3" \
        "$(differences | grep '^trading_account')" "the differences after a real change"
    assert_contains "$OUT" '"ours": "balance >= 0", "theirs": null'
    assert_contains "$OUT" '"theirs": "(balance >=(1)::numeric)"'
}

# Without pg_dump (a PATH where none is found), snapshot and diff read the catalogs.
without_pg_dump() { # foster's ARGS...
    mkdir -p "$WORK/no-pg-dump"
    PATH=$WORK/no-pg-dump command -v pg_dump >/dev/null && fail "pg_dump is still found"
    PATH=$WORK/no-pg-dump run_foster "$@"
}

test_snapshot_without_pg_dump_reads_the_catalogs_alike() {
    snapshot
    mv schemas published
    local log_lines
    log_lines=$(wc -l <"$SERVER_DIR/server.log")
    without_pg_dump snapshot --from "$OWNER_URL"
    assert_exit 0
    local user=schemas/auth_user.sql account=schemas/trading_account.sql
    assert_eq "-- Written by \`foster snapshot\` from the PostgreSQL catalogs (pg_dump was not found); it rewrites this file," \
        "$(sed -n 2p $account)" "the file's source"
    assert_contains "$(cat $user)" $'CREATE SEQUENCE public.auth_user_id_seq\n    AS integer'
    assert_contains "$(cat $user)" "id integer DEFAULT nextval('public.auth_user_id_seq'::regclass) NOT NULL,"
    assert_contains "$(cat $user)" "ALTER SEQUENCE public.auth_user_id_seq OWNED BY public.auth_user.id;"
    assert_contains "$(cat $user)" "ADD CONSTRAINT auth_user_username_key UNIQUE (username);"
    assert_contains "$(cat $account)" $'CREATE TYPE public.mood AS ENUM (\n    \'sad\',\n    \'ok\',\n    \'happy\'\n);'
    assert_contains "$(cat $account)" "CONSTRAINT positive_int_check CHECK ((VALUE > 0));"
    assert_contains "$(cat $account)" "    id bigint GENERATED BY DEFAULT AS IDENTITY NOT NULL,"
    assert_contains "$(cat $account)" "    balance numeric(14,2) DEFAULT 0 NOT NULL,"
    assert_contains "$(cat $account)" "CONSTRAINT trading_account_balance_check CHECK ((balance >= (0)::numeric))"
    assert_contains "$(cat $account)" "FOREIGN KEY (owner_id) REFERENCES public.auth_user(id) ON DELETE CASCADE;"
    assert_contains "$(cat $account)" "CREATE INDEX trading_account_name_idx ON public.trading_account USING btree (name);"
    assert_not_contains "$(cat schemas/*.sql)" "audit_log" "the schema files"
    # Read only: one read-only transaction, no statement that writes.
    local statements
    statements=$(tail -n +"$((log_lines + 1))" "$SERVER_DIR/server.log" | grep -E 'LOG: +statement:')
    assert_contains "$statements" "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY" "the catalog reader's statements"
    assert_no_match "$statements" 'statement: *(INSERT|UPDATE|DELETE|CREATE|ALTER|DROP|TRUNCATE|COMMENT|GRANT)' \
        "the catalog reader's statements"
    # The same tables as pg_dump's snapshot, as foster reads them; and no drift from the owner.
    run_foster diff --against-dir published
    assert_exit 0
    assert_eq "foster: diff: no drift" "$ERR"
    without_pg_dump diff --against "$OWNER_URL"
    assert_exit 0
    assert_eq "foster: diff: no drift" "$ERR"
    without_pg_dump snapshot --from "$OWNER_URL" --check
    assert_exit 0
    # ... and a change is seen through the catalogs too.
    psql_owner "ALTER TABLE auth_user ALTER COLUMN username TYPE varchar(200)" >/dev/null
    without_pg_dump diff --against "$OWNER_URL" --json
    assert_exit 1
    assert_eq "auth_user|column|username|changed|type|$user:$(line_of $user '^    username ')" "$(differences)"
}

test_catalog_snapshot_takes_functions_and_triggers_and_loads_on_postgresql() {
    psql_owner "CREATE FUNCTION next_code() RETURNS text LANGUAGE sql AS \$\$ SELECT 'c-' || count(*) FROM auth_user \$\$;
        CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS \$\$ BEGIN NEW.email := lower(NEW.email); RETURN NEW; END \$\$;
        ALTER TABLE auth_user ADD COLUMN code text DEFAULT next_code();
        CREATE TRIGGER auth_user_touch BEFORE INSERT ON auth_user FOR EACH ROW EXECUTE FUNCTION touch();
        COMMENT ON COLUMN auth_user.email IS 'lower case'" >/dev/null
    snapshot
    mv schemas published
    without_pg_dump snapshot --from "$OWNER_URL"
    assert_exit 0
    local user=schemas/auth_user.sql
    assert_contains "$(cat $user)" "CREATE OR REPLACE FUNCTION public.next_code()"
    assert_contains "$(cat $user)" "CREATE OR REPLACE FUNCTION public.touch()"
    assert_contains "$(cat $user)" $'    code text DEFAULT public.next_code()\n);'
    assert_contains "$(cat $user)" "CREATE TRIGGER auth_user_touch BEFORE INSERT ON public.auth_user FOR EACH ROW EXECUTE FUNCTION public.touch();"
    assert_contains "$(cat $user)" "COMMENT ON COLUMN public.auth_user.email IS 'lower case';"
    [ "$(line_of $user 'FUNCTION public.next_code')" -lt "$(line_of $user '^CREATE TABLE public.auth_user')" ] ||
        fail "the function is not before the table that calls it"
    run_foster diff --against-dir published --strict
    assert_exit 0
    without_pg_dump diff --against "$OWNER_URL" --strict
    assert_exit 0
    # The catalog snapshot runs on PostgreSQL as foster loads it: a test database, then gone.
    local app="postgresql://postgres@/postgres?host=$SERVER_DIR&port=$SERVER_PORT"
    run_foster -b postgres -u "$app" run -- sh -c 'psql -X -tA -d "$DATABASE_URL" -c "INSERT INTO auth_user (username, email) VALUES (\$\$u\$\$, \$\$A@B\$\$) RETURNING code, email"'
    assert_exit 0
    assert_contains "$OUT" "c-0|a@b" "the default and the trigger, run on the test database"
    assert_eq "" "$(psql_owner "SELECT datname FROM pg_database WHERE datname LIKE 'test_%'" postgres)" \
        "test databases left"
}

test_without_pg_dump_an_unreachable_owner_exits_125_without_the_password() {
    snapshot
    without_pg_dump diff --against "postgresql://postgres:s3cret-pw@127.0.0.1:1/nothing"
    assert_exit 125
    assert_contains "$ERR" "foster: error: "
    assert_contains "$ERR" "127.0.0.1"
    assert_not_contains "$OUT$ERR" "s3cret-pw"
}

test_diff_usage_errors_exit_2() {
    run_foster diff
    assert_exit 2
    assert_contains "$ERR" "diff takes one of --against URL and --against-dir DIR"
    run_foster diff --against "$OWNER_URL" --against-dir schemas
    assert_exit 2
    run_foster diff --against-dir schemas extra_argument
    assert_exit 2
    run_foster diff --check --against-dir schemas
    assert_exit 2
    assert_contains "$ERR" "--check is not an option of \`foster diff\`"
}

test_diff_of_an_unreachable_owner_exits_125_without_the_password() {
    snapshot
    run_foster diff --against "postgresql://postgres:s3cret-pw@127.0.0.1:1/nothing"
    assert_exit 125
    assert_contains "$ERR" "foster: error: pg_dump of postgresql://postgres:***@127.0.0.1:1/nothing failed"
    assert_not_contains "$OUT$ERR" "s3cret-pw"
}

test_diff_of_an_unreadable_schema_file_exits_125() {
    snapshot
    printf 'CREATE TABLE auth_user (id integer, name text' >schemas/auth_user.sql
    run_foster diff --against "$OWNER_URL"
    assert_exit 125
    assert_matches "$ERR" '^foster: error: schemas/auth_user.sql:1'
}

# ===========================================================================
# The CI recipe and the make targets

test_make_schema_drift_target_fails_on_drift_and_snapshot_target_fixes_it() {
    snapshot
    printf 'include %s/contrib/foster.mk\n' "$ROOT" >Makefile
    run_make() { make --no-print-directory FOSTER="$FOSTER" FOSTER_OWNER_URL="$OWNER_URL" "$@" >"$WORK/.out" 2>&1; STATUS=$?; OUT=$(cat "$WORK/.out"); }
    run_make schema-drift
    assert_eq 0 "$STATUS" "make schema-drift on a fresh snapshot"
    psql_owner "ALTER TABLE auth_user ADD COLUMN nickname text" >/dev/null
    run_make schema-drift
    assert_eq 2 "$STATUS" "make schema-drift after a change on the owner"
    assert_contains "$OUT" " column nickname: only in the owner's database (schemas/auth_user.sql:"
    run_make schema-snapshot
    assert_eq 0 "$STATUS" "make schema-snapshot"
    run_make schema-drift
    assert_eq 0 "$STATUS" "make schema-drift after the snapshot"
    make --no-print-directory FOSTER="$FOSTER" schema-drift >"$WORK/.out" 2>&1
    assert_contains "$(cat "$WORK/.out")" "set FOSTER_OWNER_URL"
}

test_github_actions_drift_recipe_runs_diff_nightly_against_the_owner() {
    python3 -c 'import yaml' 2>/dev/null || skip "no python3-yaml"
    local recipe=$ROOT/contrib/ci/schema-drift.yml command
    command=$(python3 - "$recipe" <<'PY'
import sys, yaml
doc = yaml.safe_load(open(sys.argv[1]))
on = doc.get("on", doc.get(True))
assert "push" in on and on["schedule"][0]["cron"], on
drift = doc["jobs"]["owner-drift"]
assert drift["if"] == "github.event_name != 'push'", drift["if"]
assert drift["steps"][-1]["env"]["FOSTER_OWNER_URL"] == "${{ secrets.FOSTER_OWNER_URL }}"
assert "if" not in doc["jobs"]["models"]
assert doc["jobs"]["models"]["steps"][-1]["run"] == "python manage.py foster_check_models"
print(drift["steps"][-1]["run"])
PY
) || fail "the recipe's structure: $command"
    assert_eq 'foster diff --against "$FOSTER_OWNER_URL"' "$command" "the nightly step"
    snapshot
    mkdir bin && ln -s "$FOSTER" bin/foster
    PATH=$WORK/bin:$PATH FOSTER_OWNER_URL=$OWNER_URL bash -c "$command" >"$WORK/.out" 2>&1
    assert_eq 0 "$?" "the step on a fresh snapshot"
    psql_owner "ALTER TABLE trading_account DROP COLUMN quantity" >/dev/null
    PATH=$WORK/bin:$PATH FOSTER_OWNER_URL=$OWNER_URL bash -c "$command" >"$WORK/.out" 2>&1
    assert_eq 1 "$?" "the step after a change on the owner"
    assert_contains "$(cat "$WORK/.out")" " column quantity: only in our files (schemas/trading_account.sql:"
}

# ===========================================================================
# schema --json: what model checkers read

test_schema_json_gives_each_columns_facts_and_line() {
    snapshot
    run_foster schema --json
    assert_exit 0
    local facts
    facts=$(printf '%s\n' "$OUT" | python3 -c 'import json, sys
doc = json.load(sys.stdin)
for t in doc["tables"]:
    for c in t["columns"]:
        ref = c["references"]
        print(t["name"], c["name"], c["family"], c["length"], c["precision"], c["scale"],
              c["null"], c["primary_key"], c["unique"],
              "%s.%s" % (ref["table"], ref["column"]) if ref else "-", c["line"])')
    local file=schemas/trading_account.sql
    assert_eq "auth_user id integer None None None False True False - $(line_of schemas/auth_user.sql '^    id integer')
auth_user username text 150 None None False False True - $(line_of schemas/auth_user.sql '^    username ')
auth_user email text None None None True False False - $(line_of schemas/auth_user.sql '^    email ')
trading_account id integer None None None False True False - $(line_of $file '^    id bigint')
trading_account owner_id integer None None None False False False auth_user.id $(line_of $file '^    owner_id ')
trading_account name text 100 None None False False False - $(line_of $file '^    name ')
trading_account balance decimal None 14 2 False False False - $(line_of $file '^    balance ')
trading_account feeling enum None None None True False False - $(line_of $file '^    feeling ')
trading_account quantity domain None None None True False False - $(line_of $file '^    quantity ')
trading_account created timestamp None None None False False False - $(line_of $file '^    created ')" \
        "$facts" "the columns' facts"
}

run_tests
