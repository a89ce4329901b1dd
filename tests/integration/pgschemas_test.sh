#!/usr/bin/env bash
# pgschemas_test.sh — real owners' PostgreSQL schemas end to end: the owner's
# database is built on a throwaway PostgreSQL server from
# tests/data/pgschemas/owner_*.sql (an enum, two domains, a trigger function
# shared by two tables, a SQL function in a default, a sequence no table owns,
# a partitioned table with three partitions, a foreign-key cycle, generated
# and identity columns, uuid/json/jsonb/citext/arrays/tsvector/inet/interval/
# money/bytea), dumped by pg_dump (whole, plain and -Fc; per table), and
# foster provisions from those dumps on sqlite and cluster. A second owner
# database, of owner_objects.sql, holds what a table needs from elsewhere:
# schemas of its enum and trigger function, a collation, a rule, inheritance.
#
# Usage: pgschemas_test.sh FOSTER_BINARY [NAME_REGEX]
. "$(dirname "${BASH_SOURCE[0]}")/../harness.sh" "$@"

OWNER=$DATA/pgschemas

# ---------------------------------------------------------------------------
# Helpers.

as_server_user() { "${AS_SERVER_USER[@]}" "$@"; }

# The owner's server: built once, dumped, stopped (the tests need only the dumps).
make_owner_dumps() {
    local dir
    dir=$(mktemp -d /tmp/fpgs-owner.XXXXXX) || return 1 # the server account must reach it
    OWNER_DIR=$dir
    mkdir -p "$DUMPS"
    [ "$(id -u)" -eq 0 ] && chown "$SERVER_USER:" "$dir"
    as_server_user "$PGBIN/initdb" -D "$dir/data" -U postgres -A trust --no-sync -E UTF8 \
        --locale=C >"$SUITE_TMP/initdb.log" 2>&1 || return 1
    (cd "$dir" && as_server_user "$PGBIN/pg_ctl" -D "$dir/data" -w -l "$dir/log" \
        -o "-k $dir -c listen_addresses= -c fsync=off -p 5499" start) >/dev/null || return 1
    local psql=("$PSQL" -X -q -h "$dir" -p 5499 -U postgres -v ON_ERROR_STOP=1)
    local dump=("$PGBIN/pg_dump" -h "$dir" -p 5499 -U postgres -s owner)
    local rc=0
    "${psql[@]}" -c 'CREATE DATABASE owner' postgres &&
        "${psql[@]}" -f "$OWNER/owner_prelude.sql" -f "$OWNER/owner_tables.sql" owner \
            2>"$SUITE_TMP/owner.log" &&
        "${dump[@]}" >"$DUMPS/dump.sql" &&
        "${dump[@]}" -Fc >"$DUMPS/dump.fc" &&
        "${dump[@]}" -Ft >"$DUMPS/dump.tar" &&
        "${dump[@]}" -t film -t actor -t film_actor >"$DUMPS/catalog.sql" &&
        "${dump[@]}" -t 'payment*' >"$DUMPS/payment.sql" &&
        "${dump[@]}" -t audit_log >"$DUMPS/audit_log.sql" &&
        "${psql[@]}" -c 'CREATE DATABASE objects' postgres &&
        "${psql[@]}" -f "$OWNER/owner_objects.sql" objects 2>>"$SUITE_TMP/owner.log" &&
        "$PGBIN/pg_dump" -h "$dir" -p 5499 -U postgres -s objects >"$DUMPS/objects.sql" || rc=1
    as_server_user "$PGBIN/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1
    [ $rc -eq 0 ] && rm -rf "$dir"
    return $rc
}

# A project in $WORK/project: the manifest given (a [foster] section's extra lines
# in $1, then the table sections), the dumps in schemas/, the fixtures.
make_project() { # FOSTER_LINES TABLE_SECTIONS
    PROJECT=$WORK/project
    mkdir -p "$PROJECT/schemas" "$PROJECT/fixtures"
    cp "$DUMPS"/* "$OWNER/owner_prelude.sql" "$PROJECT/schemas/"
    cp "$OWNER"/fixtures/*.csv "$PROJECT/fixtures/"
    printf '[foster]\nname = owner\n%s\n%s\n' "$1" "$2" >"$PROJECT/foster.ini"
    cd "$PROJECT" || fail "no project"
}

# audit_log is the table the owner's trigger function writes into.
FOUR_TABLES=$'[table film]\n[table actor]\n[table film_actor]\n[table payment]\n[table audit_log]'

# Runs each query in the test database of the command `foster run` gives.
write_probe() {
    cat >"$WORK/probe.py" <<'EOF'
import os, sqlite3, subprocess, sys
for q in sys.argv[1:]:
    if os.environ["FOSTER_BACKEND"] == "sqlite":
        db = sqlite3.connect(os.environ["FOSTER_SQLITE_PATH"])
        try:
            rows = db.execute(q).fetchall()
            db.commit()
            print(q, "->", "|".join(",".join("" if v is None else str(v) for v in r) for r in rows))
        except sqlite3.Error as e:
            print(q, "-> ERROR", e)
        db.close()
    else:
        r = subprocess.run([os.environ["PSQL"], "-X", "-q", "-At", "-F", ",", "-R", "|",
                            "-v", "ON_ERROR_STOP=1", os.environ["DATABASE_URL"], "-c", q],
                           capture_output=True, text=True)
        out = r.stdout.strip() if r.returncode == 0 else "ERROR " + r.stderr.strip().splitlines()[0]
        print(q, "->", out)
EOF
}

# foster [ARGS] run -- probe QUERY...; PROBE holds what each query gave.
probe() { # FOSTER_ARGS... -- QUERY...
    local args=()
    while [ "$1" != -- ]; do args+=("$1"); shift; done
    shift
    write_probe
    run_foster -c foster.ini "${args[@]}" run -- "$PYTHON_ANY" "$WORK/probe.py" "$@"
    PROBE=$OUT
}

assert_probe() { # QUERY EXPECTED
    assert_contains "$PROBE" "$1 -> $2" "what \"$1\" gave"
}

# What every engine must give for the owner's rows and rules.
assert_owner_rows_and_rules() {
    assert_exit 0
    assert_probe "SELECT count(*) FROM film" 2
    assert_probe "SELECT count(*) FROM actor" 2
    assert_probe "SELECT count(*) FROM payment" 3
    assert_probe "SELECT rating FROM film ORDER BY film_id" "R|PG-13"
    assert_probe "SELECT keywords FROM film WHERE film_id = 1" "{space,horror}"
    assert_probe "SELECT attrs FROM film WHERE film_id = 1" '{"a": 1}'
    assert_contains "$PROBE" "INSERT INTO film (title, rating) VALUES ('x', 'NC-17') -> ERROR" \
        "an invalid enum value"
    assert_contains "$PROBE" "INSERT INTO film (title, release_year) VALUES ('x', 1800) -> ERROR" \
        "a value the domain's CHECK refuses"
}

ROW_QUERIES=("SELECT count(*) FROM film" "SELECT count(*) FROM actor"
    "SELECT count(*) FROM payment" "SELECT rating FROM film ORDER BY film_id"
    "SELECT keywords FROM film WHERE film_id = 1" "SELECT attrs FROM film WHERE film_id = 1"
    "INSERT INTO film (title, rating) VALUES ('x', 'NC-17')"
    "INSERT INTO film (title, release_year) VALUES ('x', 1800)")

# ---------------------------------------------------------------------------
# The whole dump.

test_whole_dump_on_sqlite_takes_each_table_with_what_it_needs() {
    make_project "schema_dump = dump.sql" "$FOUR_TABLES"
    probe -v -- "${ROW_QUERIES[@]}" \
        "SELECT poster FROM film WHERE film_id = 1" \
        "SELECT last_update FROM film WHERE film_id = 1" \
        "INSERT INTO film (title) VALUES ('new') RETURNING film_id, code, length(uid)" \
        "INSERT INTO actor (name) VALUES ('new') RETURNING actor_id" \
        "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
    assert_owner_rows_and_rules
    assert_probe "SELECT poster FROM film WHERE film_id = 1" '\x00ff10'
    assert_probe "SELECT last_update FROM film WHERE film_id = 1" "2024-05-01 10:00:00+02"
    assert_probe "INSERT INTO film (title) VALUES ('new') RETURNING film_id, code, length(uid)" \
        "3,xx,36"
    # actor's identity starts at 10: its key is AUTOINCREMENT, past the loaded 10 and 11
    assert_probe "INSERT INTO actor (name) VALUES ('new') RETURNING actor_id" 12
    assert_probe "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name" \
        "actor|audit_log|film|film_actor|payment|sqlite_sequence"
    assert_contains "$ERR" "taken from schemas/dump.sql: function touch_last_update: named by trigger film_touch on film"
    assert_contains "$ERR" "taken from schemas/dump.sql: type rating: named by table film"
    assert_contains "$ERR" "taken from schemas/dump.sql: domain year: named by table film"
    assert_contains "$ERR" "taken from schemas/dump.sql: sequence shared_id_seq: named by table film"
    assert_contains "$ERR" "taken from schemas/dump.sql: partition payment_2025 of payment"
    assert_contains "$ERR" "note: schemas/dump.sql:"
    assert_contains "$ERR" "not run on SQLite: CREATE TRIGGER film_touch"
    assert_not_contains "$ERR" "unrelated" "objects no table needs"
    assert_not_contains "$ERR" "film_titles" "views"
    assert_runtime_empty
}

test_custom_format_dump_is_read_through_pg_restore() {
    make_project "schema_dump = dump.fc" "$FOUR_TABLES"
    probe -- "${ROW_QUERIES[@]}"
    assert_owner_rows_and_rules
    assert_runtime_empty
    assert_eq "" "$(ls -A "$WORK/tmp" 2>/dev/null)" "files left in TMPDIR"
}

test_whole_dump_on_cluster_runs_as_written_with_triggers_after_the_data() {
    make_project "schema_dump = dump.sql" "$FOUR_TABLES"
    probe -b cluster -- "${ROW_QUERIES[@]}" \
        "SELECT encode(poster, 'hex') FROM film WHERE film_id = 1" \
        "SELECT count(*) FROM audit_log" \
        "SELECT to_char(last_update AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') FROM film WHERE film_id = 1" \
        "SELECT count(*) FROM payment_2025" \
        "INSERT INTO film (title) VALUES ('new') RETURNING film_id, code, tag" \
        "INSERT INTO actor (name) VALUES ('new') RETURNING actor_id" \
        "SELECT count(*) FROM audit_log" \
        "SELECT count(*) FROM pg_proc WHERE proname = 'unrelated'" \
        "SELECT string_agg(relname, ',' ORDER BY relname) FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind IN ('r', 'p', 'v', 'm')"
    assert_owner_rows_and_rules
    assert_probe "SELECT encode(poster, 'hex') FROM film WHERE film_id = 1" "00ff10"
    assert_probe "SELECT count(*) FROM payment_2025" 1
    # Loading fired no trigger: no audit rows, the fixture's time stamp kept.
    assert_contains "$PROBE" "SELECT count(*) FROM audit_log -> 0"
    assert_probe "SELECT to_char(last_update AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') FROM film WHERE film_id = 1" \
        "2024-05-01 08:00"
    # The sequence shared by film and payment moved past both tables' keys (to 102);
    # the row the domain refused took 103, as PostgreSQL's sequences do.
    assert_probe "INSERT INTO film (title) VALUES ('new') RETURNING film_id, code, tag" "104,xx,ab"
    assert_probe "INSERT INTO actor (name) VALUES ('new') RETURNING actor_id" 12
    # The trigger fires once provisioning is over.
    assert_contains "$PROBE" "SELECT count(*) FROM audit_log -> 2"
    assert_probe "SELECT count(*) FROM pg_proc WHERE proname = 'unrelated'" 0
    assert_probe "SELECT string_agg(relname, ',' ORDER BY relname) FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind IN ('r', 'p', 'v', 'm')" \
        "actor,audit_log,film,film_actor,payment,payment_2024,payment_2025,payment_2026"
    assert_runtime_empty
}

# ---------------------------------------------------------------------------
# Identity and sequence options: the same keys on both engines.

IDENTITY_QUERIES=("INSERT INTO ticket (title) VALUES ('new') RETURNING id"
    "INSERT INTO voucher (code) VALUES ('v') RETURNING id"
    "INSERT INTO payment (paid_on, amount) VALUES ('2025-06-01', 1)"
    "INSERT INTO payment (paid_on, amount) VALUES ('2025-06-02', 2)"
    "SELECT payment_id FROM payment WHERE paid_on = '2025-06-01'"
    "SELECT payment_id FROM payment WHERE paid_on = '2025-06-02'")

# ticket starts at 500 and its fixture holds 500 and 501; voucher's sequence starts at
# 7000 and it has no fixture; payment's key (payment_id, paid_on) takes payment_id from a
# sequence, past the loaded 100..102.
assert_identity_keys() {
    assert_exit 0
    assert_probe "${IDENTITY_QUERIES[0]}" 502
    assert_probe "${IDENTITY_QUERIES[1]}" 7000
    assert_probe "${IDENTITY_QUERIES[4]}" 103
    assert_probe "${IDENTITY_QUERIES[5]}" 104
    assert_runtime_empty
}

test_identity_start_and_composite_nextval_key_on_sqlite() {
    make_project "schema_dump = dump.sql" $'[table ticket]\n[table voucher]\n[table payment]'
    probe -- "${IDENTITY_QUERIES[@]}"
    assert_identity_keys
}

test_identity_start_and_composite_nextval_key_on_cluster() {
    make_project "schema_dump = dump.sql" $'[table ticket]\n[table voucher]\n[table payment]'
    probe -b cluster -- "${IDENTITY_QUERIES[@]}"
    assert_identity_keys
}

# SQLite's INTEGER PRIMARY KEY steps by 1: INCREMENT BY 10 is refused where it is written
# (pg_dump writes the identity's options in an ALTER TABLE), with the .sqlite.sql hint.
test_increment_by_on_an_identity_key_is_refused_on_sqlite() {
    make_project "schema_dump = dump.sql" "[table stepped]"
    local line
    line=$(grep -n 'ALTER TABLE public.stepped ALTER COLUMN id ADD GENERATED' schemas/dump.sql | cut -d: -f1)
    [ -n "$line" ] || fail "pg_dump wrote no identity for stepped"
    run_foster -c foster.ini check
    assert_exit 1
    assert_matches "$ERR" "error: schemas/dump.sql:$((line + 3)):[0-9]+: cannot translate INCREMENT BY 10 of column id of table stepped to SQLite"
    assert_contains "$ERR" "schemas/stepped.sqlite.sql"
    probe -b cluster -- "INSERT INTO stepped (label) VALUES ('a') RETURNING id" "INSERT INTO stepped (label) VALUES ('b') RETURNING id"
    assert_exit 0
    assert_contains "$PROBE" "RETURNING id -> 11"
    assert_runtime_empty
}

# ---------------------------------------------------------------------------
# Per-table dumps and a prelude.

PER_TABLE=$'[table film]\nschema = catalog.sql\n[table actor]\nschema = catalog.sql\n[table film_actor]\nschema = catalog.sql\n[table payment]\nschema = payment.sql\n[table audit_log]\nschema = audit_log.sql'

test_per_table_dumps_with_a_prelude_on_sqlite() {
    make_project "prelude = owner_prelude.sql" "$PER_TABLE"
    probe -- "${ROW_QUERIES[@]}"
    assert_owner_rows_and_rules
    assert_not_contains "$ERR" "created twice"
    assert_runtime_empty
}

test_per_table_dumps_with_a_prelude_on_cluster() {
    make_project "prelude = owner_prelude.sql" "$PER_TABLE"
    probe -b cluster -- "${ROW_QUERIES[@]}" "SELECT count(*) FROM payment_2026"
    assert_owner_rows_and_rules
    assert_probe "SELECT count(*) FROM payment_2026" 1
    assert_runtime_empty
}

# ---------------------------------------------------------------------------
# What foster refuses, and strict.

# The owner's enum and trigger function live in schemas of their own, a column
# uses the owner's case-insensitive collation, and a rule keeps rows: each is
# taken with the table, and behaves as on the owner's server.
test_what_the_table_needs_from_elsewhere_in_the_dump_comes_with_it() {
    make_project "schema_dump = objects.sql" "[table person]"
    probe -b cluster -- \
        "INSERT INTO person (id, name, mood) VALUES (1, 'Ann', 'calm') RETURNING touched" \
        "SELECT count(*) FROM person WHERE name = 'ANN'" \
        "UPDATE person SET mood = 'angry' RETURNING touched" \
        "DELETE FROM person RETURNING id" \
        "SELECT count(*) FROM person" \
        "SELECT rulename FROM pg_rules WHERE tablename = 'person'" \
        "INSERT INTO person (id, name, mood) VALUES (2, 'Bo', 'happy')"
    assert_exit 0
    assert_probe "INSERT INTO person (id, name, mood) VALUES (1, 'Ann', 'calm') RETURNING touched" f
    assert_probe "SELECT count(*) FROM person WHERE name = 'ANN'" 1
    assert_probe "UPDATE person SET mood = 'angry' RETURNING touched" t
    assert_probe "DELETE FROM person RETURNING id" ""
    assert_probe "SELECT count(*) FROM person" 1
    assert_probe "SELECT rulename FROM pg_rules WHERE tablename = 'person'" person_kept
    assert_contains "$PROBE" "VALUES (2, 'Bo', 'happy') -> ERROR" "a value the enum lacks"
    assert_runtime_empty
}

test_inherited_table_the_manifest_lacks_is_an_error() {
    make_project "schema_dump = objects.sql" "[table car]"
    run_foster -c foster.ini check
    assert_exit 1
    assert_contains "$ERR" "\"car\" references table \"vehicle\", which no schema file of the manifest creates"
    assert_contains "$ERR" "hint: add a [table vehicle] section to"
    make_project "schema_dump = objects.sql" $'[table car]\n[table vehicle]'
    probe -b cluster -- "INSERT INTO car (id, wheels, seats) VALUES (1, 4, 5)" \
        "SELECT count(*) FROM vehicle"
    assert_exit 0
    assert_probe "SELECT count(*) FROM vehicle" 1
    assert_runtime_empty
}

test_tar_format_dump_is_an_error_saying_what_to_give() {
    make_project "schema_dump = dump.tar" "[table film]"
    run_foster -c foster.ini check
    assert_exit 1
    assert_contains "$ERR" "foster: error: schemas/dump.tar: is a tar archive (pg_dump -Ft), not SQL"
    assert_contains "$ERR" "hint: give the dump as plain SQL (pg_dump -s) or as pg_dump -Fc"
    assert_runtime_empty
}

test_view_listed_as_a_table_is_an_error_saying_so() {
    make_project "schema_dump = dump.sql" "[table film_titles]"
    run_foster -c foster.ini check
    assert_exit 1
    assert_contains "$ERR" "foster.ini:4: \"film_titles\" is a view in schemas/dump.sql; foster creates tables only"
    assert_runtime_empty
}

test_partition_listed_alone_is_an_error_naming_its_parent() {
    make_project "schema_dump = dump.sql" "[table payment_2024]"
    run_foster -c foster.ini check
    assert_exit 1
    assert_contains "$ERR" "foster.ini:4: table \"payment_2024\" is a partition of \"payment\" in"
    assert_contains "$ERR" "hint: list [table payment] instead: its partitions come with it"
    assert_runtime_empty
}

test_check_shows_notes_and_strict_makes_them_errors() {
    make_project "schema_dump = dump.sql" "$FOUR_TABLES"
    run_foster -c foster.ini check
    assert_exit 0
    assert_contains "$ERR" "note: schemas/dump.sql:"
    assert_contains "$ERR" "not run on SQLite: CREATE FUNCTION touch_last_update"
    make_project $'schema_dump = dump.sql\nstrict = true' "$FOUR_TABLES"
    run_foster -c foster.ini check
    assert_exit 1
    assert_matches "$ERR" "error: schemas/dump.sql:[0-9]+:1: not run on SQLite: CREATE TRIGGER film_touch"
    assert_runtime_empty
}

# A per-table dump keeps its OWNER TO and COMMENT ON (a whole dump's tables are taken
# without them): -v names them, and strict refuses them too.
test_strict_refuses_ownership_and_comments() {
    local tables=$PER_TABLE$'\n[table note]\nschema = note.sql'
    make_project "prelude = owner_prelude.sql" "$tables"
    printf "CREATE TABLE note (id integer PRIMARY KEY);\nCOMMENT ON TABLE note IS 'notes';\n" \
        >"$PROJECT/schemas/note.sql"
    run_foster -c foster.ini -v check
    assert_exit 0
    assert_matches "$ERR" "note: schemas/audit_log.sql:[0-9]+:1: not run on SQLite: ALTER TABLE public.audit_log OWNER TO"
    sed -i 's/^\[foster\]$/[foster]\nstrict = true/' "$PROJECT/foster.ini"
    run_foster -c foster.ini check
    assert_exit 1
    assert_matches "$ERR" "error: schemas/audit_log.sql:[0-9]+:1: not run on SQLite: ALTER TABLE public.audit_log OWNER TO"
    assert_contains "$ERR" "error: schemas/note.sql:2:1: not run on SQLite: COMMENT ON TABLE note"
    assert_runtime_empty
}

test_untranslatable_table_of_the_dump_names_its_place_and_sqlite_file() {
    make_project "schema_dump = dump.sql" $'[table film]\n[table actor]\n[table booking]'
    local line
    line=$(($(wc -l <schemas/dump.sql) + 1))
    printf 'CREATE TABLE public.booking (room integer, during tsrange,\n    CONSTRAINT booking_excl EXCLUDE USING gist (during WITH &&));\n' >>schemas/dump.sql
    run_foster -c foster.ini check
    assert_exit 1
    assert_contains "$ERR" "error: schemas/dump.sql:$((line + 1)):29: cannot translate \"EXCLUDE\" constraint to SQLite"
    assert_contains "$ERR" "hint: write a SQLite version of table booking in schemas/booking.sqlite.sql; foster uses it instead of the dump on SQLite"
    printf 'CREATE TABLE booking (room integer, during text);\n' >schemas/booking.sqlite.sql
    run_foster -c foster.ini check
    assert_exit 0
    assert_runtime_empty
}

test_missing_extension_is_named_with_its_package() {
    make_project $'schema_dump = dump.sql\nprelude = needs_postgis.sql' "$FOUR_TABLES"
    printf 'CREATE EXTENSION IF NOT EXISTS postgis;\n' >"$PROJECT/schemas/needs_postgis.sql"
    run_foster -c foster.ini -b cluster run -- true
    assert_exit 125
    assert_contains "$ERR" "schemas/needs_postgis.sql:1:1: the server has no extension \"postgis\""
    assert_contains "$ERR" "postgresql-NN-postgis-3"
    assert_runtime_empty
}

# pg_dump empties the search_path (set_config) before its statements: foster honours it for
# that file, in every phase, and the next file, hand-written with unqualified names (an
# index, post-data), is read with the server's search_path again.
test_dump_search_path_is_honoured_for_its_file_only() {
    make_project $'schema_dump = dump.sql' "$FOUR_TABLES"$'\n[table note]\nschema = note.sql'
    printf 'CREATE TABLE note (id integer PRIMARY KEY, body text);\nCREATE INDEX note_body ON note (body);\n' \
        >"$PROJECT/schemas/note.sql"
    probe -b cluster -- "SELECT count(*) FROM note" "SELECT indexname FROM pg_indexes WHERE tablename = 'note' AND indexname = 'note_body'" \
        "SHOW search_path"
    assert_exit 0
    assert_probe "SELECT count(*) FROM note" "0"
    assert_probe "SELECT indexname FROM pg_indexes WHERE tablename = 'note' AND indexname = 'note_body'" "note_body"
    assert_probe "SHOW search_path" '"$user", public'
    # Honoured: with the dump's empty search_path, an unqualified CREATE TABLE has no schema.
    printf "SELECT pg_catalog.set_config('search_path', '', false);\nCREATE TABLE path_probe (id integer);\n" \
        >"$PROJECT/schemas/path_probe.sql"
    sed -i 's/^\[foster\]$/[foster]\nprelude = path_probe.sql/' "$PROJECT/foster.ini"
    run_foster -c foster.ini -b cluster run -- true
    assert_exit 125
    assert_contains "$ERR" "schemas/path_probe.sql:2"
    assert_contains "$ERR" "no schema has been selected to create in"
    assert_runtime_empty
}

# ---------------------------------------------------------------------------
# The runner.

before_all() {
    PYTHON_ANY=$(command -v python3) || skip_all "python3 is needed"
    PGBIN=$(find_pg_bindir) || skip_all "no PostgreSQL server binaries (postgres, initdb): install the postgresql package"
    PSQL=$PGBIN/psql
    [ -x "$PSQL" ] || PSQL=$(command -v psql) || skip_all "no psql: install postgresql-client"
    export PSQL
    SERVER_USER=$(id -un)
    AS_SERVER_USER=(env)
    if [ "$(id -u)" -eq 0 ]; then
        SERVER_USER=postgres
        id postgres >/dev/null 2>&1 || SERVER_USER=nobody
        AS_SERVER_USER=(setpriv "--reuid=$SERVER_USER" "--regid=$(id -g "$SERVER_USER")" --init-groups --)
    fi
    DUMPS=$SUITE_TMP/dumps
    make_owner_dumps || {
        echo "Bail out! cannot build the owner's database and dump it:"
        sed 's/^/# /' "$SUITE_TMP/initdb.log" "$SUITE_TMP/owner.log" "$OWNER_DIR/log" 2>/dev/null
        rm -rf "$OWNER_DIR"
        exit 1
    }
    SUITE_RUNTIMES=$(mktemp -d /tmp/fpgs.XXXXXX) # short: a cluster's socket lives in it
    unset_pg_environment
}

describe_suite() {
    echo "# pg_dump $("$PGBIN/pg_dump" --version | sed 's/^pg_dump (PostgreSQL) //') of tests/data/pgschemas/owner_*.sql"
}

after_all() {
    [ -n "${SUITE_RUNTIMES:-}" ] && rm -rf "$SUITE_RUNTIMES"
}

before_each() {
    RUNTIME=$(mktemp -d "$SUITE_RUNTIMES/XXXXXX")
}

prepare_environment() {
    unset_pg_environment
    export XDG_CACHE_HOME=$SUITE_TMP/cache # clusters' pristine data directories, shared
}

run_tests
