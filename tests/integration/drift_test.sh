#!/usr/bin/env bash
# drift_test.sh — `foster snapshot` and `foster schema` against a real
# PostgreSQL "owner" database: a snapshot writes each table's file from the
# owner (with pg_dump, and without it from the catalogs), shows no drift when
# fresh, never overwrites files foster does not know, never writes to the
# owner; `schema --json` gives each column's facts and line.
#
#   usage: drift_test.sh FOSTER_BINARY [NAME_REGEX]
#
# The server, the hooks and the helpers are drift_lib.sh's: one throwaway
# PostgreSQL server for the whole file, a fresh owner database per test.
# Output: TAP, then a last line "N passed, M failed"; exit 0 only when M is 0
# (77 without PostgreSQL server binaries or pg_dump).

# shellcheck source=SCRIPTDIR/../harness.sh
. "$(dirname "${BASH_SOURCE[0]}")/../harness.sh" "$@"
# shellcheck source=SCRIPTDIR/drift_lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/drift_lib.sh"

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
# snapshot and diff without pg_dump: the catalogs

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
