#!/usr/bin/env bash
# safety_test.sh — files and secrets: a SQLite file foster refuses stays byte
# for byte as it was (load, down, reset, gc), no password reaches any output
# of load, up and wait in any URL form, and unparsable URLs are usage errors
# naming the manifest's line or the option.
#
#   usage: safety_test.sh FOSTER_BINARY [NAME_REGEX]
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

# A SQLite file in WAL mode (no marker) holding item with one row.
make_wal_sqlite() { # FILE
    python3 - "$1" <<'EOF' || fail "cannot make $1"
import sqlite3, sys
con = sqlite3.connect(sys.argv[1])
con.execute("PRAGMA journal_mode = WAL")
con.execute("CREATE TABLE item (id integer PRIMARY KEY, name text NOT NULL, qty integer NOT NULL)")
con.execute("INSERT INTO item VALUES (1, 'precious', 7)")
con.commit()
con.close()
EOF
}

# "SHA256 MODE": the file's checksum and its header's journal mode
# (bytes 18 and 19: 2 and 2 in WAL mode, 1 and 1 otherwise), and the files
# beside it (a -wal or -shm file left by opening it).
sqlite_state() { # FILE
    local sum mode
    sum=$(sha256sum <"$1" | cut -d' ' -f1)
    mode=$(od -An -tu1 -j18 -N2 "$1" | tr -s ' ')
    echo "$sum mode$mode $(ls "$1"* | tr '\n' ' ')"
}

# The pid of a process that has exited.
dead_pid() {
    sh -c 'exit 0' &
    local pid=$!
    wait "$pid"
    echo "$pid"
}

# A run record as runstate.c writes it (as faults_lib.sh forges one), for a database foster did
# not make.
forge_record() { # RUN_ID PID KEPT BACKEND DATABASE URL
    cat >"$RUNTIME/$1.run" <<EOF
run_id=$1
pid=$2
kept=$3
manifest=$WORK/proj/foster.ini
backend=$4
database=$5
url=$6
server=
server_pid=0
started=$EPOCHREALTIME
host=$(hostname)
boot_id=$(cat /proc/sys/kernel/random/boot_id)
pid_ns=$(readlink /proc/self/ns/pid)
copies=0
EOF
    chmod 600 "$RUNTIME/$1.run"
}

# ===========================================================================
# 1. A SQLite file foster refuses is not modified, not even its journal mode.

test_wal_sqlite_refused_by_load_stays_identical() {
    use_case item
    printf 'id,name,qty\n2,two,2\n' >fixtures/item.csv
    make_wal_sqlite "$WORK/precious.sqlite3"
    local before
    before=$(sqlite_state "$WORK/precious.sqlite3")
    run_foster load --url "sqlite:///$WORK/precious.sqlite3" fixtures/item.csv
    assert_exit 1
    assert_contains "$ERR" "refusing to load into sqlite:///$WORK/precious.sqlite3: it is not a database foster created"
    assert_eq "$before" "$(sqlite_state "$WORK/precious.sqlite3")" "the refused file (checksum, journal mode, files beside it)"
    run_foster load --force --url "sqlite:///$WORK/precious.sqlite3" fixtures/item.csv
    assert_exit 1
    assert_contains "$ERR" "--force works only for databases whose name contains \"test\""
    assert_eq "$before" "$(sqlite_state "$WORK/precious.sqlite3")" "the refused file after --force"
}

test_wal_sqlite_refused_by_down_reset_gc_stays_identical() {
    use_case item
    local file=$RUNTIME/test_safeitem_deadbeef.sqlite3 before
    make_wal_sqlite "$file"
    before=$(sqlite_state "$file")
    forge_record deadbeef $$ 1 sqlite test_safeitem_deadbeef "sqlite:///$file"
    run_foster down deadbeef
    assert_exit 1
    assert_contains "$ERR" "test_safeitem_deadbeef does not carry foster's marker; leaving it alone"
    assert_eq "$before" "$(sqlite_state "$file")" "the file after down"
    FOSTER_RUN_ID=deadbeef run_foster reset
    assert_exit 1
    assert_contains "$ERR" "does not carry foster's marker"
    assert_eq "$before" "$(sqlite_state "$file")" "the file after reset"
    forge_record deadbeef "$(dead_pid)" 0 sqlite test_safeitem_deadbeef "sqlite:///$file"
    run_foster gc
    assert_contains "$ERR$OUT" "does not carry foster's marker"
    assert_eq "$before" "$(sqlite_state "$file")" "the file after gc"
    rm -f "$file" "$RUNTIME/deadbeef.run"
}

# A marked file is still foster's to load into, whatever its journal mode.
test_force_load_into_unmarked_test_file_still_works() {
    use_case item
    printf 'id,name,qty\n2,two,2\n' >fixtures/item.csv
    make_wal_sqlite "$WORK/my_test.sqlite3"
    run_foster load --force --url "sqlite:///$WORK/my_test.sqlite3" fixtures/item.csv
    assert_exit 0
    assert_eq "1|precious|7
2|two|2" "$(python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); print("\n".join("|".join(map(str,r)) for r in c.execute("SELECT * FROM item ORDER BY id")))' "$WORK/my_test.sqlite3")" "rows"
}

# ===========================================================================
# 2. No password in any output.

# Every form of URL with the password: URI userinfo, ?password=, keywords.
password_urls() { # DATABASE PORT
    local host=${SHARED_PGHOST//\//%2F}
    echo "postgresql://postgres:$SECRET@/$1?host=$host&port=$2"
    echo "postgresql://postgres@/$1?host=$host&port=$2&password=$SECRET"
    echo "host=$SHARED_PGHOST port=$2 user=postgres password=$SECRET dbname=$1"
    echo "host=$SHARED_PGHOST port=$2 user=postgres password='$SECRET' dbname=$1"
}

# Runs `load` with URL by --url and by DATABASE_URL, quiet and -v; no output holds the password.
load_hides_password() { # URL WHAT
    local verbose
    for verbose in "" -v; do
        run_foster $verbose load --url "$1" fixtures/item.csv
        [ "$STATUS" -ne 0 ] || fail "load into $2 succeeded"
        assert_no_secret "$OUT$ERR" "output of load --url ($2) $verbose"
        DATABASE_URL=$1 run_foster $verbose load fixtures/item.csv
        [ "$STATUS" -ne 0 ] || fail "load into $2 through DATABASE_URL succeeded"
        assert_no_secret "$OUT$ERR" "output of load with DATABASE_URL ($2) $verbose"
    done
}

test_load_never_prints_the_password() {
    need_pg
    use_case item
    printf 'id,name,qty\n2,two,2\n' >fixtures/item.csv
    psql_shared 'CREATE DATABASE safe_unmarked' >/dev/null || fail "cannot create safe_unmarked"
    local url
    while read -r url; do
        load_hides_password "$url" "a missing database"
    done < <(password_urls nosuchdb "$SHARED_PGPORT")
    run_foster load --url "$(password_urls nosuchdb "$SHARED_PGPORT" | head -n 1)" fixtures/item.csv
    assert_contains "$ERR" "postgres:***@" "the missing database's message"
    assert_contains "$ERR" "no such database"
    while read -r url; do
        load_hides_password "$url" "an unmarked database"
    done < <(password_urls safe_unmarked "$SHARED_PGPORT")
    while read -r url; do
        load_hides_password "$url" "a port where no server listens"
    done < <(password_urls nosuchdb 1)
    load_hides_password "postgresql://postgres:$SECRET@/nosuchdb?host=/nonexistent&bogus=1" "an unparsable URL"
    load_hides_password "host=/nonexistent password=$SECRET dbname='unterminated" "an unterminated quote"
    psql_shared 'DROP DATABASE safe_unmarked' >/dev/null
}

test_up_and_wait_never_print_the_password() {
    need_pg
    use_case item
    local url verbose
    for verbose in "" -v; do
        while read -r url; do
            run_foster $verbose -b postgres -u "$url" up
            [ "$STATUS" -ne 0 ] || fail "up on a missing admin database succeeded"
            assert_no_secret "$OUT$ERR" "output of up -u $verbose"
            run_foster $verbose wait --timeout 0.2 "$url"
            [ "$STATUS" -ne 0 ] || fail "wait for a closed port succeeded"
            assert_no_secret "$OUT$ERR" "output of wait $verbose"
        done < <(password_urls nosuchdb 1)
    done
}

# An unencoded '@' in the password: libpq takes the rest as the host and quotes it.
test_password_with_unencoded_at_never_printed() {
    need_pg
    use_case item
    printf 'id,name,qty\n2,two,2\n' >fixtures/item.csv
    local secret="Sw0rd@fish9Q" verbose
    for verbose in "" -v; do
        run_foster $verbose load --url "postgresql://postgres:$secret@localhost:1/nosuchdb" fixtures/item.csv
        [ "$STATUS" -ne 0 ] || fail "load succeeded"
        assert_no_secret "$OUT$ERR" "output of load $verbose" "$secret"
        run_foster $verbose -b postgres -u "postgresql://postgres:$secret@localhost:1/postgres" up
        [ "$STATUS" -ne 0 ] || fail "up succeeded"
        assert_no_secret "$OUT$ERR" "output of up $verbose" "$secret"
        run_foster $verbose wait --timeout 0.2 "postgresql://postgres:$secret@localhost:1/postgres"
        assert_no_secret "$OUT$ERR" "output of wait $verbose" "$secret"
    done
}

# ===========================================================================
# 3. An unparsable URL is a usage error saying what and where.

BAD_URLS=(
    'postgresql://localhost/db?bogus=1'
    'postgresql://[::1/db'
    'postgresql://localhost/db%'
    'localhost:5432/db'
    "host=localhost dbname='unterminated"
)

test_unparsable_manifest_url_names_its_line() {
    use_case item
    local url
    for url in "${BAD_URLS[@]}"; do
        printf '[foster]\nname = safeitem\n\n[postgres]\nurl = %s\n\n[table item]\n' "$url" >foster.ini
        run_foster check
        assert_exit 2
        assert_matches "$ERR" "^foster: error: foster.ini:5: .*url" "check of url = $url"
        assert_not_contains "$ERR" "out of memory"
        run_foster -b postgres up
        assert_exit 2
        assert_matches "$ERR" "^foster: error: foster.ini:5: .*url" "up with url = $url"
        assert_not_contains "$ERR" "out of memory"
    done
}

test_unparsable_option_url_names_the_option() {
    use_case item
    printf 'id,name,qty\n2,two,2\n' >fixtures/item.csv
    local url
    for url in "${BAD_URLS[@]}"; do
        run_foster -b postgres -u "$url" up
        assert_exit 2
        assert_matches "$ERR" "^foster: error: -u: " "up -u $url"
        assert_not_contains "$ERR" "out of memory"
        run_foster -b postgres -u "$url" check
        assert_exit 2
        assert_matches "$ERR" "^foster: error: -u: " "check -u $url"
        [[ $url == localhost:* ]] && continue # a SQLite path to load, not a server
        run_foster load --url "$url" fixtures/item.csv
        assert_exit 2
        assert_matches "$ERR" "^foster: error: --url: " "load --url $url"
        assert_not_contains "$ERR" "out of memory"
    done
    run_foster -b postgres up
    assert_runtime_empty
}

run_tests
