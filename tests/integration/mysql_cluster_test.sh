#!/usr/bin/env bash
# mysql_cluster_test.sh — integration tests of the foster command on
# MySQL/MariaDB, beside mysql_test.sh: the owner's real mariadb-dump files on
# the `mysql` and `mysql-cluster` backends, faults (signals at each phase,
# 16 concurrent runs, a server killed mid-run, SIGKILL + gc) and the
# `mysql-cluster` backend. The server and the helpers: mysql_lib.sh.
#
#   usage: mysql_cluster_test.sh FOSTER_BINARY [NAME_REGEX]

# shellcheck source=SCRIPTDIR/../harness.sh
. "$(dirname "${BASH_SOURCE[0]}")/../harness.sh" "$@"
# shellcheck source=SCRIPTDIR/mysql_lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/mysql_lib.sh"

# shellcheck disable=SC2034 # read by the harness
declare -A EXPECTED_FAILURES=()

# ---------------------------------------------------------------------------
# The owner's real mariadb-dump --no-data files (tests/data/mysql): ENUM, SET,
# YEAR, UNSIGNED, generated columns, a key cycle (artist <-> album), triggers in
# DELIMITER blocks that write another table.

use_dump_project() {
    cp -R "$ROOT/tests/data/mysql" "$WORK/dump" && cd "$WORK/dump" || fail "no dump project"
}

dump_project_on() { # BACKEND [ARGS...]
    use_dump_project
    local backend=$1
    shift
    run_foster -b "$backend" "$@" up
    assert_exit 0
    DB=$(export_value "$OUT" MYSQL_DATABASE)
    SOCKET=$(export_value "$OUT" MYSQL_UNIX_PORT)
}

# SQL on the dump project's database (the shared server, or the cluster's socket).
dump_sql() { # SQL
    if [ -n "$SOCKET" ]; then
        "$CLIENT" --no-defaults --socket="$SOCKET" -uroot -N -B -e "$1" "$DB"
    else
        my_admin "$1" "$DB"
    fi
}

assert_dump_project_provisioned() {
    assert_eq "Tago Mago|lp|vinyl,cd|1971|1999|TAGO MAGO" \
        "$(dump_sql "SELECT CONCAT_WS('|', title, kind, formats, released, price_cents, title_upper) FROM album WHERE id = 100")" \
        "album 100 (ENUM, SET, YEAR, generated columns)"
    assert_eq 'said "best"' "$(dump_sql "SELECT notes FROM album WHERE id = 101")" "a quoted CSV field"
    assert_eq "NULL" "$(dump_sql "SELECT IFNULL(formats, 'NULL') FROM album WHERE id = 102")" "an empty field (NULL)"
    assert_eq "Ege Bamyasi" "$(dump_sql "SELECT a.title FROM artist r JOIN album a ON a.id = r.best_album_id WHERE r.id = 1")" \
        "the key cycle artist -> album"
    assert_eq 0 "$(dump_sql "SELECT COUNT(*) FROM album_log")" "album_log rows (no trigger fired on a fixture row)"
    assert_eq 2 "$(dump_sql "SELECT COUNT(*) FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE()")" "triggers"
    dump_sql "INSERT INTO album (artist_id, title) VALUES (3, 'Haha Sound')"
    assert_eq 104 "$(dump_sql "SELECT MAX(id) FROM album")" "the next key after 100..103"
    assert_eq "104 insert" "$(dump_sql "SELECT CONCAT(album_id, ' ', action) FROM album_log")" "the trigger fired on the test's row"
    dump_sql "INSERT INTO album (artist_id, title, kind) VALUES (3, 'Bad', 'boxset')" 2>/dev/null &&
        fail "an ENUM value the column does not take was accepted"
    dump_sql "INSERT INTO album (artist_id, title, tracks) VALUES (3, 'Neg', -1)" 2>/dev/null &&
        fail "a negative UNSIGNED value was accepted"
    return 0
}

test_mysql_dump_project_on_an_existing_server() {
    SOCKET=
    dump_project_on mysql -u "$APP_URL"
    assert_dump_project_provisioned
    run_foster -b mysql -u "$APP_URL" down
    assert_exit 0
    assert_eq 0 "$(database_count "$DB")" "the database after down"
}

test_mysql_dump_project_on_mysql_cluster() {
    dump_project_on mysql-cluster
    [ -S "$SOCKET" ] || fail "no cluster socket"
    assert_dump_project_provisioned
    run_foster -b mysql-cluster down
    assert_exit 0
    [ ! -e "$SOCKET" ] || fail "the cluster is still there after down"
}

test_mysql_dump_project_bad_enum_value_names_fixture_line() {
    use_dump_project
    sed -i 's/^102,2,Neu! 75,lp,/102,2,Neu! 75,boxset,/' album.csv
    run_foster -b mysql -u "$APP_URL" run -- true
    assert_exit 125
    assert_contains "$ERR" "album.csv:4"
}

test_mysql_postgres_dump_on_mysql_is_refused() {
    cd "$ROOT/tests/data/mysql/pgproject" || fail "no pg project" # refused before it writes
    run_foster -b mysql -u "$APP_URL" run -- true
    assert_exit 125
    assert_contains "$ERR" "PostgreSQL"
}

# ---------------------------------------------------------------------------
# The owner's rows as `mariadb-dump --no-create-info` writes them, as .sql
# fixtures: versioned comments are code (TIME_ZONE, SQL_MODE), the dump's LOCK
# TABLES would commit the load transaction and are skipped.

DUMPER=$(command -v mariadb-dump || command -v mysqldump || echo mariadb-dump)

# An owner database on the shared server, dumped into a project in $WORK/p; dropped again.
owner_dump_project() { # SQL (run in the owner database)
    local owner=foster_owner_$$
    my_admin "DROP DATABASE IF EXISTS $owner; CREATE DATABASE $owner"
    my_admin "SET time_zone = '+00:00'; $1" "$owner" || fail "owner tables not made"
    mkdir -p "$WORK/p/schemas" "$WORK/p/fixtures" && cd "$WORK/p" || fail "no project"
    local dump=("$DUMPER" --no-defaults --socket="$SERVER_SOCKET" -uroot)
    "${dump[@]}" --no-data "$owner" >schemas/dump.sql &&
        "${dump[@]}" --no-create-info "$owner" >"$WORK/data.sql" ||
        fail "mariadb-dump failed"
    my_admin "DROP DATABASE $owner"
}

test_mysql_data_dump_fixture_loads_the_owners_values() {
    owner_dump_project "CREATE TABLE audit (id int PRIMARY KEY,
            at timestamp NOT NULL DEFAULT current_timestamp());
        INSERT INTO audit VALUES (1, '2026-01-01 00:00:00');
        CREATE TABLE person (id int PRIMARY KEY, email varchar(100),
            domain varchar(100) AS (substring_index(email, '@', -1)) VIRTUAL);
        INSERT INTO person (id, email) VALUES (1, 'a@x.org');
        CREATE TABLE later (id int PRIMARY KEY, at timestamp NULL);
        CREATE TRIGGER person_lower BEFORE INSERT ON person FOR EACH ROW SET NEW.email = lower(NEW.email)"
    grep -q "^/\*!40103 SET TIME_ZONE='+00:00' \*/;" "$WORK/data.sql" || fail "no versioned SET in the dump"
    grep -q "CREATE\*/ .*TRIGGER" "$WORK/data.sql" || fail "no trigger in the data dump"
    mv "$WORK/data.sql" fixtures/data.sql
    # a SET left standing by one .sql file holds for no CSV row after it
    printf "/*!40103 SET TIME_ZONE='+00:00' */;\n" >fixtures/later_tz.sql
    printf 'id,at\n1,2026-01-01 00:00:00\n' >fixtures/later.csv
    printf '[foster]\nname = dump\nbackend = mysql-cluster\nschema_dump = dump.sql\n[table audit]\nfixtures = data.sql\n[table person]\n[table later]\nfixtures = later_tz.sql, later.csv\n' >foster.ini
    # the cluster's server runs in the user's zone, 5 hours behind UTC in January
    TZ=America/New_York run_foster run -- sh -c 'mariadb --no-defaults --socket="$MYSQL_UNIX_PORT" -uroot -N -B \
        -e "SELECT unix_timestamp(at) FROM audit; SELECT domain FROM person;
            SELECT unix_timestamp(at) FROM later" "$MYSQL_DATABASE"'
    assert_exit 0
    assert_eq "$(printf '1767225600\nx.org\n1767243600')" "$OUT" \
        "the owner's instant, the generated column, a CSV row read in the server's zone"
    run_foster -v run -- true
    assert_contains "$ERR" "CREATE TRIGGER skipped: the table's triggers come from its schema file"
}

test_mysql_data_dump_with_a_failing_row_loads_nothing() {
    owner_dump_project "CREATE TABLE ext (id int PRIMARY KEY); INSERT INTO ext VALUES (1), (2)"
    grep -q '^LOCK TABLES `ext` WRITE;' "$WORK/data.sql" || fail "no LOCK TABLES in the dump"
    echo "INSERT INTO ext VALUES (1);" >>"$WORK/data.sql"
    local failing_line
    failing_line=$(wc -l <"$WORK/data.sql")
    printf '[foster]\nname = lock\nschema_dump = dump.sql\n[table ext]\n' >foster.ini
    foster_my -q up
    assert_exit 0
    local db
    db=$(export_value "$OUT" MYSQL_DATABASE)
    foster_my -v load "$WORK/data.sql"
    assert_exit 1
    assert_contains "$ERR" "data.sql:$failing_line:1: MySQL rejected the statement: Duplicate entry '1'"
    assert_eq 0 "$(my_admin "SELECT COUNT(*) FROM ext" "$db")" "rows left by the failed load"
    assert_contains "$ERR" "note: $WORK/data.sql:"
    assert_contains "$ERR" ': LOCK TABLES skipped: MySQL would commit'
    # what MySQL commits the transaction for, and is no dump's, is refused before anything runs
    printf 'INSERT INTO ext VALUES (5);\nCREATE TABLE other (a int);\nSET GLOBAL max_connections = 5;\n' >"$WORK/ddl.sql"
    foster_my load "$WORK/ddl.sql"
    assert_exit 1
    assert_contains "$ERR" "ddl.sql:2:1: CREATE TABLE would end foster's load transaction"
    assert_contains "$ERR" "ddl.sql:3:1: SET GLOBAL would act beyond the test database"
    assert_eq 0 "$(my_admin "SELECT COUNT(*) FROM ext" "$db")" "rows after the refused file"
    foster_my -q down
    assert_exit 0
}

# ---------------------------------------------------------------------------
# Faults: signals at each phase, 16 concurrent runs.

# Waits until the run record exists; sets RUN_ID.
wait_for_record() { # SECONDS
    local i record
    for ((i = 0; i < $1 * 100; i++)); do
        record=$(ls "$RUNTIME"/*.run 2>/dev/null | head -n 1)
        if [ -n "$record" ]; then
            RUN_ID=$(basename "$record" .run)
            return 0
        fi
        kill -0 "$FOSTER_PID" 2>/dev/null || fail "foster exited before its run record appeared"
        sleep 0.01
    done
    fail "no run record after $1 s"
}

# Waits until foster's stderr has a line matching ERE.
wait_for_stderr() { # ERE SECONDS
    local i
    for ((i = 0; i < $2 * 100; i++)); do
        grep -Eq -- "$1" "$WORK/.stderr" 2>/dev/null && return 0
        kill -0 "$FOSTER_PID" 2>/dev/null || fail "foster exited before printing /$1/"
        sleep 0.01
    done
    fail "no /$1/ on stderr after $2 s"
}

# A project with one table `item` and ROWS generated rows.
make_big_project() { # ROWS [BACKEND]
    mkdir -p "$WORK/big/schemas" "$WORK/big/fixtures" && cd "$WORK/big" || fail "no project"
    printf '[foster]\nname = big\n%s\n[table item]\n' "${2:+backend = $2}" >foster.ini
    echo 'CREATE TABLE item (id integer PRIMARY KEY, label varchar(40) NOT NULL);' >schemas/item.sql
    awk -v n="$1" 'BEGIN { print "id,label"; for (i = 1; i <= n; i++) printf "%d,item number %d\n", i, i }' \
        >fixtures/item.csv
}

signal_during_load() { # SIGNAL STATUS
    make_big_project 400000
    start_foster -b mysql -u "$APP_URL" -v run -- true
    wait_for_stderr '^foster: created 1 table ' 60
    wait_for_record 1
    local database=test_big_$RUN_ID
    assert_eq 1 "$(database_count "$database")" "the database while it loads"
    kill -"$1" "$FOSTER_PID"
    wait_for_exit "$FOSTER_PID" 60
    assert_exit "$2"
    assert_not_contains "$ERR" "database ready" "stderr (the load was not interrupted)"
    assert_eq 0 "$(database_count "$database")" "the database after the signal"
    assert_runtime_empty
}

test_mysql_sigint_during_load_exits_130_leaves_nothing() { signal_during_load INT 130; }
test_mysql_sigterm_during_load_exits_143_leaves_nothing() { signal_during_load TERM 143; }

# On mysql-cluster, as soon as the record exists: while the server starts.
signal_while_cluster_starts() { # SIGNAL STATUS
    make_big_project 10 mysql-cluster
    start_foster run -- true
    wait_for_record 60
    local id=$RUN_ID
    kill -"$1" "$FOSTER_PID"
    wait_for_exit "$FOSTER_PID" 60
    assert_exit "$2"
    assert_not_contains "$ERR" "database ready" "stderr (provisioning was not interrupted)"
    local home
    for home in /dev/shm/foster-mysql_"$id"-* "$RUNTIME/mysql_$id"; do
        [ ! -e "$home" ] || fail "the cluster's directory $home is still there"
    done
    [ -z "$(grep -l -F "foster-mysql_$id" /proc/[0-9]*/cmdline 2>/dev/null)" ] ||
        fail "a process of the cluster of run $id still runs"
    assert_runtime_empty
}

test_mysql_sigint_while_cluster_starts_leaves_nothing() { signal_while_cluster_starts INT 130; }
test_mysql_sigterm_while_cluster_starts_leaves_nothing() { signal_while_cluster_starts TERM 143; }
test_mysql_sighup_while_cluster_starts_leaves_nothing() { signal_while_cluster_starts HUP 129; }

test_mysql_sigterm_to_the_command_tears_down() {
    make_project
    start_foster -b mysql -u "$APP_URL" run -- sleep 60
    wait_for_stderr '^foster: running' 60
    wait_for_record 1
    kill -TERM "$FOSTER_PID"
    wait_for_exit "$FOSTER_PID" 30
    assert_exit 143
    assert_eq 0 "$(database_count "test_shop_$RUN_ID")" "the database after SIGTERM"
    assert_runtime_empty
}

test_mysql_sixteen_concurrent_runs_on_one_server() {
    make_project
    local i pids=()
    for ((i = 1; i <= 16; i++)); do
        "$FOSTER" -q -b mysql -u "$APP_URL" run -- sh -c \
            'mariadb --no-defaults -h "$MYSQL_HOST" -P "$MYSQL_TCP_PORT" -u app -N -B \
             -e "SELECT COUNT(*) FROM book" "$MYSQL_DATABASE" >"$0"' "$WORK/count.$i" \
            >"$WORK/out.$i" 2>&1 &
        pids+=($!)
    done
    local failed=0
    for ((i = 0; i < 16; i++)); do
        wait "${pids[i]}" || failed=$((failed + 1)) # the clients use foster's MYSQL_PWD
    done
    assert_eq 0 "$failed" "runs that failed ($(cat "$WORK"/out.* | head -n 5))"
    for ((i = 1; i <= 16; i++)); do
        assert_eq 3 "$(cat "$WORK/count.$i" 2>/dev/null)" "rows seen by run $i"
    done
    assert_eq "" "$(comm -13 <(echo "$BASE_DATABASES") <(databases))" "databases after 16 runs"
    assert_runtime_empty
}

# ---------------------------------------------------------------------------
# The mysql-cluster backend.

test_mysql_cluster_run_and_nothing_left() {
    make_project mysql-cluster
    run_foster run -- sh -c 'env >"$0"; mariadb --no-defaults --socket="$MYSQL_UNIX_PORT" -uroot -N -B \
        -e "SELECT COUNT(*) FROM book; SELECT @@skip_networking" "$MYSQL_DATABASE" >"$0.rows"' "$WORK/env"
    assert_exit 0
    assert_eq "$(printf '3\n1')" "$(cat "$WORK/env.rows")" "rows, and no TCP"
    local socket
    socket=$(env_value MYSQL_UNIX_PORT)
    assert_matches "$(env_value DATABASE_URL)" '^mysql://root@localhost/test_shop_[0-9a-f]{8}\?unix_socket=/' "DATABASE_URL"
    [ ! -e "$socket" ] || fail "the cluster's socket $socket is still there"
    [ ! -e "$(dirname "$socket")" ] || fail "the cluster's directory is still there"
}

# A plain `mariadb` reaches the run's server whatever the system's option
# files say: with Debian's stock socket line it reached no server (or the
# system's own). The option file lives in the runtime directory.
test_mysql_cluster_plain_client_reaches_the_run_despite_system_socket() {
    require_system_client_socket
    make_project mysql-cluster
    run_foster run -- sh -c 'mariadb -N -B -e "select database()" >"$0" 2>&1' "$WORK/seen"
    assert_exit 0
    assert_matches "$(cat "$WORK/seen")" '^test_shop_[0-9a-f]{8}$' "a plain mariadb under run"
    run_foster up
    assert_exit 0
    local database home
    database=$(export_value "$OUT" MYSQL_DATABASE)
    home=$(export_value "$OUT" MYSQL_HOME)
    assert_eq "$home" "$(export_value "$OUT" MARIADB_HOME)" "MARIADB_HOME"
    assert_eq "$home/my.cnf" "$(export_value "$OUT" FOSTER_MYSQL_OPTION_FILE)" "the option file"
    [[ $home == "$RUNTIME"/* ]] || fail "the option file is not in the runtime directory: $home"
    assert_mode "$home" 700
    assert_mode "$home/my.cnf" 600
    assert_eq "$database" "$(plain_client_after_up "$OUT")" "a plain mariadb after up"
    run_foster down
    assert_exit 0
    assert_down_forgets_option_file "$OUT" "$home"
    assert_runtime_empty
}

test_mysql_cluster_up_down() {
    make_project mysql-cluster
    run_foster up
    assert_exit 0
    local socket pid
    socket=$(export_value "$OUT" MYSQL_UNIX_PORT)
    [ -S "$socket" ] || fail "no server socket at $socket after up"
    pid=$(cat "$(dirname "$socket")/mysqld.pid")
    alive "$pid" || fail "no server process after up"
    run_foster down
    assert_exit 0
    local i
    for ((i = 0; i < 50; i++)); do alive "$pid" || break; sleep 0.1; done
    ! alive "$pid" || fail "the server $pid still runs after down"
    [ ! -e "$(dirname "$socket")" ] || fail "the cluster's directory is still there"
}

test_mysql_cluster_sigkill_then_gc() {
    make_project mysql-cluster
    start_foster run -- sleep 60
    local i record=
    for ((i = 0; i < 300; i++)); do
        record=$(grep -l '^server_pid=[1-9]' "$RUNTIME"/*.run 2>/dev/null | head -n 1)
        [ -n "$record" ] && grep -q '^url=mysql' "$record" && break
        sleep 0.1
    done
    [ -n "$record" ] || fail "the run never recorded its server"
    local pid
    pid=$(sed -n 's/^server_pid=//p' "$record")
    kill_foster_and_command
    alive "$pid" || fail "the server died with foster"
    run_foster gc
    assert_exit 0
    for ((i = 0; i < 50; i++)); do alive "$pid" || break; sleep 0.1; done
    ! alive "$pid" || fail "the server $pid still runs after gc"
    assert_contains "$OUT$ERR" "$(basename "$record" .run)"
}

test_mysql_cluster_server_killed_mid_run() {
    make_project mysql-cluster
    run_foster run -- sh -c 'echo "$MYSQL_UNIX_PORT" >"$0"
        kill -9 "$(cat "$(dirname "$MYSQL_UNIX_PORT")/mysqld.pid")"; sleep 0.5; exit 3' "$WORK/socket"
    assert_exit 3
    local home
    home=$(dirname "$(cat "$WORK/socket")")
    [ ! -e "$home" ] || fail "the dead server's directory $home is still there"
}

run_tests
