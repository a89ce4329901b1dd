#!/usr/bin/env bash
# safety_test.sh — hostile input and secrets: files foster refuses must stay
# byte for byte as they were, no password reaches any output, bad URLs and
# options are usage errors naming where they are, the command's whole process
# tree ends with foster, and fixtures and schema files cannot reach beyond the
# test database, the project or the machine's memory.
#
#   usage: safety_test.sh FOSTER_BINARY [NAME_REGEX]
#
# The runner is tests/harness.sh (assertions, helpers, TAP): each test_*
# function runs in a subshell, in a fresh temporary directory ($WORK, also
# HOME and TMPDIR) with FOSTER_RUNTIME_DIR set to a fresh private directory
# ($RUNTIME). After every test, $RUNTIME must be empty and the shared server
# must hold no database but its own.
#
# PostgreSQL: ONE shared server the runner starts with `foster -q -b cluster
# up` (tests/data/safety/shared) and stops at the end. Without the PostgreSQL
# server binaries those tests are reported SKIP.
#
# Inputs: $FOSTER_TEST_DATA/safety/ (see its README.md).
#
# Needs bash 5, coreutils, python3 (sqlite3 and pty modules), for PostgreSQL
# the server binaries and psql.

# shellcheck source=SCRIPTDIR/../harness.sh
. "$(dirname "${BASH_SOURCE[0]}")/../harness.sh" "$@"
# shellcheck source=SCRIPTDIR/shared_cluster.sh
. "$SCRIPT_DIR/shared_cluster.sh"
CASES=$DATA/safety
# A password that must never appear in any output.
SECRET=Sw0rdfish9Q

# Known bugs of foster (not of these tests): name -> why it fails.
# shellcheck disable=SC2034 # read by the harness
declare -A EXPECTED_FAILURES=(
)

# ---------------------------------------------------------------------------
# Helpers.

# Copies tests/data/safety/CASE to $WORK/proj and enters it.
use_case() { # CASE
    rm -rf "$WORK/proj"
    cp -R "$CASES/$1" "$WORK/proj" || fail "no test case $CASES/$1"
    cd "$WORK/proj" || fail "cannot enter $WORK/proj"
    mkdir -p fixtures
}

# Names FILE as the fixture of [table item] (a .sql fixture is never a default).
use_fixture() { # FILE
    printf 'fixtures = %s\n' "$1" >>foster.ini
}

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

# Fails when the password, or a piece of it 4 characters or longer, is in TEXT.
assert_no_secret() { # TEXT WHAT [SECRET]
    local secret=${3:-$SECRET} piece
    assert_not_contains "$1" "$secret" "$2"
    for piece in ${secret//[@\/:?]/ }; do
        [ ${#piece} -ge 4 ] && assert_not_contains "$1" "$piece" "$2"
    done
    return 0
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

# ===========================================================================
# 4. The command's whole process tree ends with foster.

assert_processes_gone() { # PIDFILE... (waits up to 2 s)
    local file pid i
    for file; do
        pid=$(<"$WORK/$file")
        for ((i = 0; i < 200; i++)); do
            process_alive "$pid" || break
            sleep 0.01
        done
        if process_alive "$pid"; then
            kill -KILL "$pid" 2>/dev/null
            fail "process $pid ($file) of the command survived foster"
        fi
    done
}

test_sigterm_ends_the_commands_whole_tree() {
    use_case item
    start_foster run -- sh -c "sleep 300 & echo \$! >'$WORK/worker.pid'; wait"
    wait_for_file "$WORK/worker.pid" 15
    sleep 0.2
    kill -TERM "$FOSTER_PID"
    wait_for_exit "$FOSTER_PID" 15
    assert_exit 143
    assert_processes_gone worker.pid
    assert_runtime_empty
}

# A child that ignores SIGTERM gets SIGKILL with the rest, 10 s later.
test_sigkill_after_grace_ends_a_child_ignoring_sigterm() {
    use_case item
    start_foster run -- sh -c "(trap '' TERM; exec sleep 301) & echo \$! >'$WORK/stubborn.pid'; wait"
    wait_for_file "$WORK/stubborn.pid" 15
    sleep 0.2
    kill -TERM "$FOSTER_PID"
    wait_for_exit "$FOSTER_PID" 20
    assert_exit 143
    assert_processes_gone stubborn.pid
    assert_runtime_empty
}

# What the command left running when it exited does not outlive the run.
test_background_child_left_by_the_command_is_ended() {
    use_case item
    run_foster run -- sh -c "sleep 302 & echo \$! >'$WORK/left.pid'; exit 3"
    assert_exit 3
    assert_processes_gone left.pid
    assert_runtime_empty
}

# A grandchild that left the process group (setsid) is still found: foster is its subreaper.
test_child_in_its_own_session_is_ended() {
    [ "$(uname -s)" == Linux ] || skip "subreapers are Linux's"
    command -v setsid >/dev/null || skip "no setsid"
    use_case item
    start_foster run -- sh -c "setsid sh -c 'echo \$\$ >\"$WORK/escaped.pid\"; exec sleep 303' & wait; sleep 300"
    wait_for_file "$WORK/escaped.pid" 15
    sleep 0.2
    kill -TERM "$FOSTER_PID"
    wait_for_exit "$FOSTER_PID" 15
    assert_exit 143
    assert_processes_gone escaped.pid
    assert_runtime_empty
}

# On a terminal: an interactive shell under foster reads it, Ctrl-C reaches the command.
run_on_terminal() { # INPUT_SCRIPT -- ARGS... (prints the output, exit status last)
    python3 - "$@" <<'EOF'
import os, pty, sys, time, select
script, args = sys.argv[1], sys.argv[3:]
pid, fd = pty.fork()
if pid == 0:
    os.execv(args[0], args)
out = b""
def read_for(seconds):
    global out
    end = time.time() + seconds
    while time.time() < end:
        r, _, _ = select.select([fd], [], [], 0.05)
        if r:
            try:
                data = os.read(fd, 4096)
            except OSError:
                return
            if not data:
                return
            out += data
for step in script.split("|"):
    if step.startswith("wait:"):
        want = step[5:].encode()
        end = time.time() + 15
        while want not in out and time.time() < end:
            read_for(0.1)
    else:
        os.write(fd, step.encode().decode("unicode_escape").encode())
read_for(1)
_, status = os.waitpid(pid, 0)
sys.stdout.write(out.decode(errors="replace"))
print("\nstatus=%d" % (os.WEXITSTATUS(status) if os.WIFEXITED(status) else 128 + os.WTERMSIG(status)))
EOF
}

test_interactive_shell_under_foster_reads_the_terminal() {
    use_case item
    local out
    out=$(run_on_terminal 'wait:running|echo hi-$((40+2))\nexit 3\n' -- "$FOSTER" run -- sh -i)
    assert_contains "$out" "hi-42" "the terminal"
    assert_contains "$out" "foster: command exited with status 3" "the terminal"
    assert_contains "$out" "status=3" "the terminal"
    assert_runtime_empty
}

test_ctrl_c_on_terminal_ends_the_command_and_tears_down() {
    use_case item
    local out
    out=$(run_on_terminal 'wait:running|\x03' -- "$FOSTER" run -- sh -c 'sleep 300 & sleep 301')
    assert_contains "$out" "status=130" "the terminal"
    assert_contains "$out" "teardown: removed" "the terminal"
    assert_runtime_empty
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
    sleep 0.5
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

# ===========================================================================
# The runner's hooks (the runner itself is tests/harness.sh).

before_all() {
    command -v python3 >/dev/null || { echo "python3 is needed" >&2; exit 2; }
    unset_pg_environment
    SUITE_CACHE=$SUITE_TMP/cache
    SUITE_RUNTIMES=$(mktemp -d /tmp/fsafe.XXXXXX) # short: a cluster's socket lives in it
    shared_cluster_start
}

before_each() {
    RUNTIME=$(mktemp -d "$SUITE_RUNTIMES/XXXXXX") # 0700
}

prepare_environment() {
    unset_pg_environment
    export XDG_CACHE_HOME=$SUITE_CACHE
}

after_each() {
    report_runtime_left "$(ls -A "$RUNTIME" 2>/dev/null)"
    if [ -n "$SHARED_PGHOST" ]; then
        drop_cached_templates
        local databases database
        databases=$(extra_databases)
        if [ -n "$databases" ]; then
            leftover "databases left on the shared server: $databases"
            for database in $databases; do drop_database "$database"; done
        fi
    fi
}

after_all() {
    stop_shared_server
    [ -n "${SUITE_RUNTIMES:-}" ] && rm -rf "$SUITE_RUNTIMES"
}

run_tests
