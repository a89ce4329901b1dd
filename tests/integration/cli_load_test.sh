#!/usr/bin/env bash
# cli_load_test.sh — integration tests of the foster command, SQLite backend: `load`, fixture
# loading seen through `run`, bad input through `run`, and owners' dumps
# (mariadb-dump, pg_dump) provisioned on SQLite.
#
#   usage: cli_load_test.sh FOSTER_BINARY [NAME_REGEX]
#
# The conventions, assertions and helpers are cli_lib.sh's: each test_*
# function one behaviour of the contract in docs/, in a fresh $WORK and
# $RUNTIME that must be empty afterwards. Output: TAP, then a last line
# "N passed, M failed"; exit 0 only when M is 0.

# shellcheck source=SCRIPTDIR/../harness.sh
. "$(dirname "${BASH_SOURCE[0]}")/../harness.sh" "$@"
# shellcheck source=SCRIPTDIR/cli_lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/cli_lib.sh"

# Known bugs of foster (not of these tests): name -> why it fails.
# shellcheck disable=SC2034 # read by the harness
declare -A EXPECTED_FAILURES=(
)

# ===========================================================================
# load.

# `up` with the example manifest; exports its environment.
up_example() {
    run_foster -q -c "$EXAMPLE" up
    assert_exit 0
    eval "$OUT"
}

down_example() {
    unset DATABASE_URL
    run_foster -q -c "$EXAMPLE" down
    assert_exit 0
    assert_runtime_empty
}

# `reset` works from the run's record alone: it reads neither the manifest nor
# the schema files (here both are FIFOs nobody writes: reading one would
# block until the timeout).
test_reset_reads_only_the_run_record() {
    use_case valid
    run_foster -q up
    assert_exit 0
    eval "$OUT"
    python3 -c 'import sqlite3, sys; sqlite3.connect(sys.argv[1]).executescript(sys.argv[2])' \
        "$FOSTER_SQLITE_PATH" 'DELETE FROM pet; DELETE FROM person'
    rm schemas/person.sql foster.ini
    mkfifo schemas/person.sql foster.ini
    local id=$FOSTER_RUN_ID
    unset FOSTER_RUN_ID # the last `up` of this manifest, found by its path
    timeout 20 "$FOSTER" reset >"$WORK/.stdout" 2>"$WORK/.stderr"
    STATUS=$? ERR=$(<"$WORK/.stderr")
    assert_exit 0
    assert_matches "$ERR" "^foster: reset test_cli_$id in [0-9.]+ ms$"
    assert_eq "4|2" "$(sql "$FOSTER_SQLITE_PATH" 'SELECT (SELECT count(*) FROM person), (SELECT count(*) FROM pet)')" \
        "rows after reset"
    rm schemas/person.sql foster.ini
    cp "$CASES/valid/foster.ini" foster.ini
    run_foster -q down "$id"
    assert_exit 0
    unset DATABASE_URL FOSTER_SQLITE_PATH
    assert_runtime_empty
}

# The template cache: the second run from the same inputs copies the database
# the first one built; a changed fixture is a new key (never stale);
# --no-cache and `cache = false` build from the inputs.
count_people() {
    # shellcheck disable=SC2016 # the command's own variable
    run_foster "$@" run -- sh -c 'python3 -c "import sqlite3, sys; print(*sqlite3.connect(sys.argv[1]).execute(\"SELECT (SELECT count(*) FROM person), (SELECT count(*) FROM pet)\").fetchone())" "$FOSTER_SQLITE_PATH"'
    assert_exit 0
}

test_template_cache_serves_same_inputs_and_never_stale_ones() {
    use_case valid
    count_people -v
    assert_eq "4 2" "$(grep -v '^foster: ' <<<"$OUT")" "rows of the first run"
    assert_contains "$ERR" "foster: template cache: miss (no template made from these inputs yet, key "
    assert_contains "$ERR" "foster: loaded person"
    local templates=$HOME/.cache/foster/templates
    assert_eq 1 "$(find "$templates" -mindepth 1 -maxdepth 1 | wc -l)" "cache entries"
    assert_matches "$(find "$templates" -mindepth 1 | LC_ALL=C sort | sed "s|$templates/||")" \
        '^sqlite-[0-9.]+-[0-9a-f]{32}
sqlite-[0-9.]+-[0-9a-f]{32}/identity
sqlite-[0-9.]+-[0-9a-f]{32}/template\.sqlite3$' "the entry"
    count_people
    assert_eq "4 2" "$(grep -v '^foster: ' <<<"$OUT")" "rows of the run from the template"
    assert_matches "$ERR" "foster: copied the cached template [0-9a-f]{32} \\(2 tables with their fixtures\\) in [0-9.]+ ms"
    assert_not_contains "$ERR" "foster: loaded person"
    printf '5,Edsger,\n' >>fixtures/person.csv
    count_people -v
    assert_eq "5 2" "$(grep -v '^foster: ' <<<"$OUT")" "rows after the fixture changed"
    assert_contains "$ERR" "foster: template cache: miss"
    assert_contains "$ERR" "foster: loaded person"
    assert_eq 2 "$(find "$templates" -mindepth 1 -maxdepth 1 | wc -l)" "cache entries"
    count_people -v --no-cache
    assert_contains "$ERR" "foster: template cache: off (--no-cache)"
    assert_contains "$ERR" "foster: loaded person"
    sed -i 's/^\[foster\]$/[foster]\ncache = false/' foster.ini
    count_people -v
    assert_contains "$ERR" "foster: template cache: off (cache = false in the manifest)"
    assert_contains "$ERR" "foster: loaded person"
    assert_runtime_empty
}

test_cached_sqlite_snapshot_links_the_template_and_reset_leaves_it_unchanged() {
    use_case valid
    run_foster -q run -- true # builds the template
    assert_exit 0
    local template
    template=$(ls "$HOME"/.cache/foster/templates/sqlite-*/template.sqlite3)
    assert_file_exists "$template"
    [ "$(stat -c %d "$template")" == "$(stat -c %d "$RUNTIME")" ] ||
        skip "the cache and the runtime directory are on different file systems: no link"
    local before
    before=$(sha256sum <"$template")
    run_foster -q up
    assert_exit 0
    eval "$OUT"
    assert_eq "$(stat -c %i "$template")" "$(stat -c %i "$FOSTER_SQLITE_PATH.pristine")" \
        "inode of the snapshot and of the cached template"
    python3 -c 'import sqlite3, sys; sqlite3.connect(sys.argv[1]).executescript(sys.argv[2])' \
        "$FOSTER_SQLITE_PATH" 'DELETE FROM pet; DELETE FROM person'
    run_foster -q reset
    assert_exit 0
    assert_eq "4|2" "$(sql "$FOSTER_SQLITE_PATH" 'SELECT (SELECT count(*) FROM person), (SELECT count(*) FROM pet)')" \
        "rows after reset"
    run_foster -q down
    assert_exit 0
    assert_eq "$before" "$(sha256sum <"$template")" "the cached template after the run"
    assert_eq 1 "$(stat -c %h "$template")" "links to the cached template after down"
    unset DATABASE_URL FOSTER_SQLITE_PATH FOSTER_RUN_ID
    assert_runtime_empty
}

test_load_into_up_database_adds_rows() {
    up_example
    run_foster -c "$EXAMPLE" load "$CASES/load/more/auth_user.csv"
    assert_exit 0
    assert_matches "$ERR" "^foster: loaded auth_user +2 rows from $CASES/load/more/auth_user.csv"
    assert_eq "1,2,3,4,5,6" "$(sql "$FOSTER_SQLITE_PATH" 'SELECT group_concat(id) FROM (SELECT id FROM auth_user ORDER BY id)')"
    assert_eq "erin" "$(sql "$FOSTER_SQLITE_PATH" 'SELECT username FROM auth_user WHERE id = 6')"
    down_example
}

test_load_url_option_names_the_database() {
    up_example
    local url=$DATABASE_URL
    unset DATABASE_URL
    run_foster -q -c "$EXAMPLE" load --url "$url" "$CASES/load/more/auth_user.csv"
    assert_exit 0
    assert_eq 6 "$(sql "$FOSTER_SQLITE_PATH" 'SELECT count(*) FROM auth_user')"
    down_example
}

test_load_without_url_targets_the_last_up() {
    run_foster -q -c "$EXAMPLE" up
    assert_exit 0
    local path
    path=$(export_value "$OUT" FOSTER_SQLITE_PATH)
    run_foster -q -c "$EXAMPLE" load "$CASES/load/more/auth_user.csv"
    assert_exit 0
    assert_eq 6 "$(sql "$path" 'SELECT count(*) FROM auth_user')"
    down_example
}

# A SQLite database foster did not make, with one auth_user row.
make_foreign_database() { # PATH
    python3 - "$1" <<'EOF'
import sqlite3, sys
con = sqlite3.connect(sys.argv[1])
con.execute("""CREATE TABLE auth_user (id integer PRIMARY KEY, password text, last_login text,
    is_superuser integer, username text, first_name text, last_name text, email text,
    is_staff integer, is_active integer, date_joined text)""")
con.execute("INSERT INTO auth_user (id, username) VALUES (1, 'precious')")
con.commit()
con.close()
EOF
}

test_load_refuses_database_without_marker() {
    make_foreign_database "$WORK/prod.sqlite3"
    run_foster -c "$EXAMPLE" load --url "sqlite:///$WORK/prod.sqlite3" "$CASES/load/more/auth_user.csv"
    assert_exit 1
    assert_contains "$ERR" "foster: error: refusing to load into sqlite:///$WORK/prod.sqlite3: it is not a database foster created"
    assert_contains "$ERR" "hint: use --force"
    assert_eq "1|precious" "$(sql "$WORK/prod.sqlite3" 'SELECT id, username FROM auth_user')" "data"
    assert_eq "prod.sqlite3" "$(cd "$WORK" && ls -- *.sqlite3*)" "files beside the database"
    assert_runtime_empty
}

test_load_force_still_refuses_name_without_test() {
    make_foreign_database "$WORK/prod.sqlite3"
    run_foster -c "$EXAMPLE" load --force --url "sqlite:///$WORK/prod.sqlite3" "$CASES/load/more/auth_user.csv"
    assert_exit 1
    assert_contains "$ERR" "it is not a database foster created"
    assert_contains "$ERR" 'hint: --force works only for databases whose name contains "test"'
    assert_eq "1|precious" "$(sql "$WORK/prod.sqlite3" 'SELECT id, username FROM auth_user')" "data"
}

test_load_force_loads_into_name_with_test() {
    make_foreign_database "$WORK/my_test.sqlite3"
    run_foster -q -c "$EXAMPLE" load --force --url "sqlite:///$WORK/my_test.sqlite3" "$CASES/load/more/auth_user.csv"
    assert_exit 0
    assert_eq "1|precious
5|dave
6|erin" "$(sql "$WORK/my_test.sqlite3" 'SELECT id, username FROM auth_user ORDER BY id')" "data"
}

test_load_csv_matching_no_table_names_the_file() {
    up_example
    run_foster -c "$EXAMPLE" load "$CASES/load/unmatched/nothing_like_this.csv"
    assert_exit 1
    assert_contains "$ERR" "foster: error: $CASES/load/unmatched/nothing_like_this.csv: no table of $EXAMPLE takes this file"
    down_example
}

test_load_foreign_key_violation_names_line_and_loads_nothing() {
    up_example
    # auth_user.csv is fine and comes first; the second file breaks a foreign key.
    run_foster -c "$EXAMPLE" load "$CASES/load/more/auth_user.csv" "$CASES/load/bad_fk/trading_shares.csv"
    assert_exit 1
    assert_contains "$ERR" "foster: error: $CASES/load/bad_fk/trading_shares.csv:3:5: column \"account_id\" = 99: no row of \"trading_account\" has id = 99 (foreign key violation)"
    assert_eq 4 "$(sql "$FOSTER_SQLITE_PATH" 'SELECT count(*) FROM auth_user')" "auth_user rows (rolled back)"
    assert_eq 8 "$(sql "$FOSTER_SQLITE_PATH" 'SELECT count(*) FROM trading_shares')" "trading_shares rows"
    down_example
}

test_load_unique_violation_names_line_and_loads_nothing() {
    run_foster -q -c "$CASES/valid/foster.ini" up
    assert_exit 0
    eval "$OUT"
    run_foster -c "$CASES/valid/foster.ini" load "$CASES/load/bad_people/person.csv"
    assert_exit 1
    assert_contains "$ERR" "foster: error: $CASES/load/bad_people/person.csv:3:12: cannot load row into \"person\": UNIQUE constraint failed: person.email"
    assert_eq 4 "$(sql "$FOSTER_SQLITE_PATH" 'SELECT count(*) FROM person')" "person rows (rolled back)"
    run_foster -c "$CASES/valid/foster.ini" load "$CASES/load/more_people/person.csv"
    assert_exit 0
    assert_eq 5 "$(sql "$FOSTER_SQLITE_PATH" 'SELECT count(*) FROM person')" "person rows"
    unset DATABASE_URL
    run_foster -q -c "$CASES/valid/foster.ini" down
    assert_exit 0
    assert_runtime_empty
}

test_load_needs_a_file() {
    run_foster -c "$EXAMPLE" load
    assert_exit 2
    assert_contains "$ERR" "foster: error: load needs at least one fixture file"
}

# ===========================================================================
# Fixture loading that must succeed, seen through run.

# Runs QUERY through `foster run` in CASE and checks what the command printed.
assert_run_query() { # CASE QUERY EXPECTED
    use_case "$1"
    run_foster -q run -- python3 -c 'import os, sqlite3, sys
con = sqlite3.connect(os.environ["FOSTER_SQLITE_PATH"])
for row in con.execute(sys.argv[1]):
    print("|".join("<null>" if v is None else str(v) for v in row))' "$2"
    assert_exit 0
    assert_eq "$3" "$OUT" "rows seen by the command"
    assert_project_unchanged
    assert_runtime_empty
}

test_run_loads_self_reference_to_later_row() {
    assert_run_query self_reference_forward 'SELECT id, parent_id FROM category ORDER BY id' "1|<null>
2|3
3|1"
}

test_run_loads_two_table_cycle() {
    assert_run_query fk_cycle \
        "SELECT (SELECT group_concat(manager_id) FROM (SELECT manager_id FROM department ORDER BY id)), (SELECT count(*) FROM employee)" "10,20|3"
}

test_run_orders_tables_by_ddl_not_manifest() {
    assert_run_query child_listed_first 'SELECT p.name, o.name FROM pet p JOIN person o ON o.id = p.owner_id ORDER BY p.id' "Rex|Ada
Tom|Grace"
}

test_run_loads_fixtures_of_schema_qualified_table() {
    # [table billing.invoice]: on SQLite the table is "invoice" (translate_sqlite.h).
    assert_run_query schema_qualified_table 'SELECT id, customer, total FROM invoice ORDER BY id' "1|Acme|120
2|Globex|80.5"
}

# A foreign key checked after the rows are in names the JSON fixture's line
# and column of the offending value, as a CSV fixture's.
test_check_foreign_key_violation_in_json_fixture_names_line_and_column() {
    use_case json_fixture
    sed -i 's/"owner": 1,/"owner": 7,/' fixtures/data.json
    run_foster check
    assert_exit 1
    assert_eq 'foster: error: fixtures/data.json:5:56: column "owner_id" = 7: no row of "person" has id = 7 (foreign key violation)
hint: load the "person" row first (list its fixture in the manifest) or fix the value' "$ERR"
}

test_run_loads_django_json_fixture_into_mapped_tables() {
    # One dumpdata file feeds two tables through their model keys; the pet
    # listed before its owner still loads (tables go in dependency order), the
    # foreign key "owner" lands in owner_id, and true/false become 1/0.
    assert_run_query json_fixture 'SELECT p.id, p.name, q.name, q.active FROM pet p JOIN person q ON q.id = p.owner_id ORDER BY p.id' "1|Rex|Grace|0
2|Tom|Ada|1"
}

test_run_loads_django_array_and_json_fields_as_json_text() {
    # An ArrayField (a string holding a JSON list, or a list) becomes the list's
    # compact JSON text in its TEXT column; a JSONField's bare string the JSON
    # string, which json_valid accepts (docs/django.md).
    assert_run_query json_arrays "SELECT id, tags, coalesce(scores, '-'), coalesce(meta, '-'), meta IS NULL OR json_valid(meta), doc FROM app_item ORDER BY id" '1|["a","b,c","say \"hi\"","back\\slash","{x}","caf\u00e9",""]|["1",null,"-3"]|"plain"|1|{"k":[1,"x"]}
2|[]|[7,8]|{"nested":{"ok":true}}|1|"also plain"
3|["NULL",null]|-|-|1|true'
}

test_check_json_field_matching_no_column_names_its_place() {
    check_case json_unknown_field 1
    assert_eq 'foster: error: fixtures/data.json:4:42: field "colour" of people.pet (pk 1) matches no column of the table; tried "colour" and "colour_id"
hint: remove the field from the fixture, or add the column to the table' "$ERR"
}

test_check_json_model_without_table_is_reported_once() {
    check_case json_unmapped_model 1
    # shellcheck disable=SC2016 # backquotes of the message, not a command
    assert_eq 'foster: error: fixtures/data.json:3: model people.vet is not mapped to any table of foster.ini
hint: add `model = people.vet` to the section of the table it fills' "$ERR"
}

test_run_loads_every_file_of_a_fixture_list() {
    assert_run_query two_fixture_files 'SELECT group_concat(id) FROM (SELECT id FROM person ORDER BY id)' "1,2,3,4,5"
}

test_run_reads_rfc4180_csv_with_bom_and_crlf() {
    assert_run_query csv_rfc4180 "SELECT id, replace(name, char(13), '<CR>'), email FROM person ORDER BY id" '1|Ada, Countess<CR>
of Lovelace|say "hi"
2|Grace|<null>'
}

test_run_loads_sql_fixture_statements() {
    assert_run_query sql_fixture 'SELECT id, name, email FROM person ORDER BY id' "1|Ada|ada@example.com
2|O'Brien|<null>"
}

# ===========================================================================
# Bad input through run: 125, the command never starts, nothing is left.

check_run_refuses_case() { # CASE EXPECTED_MESSAGE_PREFIX
    use_case "$1"
    run_foster run -- touch "$WORK/ran"
    assert_exit 125
    assert_file_absent "$WORK/ran"
    assert_contains "$ERR" "foster: error: $2"
    assert_project_unchanged
    assert_runtime_empty
}

test_run_with_manifest_error_exits_125() {
    check_run_refuses_case ini_unknown_key 'foster.ini:6: unknown key "colour"'
}

test_run_with_missing_schema_file_exits_125() {
    check_run_refuses_case missing_schema_file 'foster.ini:6: schema file "schemas/ghost.sql"'
}

test_run_with_untranslatable_ddl_exits_125() {
    check_run_refuses_case ddl_exclude_constraint 'schemas/booking.sql:11:39: cannot translate "EXCLUDE" constraint'
}

test_run_with_csv_syntax_error_exits_125() {
    check_run_refuses_case csv_unterminated_quote 'fixtures/person.csv:3:3: unterminated quoted field'
}

test_run_with_foreign_key_violation_exits_125_and_removes_database() {
    check_run_refuses_case fk_violation 'fixtures/pet.csv:3:3: column "owner_id" = 7'
}

test_run_with_unique_violation_exits_125_and_removes_database() {
    check_run_refuses_case unique_violation 'fixtures/person.csv:3:9: cannot load row into "person"'
}

test_run_with_untranslatable_mysql_ddl_exits_125() {
    check_run_refuses_case mysql_untranslatable 'schemas/place.sql:4:14: cannot translate the type of place.location to SQLite'
    assert_contains "$ERR" "hint: write a SQLite version of this table in schemas/place.sqlite.sql"
}

# ===========================================================================
# The owner's MySQL DDL as mariadb-dump writes it (tests/data/cli/mysql_dump).

test_run_mysql_dump_on_sqlite_loads_rows_and_notes_the_trigger() {
    use_case mysql_dump
    run_foster run -- sh -c 'sqlite3 "$FOSTER_SQLITE_PATH" "INSERT INTO record (title) VALUES (\"x\");
        SELECT group_concat(id || \"-\" || format, \",\") FROM record;
        SELECT count(*) FROM record_log;" && ! sqlite3 "$FOSTER_SQLITE_PATH" \
        "INSERT INTO record (title, format) VALUES (\"y\", \"cassette\")" 2>/dev/null'
    assert_exit 0
    assert_eq "$(printf '1-lp,2-cd,3-lp\n0')" "$OUT" "rows, the next key, the ENUM's default; no trigger ran"
    assert_contains "$ERR" "foster: note: schemas/record.sql:20:10: trigger record_ai on record is not created on SQLite"
    assert_not_contains "$ERR" "ON UPDATE"
    run_foster -v run -- true
    assert_contains "$ERR" "foster: note: schemas/record.sql:14:63: ON UPDATE of record.updated_at left out"
    assert_project_unchanged
    assert_runtime_empty
}

# MariaDB's JSON column is longtext CHECK (json_valid(c)), which NULL passes on MariaDB;
# SQLite's json_valid(NULL) is 0, so the translation lets NULL through itself.
test_run_mysql_json_column_takes_null_on_sqlite() {
    use_case mysql_json
    run_foster run -- sh -c 'sqlite3 "$FOSTER_SQLITE_PATH" "INSERT INTO doc (id) VALUES (3);
        SELECT group_concat(id || \":\" || coalesce(meta, \"null\"), \",\") FROM doc;" &&
        ! sqlite3 "$FOSTER_SQLITE_PATH" "INSERT INTO doc VALUES (4, \"{\")" 2>/dev/null'
    assert_exit 0
    assert_eq '1:{"a":1},2:null,3:null' "$OUT" "a NULL fixture value and a left-out column load; bad JSON does not"
    assert_project_unchanged
    assert_runtime_empty
}

test_run_tables_taken_out_of_a_whole_mariadb_dump() {
    local manifest="$FOSTER_TEST_DATA/mysql/dump/foster.ini" # schema_dump = shop_dump.sql
    run_foster -c "$manifest" -b sqlite run -- sh -c 'sqlite3 "$FOSTER_SQLITE_PATH" \
        "SELECT count(*) FROM artist; SELECT group_concat(id) FROM album;
         SELECT count(*) FROM sqlite_master WHERE type = \"index\" AND name NOT LIKE \"sqlite_%\""'
    assert_exit 0
    assert_eq "$(printf '3\n100,101,102,103\n4')" "$OUT" "rows of both tables; the four KEYs as indexes"
    assert_contains "$ERR" "shop_dump.sql:56:10: trigger album_after_insert on album is not created on SQLite"
    run_foster -c "$manifest" -b postgres check
    assert_exit 1
    assert_contains "$ERR" 'shop_dump.sql:2: this is MySQL DDL (the dump header "-- MariaDB dump")'
    assert_runtime_empty
}

test_check_mysql_dump_for_a_postgresql_backend_names_file_and_line() {
    use_case mysql_dump
    run_foster -b postgres check
    assert_exit 1
    assert_contains "$ERR" 'foster: error: schemas/record.sql:2: this is MySQL DDL (the dump header "-- MariaDB dump"), but the backend runs PostgreSQL DDL'
    printf '[foster]\ndialect = postgresql\n[table record]\n' >foster.ini
    run_foster check # read as PostgreSQL, as the manifest says: the backquotes are not names
    assert_exit 1
    assert_contains "$ERR" "foster: error: schemas/record.sql:9:14: expected a table name after CREATE TABLE"
    assert_runtime_empty
}

# ===========================================================================
# Real pg_dump output (tests/data/ddl, shared with the DDL unit tests).

test_run_date_arithmetic_defaults_give_the_moments_postgresql_would() {
    use_case pgdump_date_defaults
    run_foster check
    assert_exit 0
    run_foster -q run -- sh -c 'sqlite3 "$FOSTER_SQLITE_PATH" "INSERT INTO tm (id) VALUES (1);
        SELECT abs(strftime(\"%s\", a) - strftime(\"%s\", \"now\", \"-1 hours\")) < 60,
               b = date(\"now\", \"+7 days\"),
               abs(strftime(\"%s\", c) - strftime(\"%s\", \"now\", \"+30 minutes\")) < 60,
               e = date(\"now\"), length(a) || length(b) || length(c) || length(e),
               d = date(\"now\"), t GLOB \"[0-2][0-9]:[0-5][0-9]:[0-5][0-9]\",
               m = date(\"now\") || \" 00:00:00\"
        FROM tm"'
    assert_exit 0
    assert_eq "1|1|1|1|19101910|1|1|1" "$OUT" \
        "a, b, c, e as PostgreSQL computes them, in SQLite's text forms; now() stored in a date column its date, in a time column its time of day, CURRENT_DATE in a timestamp column its midnight"
    printf '    f timestamp DEFAULT (now() + 2 * %s::interval)\n);\n' "'1 day'" >>schemas/tm.sql
    sed -i 's/::date$/::date,/; /^);$/d' schemas/tm.sql
    printf ');\n' >>schemas/tm.sql
    run_foster check
    assert_exit 1
    assert_contains "$ERR" 'foster: error: schemas/tm.sql:11:32: cannot translate date/time arithmetic "now() + 2 * '"'1 day'"'::interval" to SQLite'
    assert_runtime_empty
}


test_pgdump_samples_provision_and_load() {
    local manifest="$CASES/pgdump_samples/foster.ini"
    run_foster -c "$manifest" check
    assert_exit 0
    cat >"$WORK/samples.py" <<'EOF'
import os, sqlite3
con = sqlite3.connect(os.environ["FOSTER_SQLITE_PATH"])
con.execute("PRAGMA foreign_keys = ON")
def one(sql):
    return con.execute(sql).fetchone()[0]
for table in ["author", "book", "category", "department", "employee", "UserProfile",
              "invoice"]:
    print(table, one('SELECT count(*) FROM "%s"' % table))
print("category 2 parent", one("SELECT parent_id FROM category WHERE id = 2"))
# serial and identity columns still hand out keys, past the loaded ones
print("next author", con.execute(
    "INSERT INTO author (name, email) VALUES ('New', 'new@example.com')").lastrowid)
print("next profile", con.execute(
    "INSERT INTO \"UserProfile\" (\"displayName\") VALUES ('terry')").lastrowid)
try:
    con.execute("INSERT INTO book (author_id, title) VALUES (42, 'no such author')")
    print("foreign keys not enforced")
except sqlite3.IntegrityError as e:
    print("book fk:", e)
EOF
    run_foster -c "$manifest" run -- python3 "$WORK/samples.py"
    assert_exit 0
    assert_eq "author 2
book 2
category 3
department 1
employee 2
UserProfile 1
invoice 0
category 2 parent 3
next author 3
next profile 2
book fk: FOREIGN KEY constraint failed" "$OUT" "what the command saw"
    assert_runtime_empty
}

run_tests
