#!/usr/bin/env bash
# safety_input_test.sh — input that reaches too far: fixtures and schema files
# linked outside the project, a relative runtime directory, `wait` timeouts
# that are not finite and an interrupted wait, transaction control and other
# databases' statements in .sql fixtures and schema files (and on
# PostgreSQL), an unbounded manifest, an empty CSV column name, and a JSON
# fixture bigger than the memory left (streamed).
#
#   usage: safety_input_test.sh FOSTER_BINARY [NAME_REGEX]
#
# The shared server, the conventions and the hooks are safety_lib.sh's.
# Output: TAP, then a last line "N passed, M failed"; exit 0 only when M is 0.

# shellcheck source=SCRIPTDIR/../harness.sh
. "$(dirname "${BASH_SOURCE[0]}")/../harness.sh" "$@"
# shellcheck source=SCRIPTDIR/safety_lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/safety_lib.sh"

# Known bugs of foster (not of these tests): name -> why it fails.
# shellcheck disable=SC2034 # read by the harness
declare -A EXPECTED_FAILURES=(
)

# ---------------------------------------------------------------------------
# Helpers.

# Names FILE as the fixture of [table item] (a .sql fixture is never a default).
use_fixture() { # FILE
    printf 'fixtures = %s\n' "$1" >>foster.ini
}

# ===========================================================================
# 5. Fixtures, schema files, manifests and options that reach too far.

test_fixture_linked_outside_the_project_is_refused() {
    use_case item
    printf 'aws_secret_access_key,%s\n1,2\n' "$SECRET" >"$WORK/credentials"
    ln -s "$WORK/credentials" fixtures/item.csv
    run_foster run -- true
    assert_exit 125
    assert_contains "$ERR" "fixtures/item.csv"
    assert_contains "$ERR" "outside the project"
    assert_no_secret "$OUT$ERR" "output of run"
    run_foster check
    assert_exit 2
    assert_contains "$ERR" "outside the project"
    assert_no_secret "$OUT$ERR" "output of check"
    assert_runtime_empty
}

test_schema_linked_outside_the_project_is_refused() {
    use_case item
    printf 'CREATE TABLE item (id integer, %s text);\n' "$SECRET" >"$WORK/secret.sql"
    ln -sf "$WORK/secret.sql" schemas/item.sql
    run_foster check
    assert_exit 2
    assert_contains "$ERR" "schemas/item.sql"
    assert_contains "$ERR" "outside the project"
    assert_no_secret "$OUT$ERR" "output of check"
}

# A link inside the project, or a file the manifest names outside it, is the project's choice.
test_fixture_linked_inside_the_project_loads() {
    use_case item
    mkdir -p data
    printf 'id,name,qty\n1,one,1\n' >data/item.csv
    ln -s ../data/item.csv fixtures/item.csv
    run_foster run -- true
    assert_exit 0
    assert_contains "$ERR" "loaded item                           1 row from"
    assert_runtime_empty
}

test_relative_runtime_dir_gives_an_absolute_url() {
    use_case item
    mkdir -m 700 rt
    FOSTER_RUNTIME_DIR=rt run_foster up
    assert_exit 0
    local url
    url=$(export_value "$OUT" DATABASE_URL)
    assert_matches "$url" "^sqlite:////" "DATABASE_URL"
    assert_contains "$url" "$WORK/proj/rt/" "DATABASE_URL"
    assert_matches "$(export_value "$OUT" FOSTER_SQLITE_PATH)" "^/" "FOSTER_SQLITE_PATH"
    (cd /tmp && FOSTER_RUNTIME_DIR=$WORK/proj/rt "$FOSTER" -q -c "$WORK/proj/foster.ini" down) ||
        fail "down of the run failed"
    assert_eq "" "$(ls -A rt)" "rt after down"
}

test_wait_rejects_timeouts_that_are_not_finite_seconds() {
    local t
    for t in nan NaN inf -inf -1 1e999 ''; do
        STATUS=0
        "$FOSTER" wait --timeout "$t" 'postgresql://localhost:1/x' >"$WORK/.stdout" 2>"$WORK/.stderr" &
        FOSTER_PID=$!
        wait_for_exit "$FOSTER_PID" 5
        assert_exit 2
        assert_contains "$ERR" "--timeout takes a number of seconds" "wait --timeout $t"
    done
}

test_interrupted_wait_says_interrupted() {
    start_foster wait --timeout 30 'postgresql://localhost:1/x'
    # once `wait` catches SIGINT (bit 2 of SigCgt): sooner, the default action ends it silently
    local i caught=0
    for ((i = 0; i < 300 && !(caught & 2); i++)); do
        sleep 0.05
        caught=$((0x$(awk '/^SigCgt:/ { print $2 }' "/proc/$FOSTER_PID/status" 2>/dev/null || echo 0)))
    done
    kill -INT "$FOSTER_PID"
    wait_for_exit "$FOSTER_PID" 5
    assert_exit 130
    assert_contains "$ERR" "interrupted"
    assert_not_contains "$ERR" "ready"
}

# Statements that would end foster's load transaction or reach another database.
ESCAPES=(
    'COMMIT' 'commit work' 'END' 'ROLLBACK' 'BEGIN' 'START TRANSACTION' 'SAVEPOINT s'
    'RELEASE SAVEPOINT s' 'ROLLBACK TO SAVEPOINT s' 'PREPARE TRANSACTION $$x$$'
    "COMMIT PREPARED 'x'" "ROLLBACK PREPARED 'x'" 'ABORT' 'DROP DATABASE prod'
    'CREATE DATABASE other' 'ALTER DATABASE prod RENAME TO x' '\c prod' '\connect prod'
    'VACUUM' 'VACUUM FULL item' 'ATTACH DATABASE $$x$$ AS x' 'DETACH DATABASE x'
    'CHECKPOINT' 'REINDEX DATABASE prod' 'DROP TABLESPACE t'
)

test_transaction_control_in_sql_fixture_is_refused() {
    use_case item
    use_fixture item.sql
    local statement
    for statement in "${ESCAPES[@]}"; do
        printf "INSERT INTO item VALUES (1, 'a', 1);\n-- a comment saying COMMIT;\n  %s;\nDROP TABLE item;\n" \
            "$statement" >fixtures/item.sql
        run_foster check
        assert_exit 1
        assert_matches "$ERR" '^foster: error: fixtures/item\.sql:3(:[0-9]+)?: ' "check with [$statement]"
    done
    printf "INSERT INTO item VALUES (1, 'a', 1);\nCOMMIT;\nDROP TABLE item;\n" >fixtures/item.sql
    run_foster run -- true
    assert_exit 125
    assert_matches "$ERR" '^foster: error: fixtures/item\.sql:2(:[0-9]+)?: .*COMMIT'
    assert_runtime_empty
}

# Words like these inside strings, comments, identifiers and bodies are data, not statements.
test_sql_fixture_mentioning_commit_in_data_loads() {
    use_case item
    use_fixture item.sql
    cat >fixtures/item.sql <<'EOF'
-- COMMIT; DROP DATABASE prod;
INSERT INTO item VALUES (1, 'COMMIT; DROP DATABASE prod', 1);
/* ROLLBACK; */ INSERT INTO item VALUES (2, 'begin', 2);
INSERT INTO item (id, name, qty) SELECT 3, 'end', 3;
EOF
    run_foster run -- true
    assert_exit 0
    assert_contains "$ERR" "loaded item                           3 rows"
    assert_runtime_empty
}

test_transaction_control_in_schema_file_is_refused() {
    use_case item
    printf 'CREATE TABLE item (id integer PRIMARY KEY, name text, qty integer);\nCOMMIT;\nDROP DATABASE prod;\n' >schemas/item.sql
    run_foster check
    assert_exit 1
    assert_matches "$ERR" '^foster: error: schemas/item\.sql:2(:[0-9]+)?: .*COMMIT'
    run_foster run -- true
    assert_exit 125
    assert_runtime_empty
}

test_transaction_control_on_postgres_never_runs() {
    need_pg
    use_case item
    use_fixture item.sql
    psql_shared 'CREATE DATABASE safe_prod' >/dev/null || fail "cannot create safe_prod"
    printf "INSERT INTO item VALUES (1, 'a', 1);\nCOMMIT;\nDROP DATABASE safe_prod;\n" >fixtures/item.sql
    run_foster -b postgres -u "postgresql://postgres@/postgres?host=${SHARED_PGHOST//\//%2F}&port=$SHARED_PGPORT" run -- true
    assert_exit 125
    assert_matches "$ERR" '^foster: error: fixtures/item\.sql:2(:[0-9]+)?: .*COMMIT'
    assert_eq "safe_prod" "$(psql_shared "SELECT datname FROM pg_database WHERE datname = 'safe_prod'")" "safe_prod"
    psql_shared 'DROP DATABASE safe_prod' >/dev/null
}

test_manifest_size_is_bounded() {
    use_case item
    local start
    start=$SECONDS
    run_foster -c /dev/zero check
    assert_exit 2
    assert_contains "$ERR" "/dev/zero"
    assert_contains "$ERR" "1 MiB"
    [ $((SECONDS - start)) -lt 10 ] || fail "reading /dev/zero took $((SECONDS - start)) s"
    head -c 2000000 /dev/zero | tr '\0' ';' >big.ini
    run_foster -c big.ini check
    assert_exit 2
    assert_contains "$ERR" "big.ini"
    assert_contains "$ERR" "1 MiB"
}

test_empty_csv_column_name_says_so() {
    use_case item
    printf 'id,,qty\n1,a,2\n' >fixtures/item.csv
    run_foster run -- true
    assert_exit 125
    assert_contains "$ERR" "fixtures/item.csv:1:4: "
    assert_contains "$ERR" "empty column name"
    assert_not_contains "$ERR" '"the table"'
    assert_contains "$ERR" '"item"'
    assert_runtime_empty
}

# ===========================================================================
# 6. A JSON fixture is streamed: one larger than foster could hold parsed loads in a
#    small address space (parsed whole, this file needed about 450 MB).

test_json_fixture_larger_than_memory_is_streamed() {
    # AddressSanitizer maps terabytes of shadow memory: no foster starts under ulimit -v.
    ldd "$FOSTER" 2>/dev/null | grep -q 'libasan' && skip "built with AddressSanitizer, which ulimit -v stops"
    use_case item
    sed -i 's/^owner = .*/&\nmodel = inv.item\nfixtures = item.json/' foster.ini
    python3 - <<'EOF' || fail "cannot write the fixture"
import json
with open("fixtures/item.json", "w") as f:
    f.write("[")
    for i in range(1, 400001):
        f.write("%s{\"model\": \"inv.item\", \"pk\": %d, \"fields\": {\"name\": \"item number %d\", \"qty\": %d}}" % ("," if i > 1 else "", i, i, i % 97))
    f.write("]")
EOF
    # 400,000 objects, about 30 MB, under a limit of 192 MiB on the address space.
    (ulimit -v 196608 && run_foster run -- python3 -c 'import os, sqlite3
print(sqlite3.connect(os.environ["FOSTER_SQLITE_PATH"]).execute("SELECT count(*), sum(qty), max(name) FROM item").fetchone())' &&
        echo "$STATUS" >status && printf '%s' "$ERR" >err && printf '%s' "$OUT" >out)
    STATUS=$(<status) ERR=$(<err) OUT=$(<out)
    assert_exit 0
    assert_contains "$OUT" "(400000, 19199103, 'item number 99999')"
    assert_not_contains "$ERR" "out of memory"
    assert_runtime_empty
}

run_tests
