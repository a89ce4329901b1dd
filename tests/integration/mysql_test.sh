#!/usr/bin/env bash
# mysql_test.sh — integration tests of the foster command on MySQL/MariaDB:
# the `mysql` backend (a new database on an existing server), the
# `mysql-cluster` backend (a MariaDB server foster starts itself) and
# `foster wait mysql://…`.
#
#   usage: mysql_test.sh FOSTER_BINARY [NAME_REGEX]
#
# The runner starts ONE throwaway MariaDB server for the whole file: its own
# mariadb-install-db in a private directory, listening on 127.0.0.1 on a free
# port and on a private unix socket (root, no password, used by the
# assertions), run as `mysql` when the tests run as root. An EXIT trap stops
# it and removes it. foster connects as `app` (password $APP_PW, which holds
# characters a URL must encode) over TCP.
#
# After every test nothing may be left: the runtime directory is empty, the
# server holds no database but its own, and no mariadbd of a mysql-cluster
# runs. Without mariadbd every test is reported SKIP (exit 77).

# shellcheck source=SCRIPTDIR/../harness.sh
. "$(dirname "${BASH_SOURCE[0]}")/../harness.sh" "$@"

# shellcheck disable=SC2034 # read by the harness
declare -A EXPECTED_FAILURES=()

APP_PW='S3cr3t:p@ss/w'
APP_PW_URL='S3cr3t%3Ap%40ss%2Fw'
MARIADBD=${MARIADBD:-/usr/sbin/mariadbd}
INSTALL_DB=$(command -v mariadb-install-db || echo /usr/bin/mariadb-install-db)
CLIENT=$(command -v mariadb || command -v mysql || echo mariadb)

# ---------------------------------------------------------------------------
# The shared server.

before_all() {
    [ -x "$MARIADBD" ] || skip_all "no MariaDB server ($MARIADBD); install mariadb-server"
    [ -x "$INSTALL_DB" ] || skip_all "no mariadb-install-db"
    SERVER_DIR=$(mktemp -d /tmp/foster-my.XXXXXX)
    chmod 755 "$SERVER_DIR"
    SERVER_SOCKET=$SERVER_DIR/s.sock
    SERVER_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    local user=()
    if [ "$(id -u)" = 0 ]; then
        user=(--user=mysql)
        chown mysql "$SERVER_DIR"
    fi
    "$INSTALL_DB" --no-defaults "${user[@]}" --datadir="$SERVER_DIR/data" --tmpdir="$SERVER_DIR" \
        --auth-root-authentication-method=normal --skip-test-db --innodb-log-file-size=4M \
        --skip-log-bin >"$SERVER_DIR/install.log" 2>&1 ||
        { echo "Bail out! mariadb-install-db failed: $(tail -n 5 "$SERVER_DIR/install.log")"; exit 1; }
    "$MARIADBD" --no-defaults "${user[@]}" --datadir="$SERVER_DIR/data" --socket="$SERVER_SOCKET" \
        --pid-file="$SERVER_DIR/s.pid" --log-error="$SERVER_DIR/s.log" --port="$SERVER_PORT" \
        --bind-address=127.0.0.1 --innodb-flush-log-at-trx-commit=0 --skip-log-bin \
        --innodb-doublewrite=0 --innodb-buffer-pool-size=16M --innodb-log-file-size=4M \
        --performance-schema=0 --skip-name-resolve --local-infile=1 >/dev/null 2>&1 &
    SERVER_PID=$!
    local i
    for ((i = 0; i < 300; i++)); do
        my_admin "SELECT 1" >/dev/null 2>&1 && break
        sleep 0.1
    done
    my_admin "CREATE USER app@'%' IDENTIFIED BY '$APP_PW'; GRANT ALL ON *.* TO app@'%'" ||
        { echo "Bail out! the MariaDB server did not start: $(tail -n 5 "$SERVER_DIR/s.log")"; exit 1; }
    APP_URL="mysql://app:$APP_PW_URL@127.0.0.1:$SERVER_PORT/"
    BASE_DATABASES=$(databases)
}

after_all() {
    if [ -n "${SERVER_PID:-}" ]; then
        kill -9 "$SERVER_PID" 2>/dev/null
        wait "$SERVER_PID" 2>/dev/null
    fi
    [ -n "${SERVER_DIR:-}" ] && rm -rf "$SERVER_DIR"
}

describe_suite() {
    echo "# MariaDB $("$MARIADBD" --version 2>/dev/null | awk '{print $3}') on 127.0.0.1:${SERVER_PORT:-?}"
}

prepare_environment() {
    unset MYSQL_HOST MYSQL_TCP_PORT MYSQL_UNIX_PORT MYSQL_PWD
    export XDG_CACHE_HOME=$SUITE_TMP/cache # mysql-cluster's pristine data directory, shared
}

# Nothing left: runtime directory, databases, cluster servers.
after_each() {
    report_runtime_left "$(ls -A "$RUNTIME" 2>/dev/null)"
    local now extra name
    now=$(databases)
    extra=$(comm -13 <(echo "$BASE_DATABASES") <(echo "$now"))
    if [ -n "$extra" ]; then
        leftover "databases left on the server: $(echo $extra)"
        for name in $extra; do my_admin "DROP DATABASE \`$name\`" >/dev/null 2>&1; done
    fi
    local pids
    pids=$(grep -l -F "$WORK" /proc/[0-9]*/cmdline 2>/dev/null | sed -n 's|^/proc/\([0-9]*\)/cmdline$|\1|p')
    for name in $pids; do
        if { tr '\0' ' ' <"/proc/$name/cmdline"; } 2>/dev/null | grep -q mariadbd; then
            leftover "a mariadbd of a test still runs (pid $name)"
            kill -9 "$name" 2>/dev/null
        fi
    done
}

# ---------------------------------------------------------------------------
# Helpers.

my_admin() { # SQL [DATABASE]
    "$CLIENT" --no-defaults --socket="$SERVER_SOCKET" -uroot -N -B -e "$1" ${2:+"$2"}
}

databases() {
    my_admin "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA ORDER BY 1" | sort
}

database_count() { # NAME
    my_admin "SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '$1'"
}

foster_my() {
    run_foster -b mysql -u "$APP_URL" "$@"
}

assert_no_password() { # TEXT WHAT
    [[ $1 != *"$APP_PW"* && $1 != *"$APP_PW_URL"* ]] || fail "$2 shows the password: [$1]"
}

# A project in $WORK/p: author and book (a foreign key), CSV fixtures with NULL and "".
make_project() { # [BACKEND]
    mkdir -p "$WORK/p/schemas" "$WORK/p/fixtures" && cd "$WORK/p" || fail "no project"
    printf '[foster]\nname = shop\n%s\n[table author]\n[table book]\n' \
        "${1:+backend = $1}" >foster.ini
    cat >schemas/author.sql <<'EOF'
CREATE TABLE author (
    id integer PRIMARY KEY AUTO_INCREMENT,
    name varchar(100) NOT NULL UNIQUE
);
EOF
    cat >schemas/book.sql <<'EOF'
CREATE TABLE book (
    id integer PRIMARY KEY AUTO_INCREMENT,
    author_id integer NOT NULL,
    title varchar(200) NOT NULL,
    note text,
    CONSTRAINT book_author_fk FOREIGN KEY (author_id) REFERENCES author (id)
);
EOF
    printf 'id,name\n1,Ann\n2,Bob\n' >fixtures/author.csv
    printf 'id,author_id,title,note\n1,1,First,\n2,2,Second,""\n3,1,Third,x\n' >fixtures/book.csv
}

# The pids of PID's children (from /proc).
children_of() { # PID
    local parent=$1 stat line fields
    for stat in /proc/[0-9]*/stat; do
        { read -r line <"$stat"; } 2>/dev/null || continue
        read -r -a fields <<<"${line##*) }"
        [ "${fields[1]:-}" == "$parent" ] && { line=${stat#/proc/}; echo "${line%/stat}"; }
    done
}

# Whether process PID lives (a zombie does not).
alive() { # PID
    local line
    { read -r line <"/proc/$1/stat"; } 2>/dev/null || return 1
    line=${line##*) }
    [ "${line%% *}" != Z ]
}

# SIGKILLs foster (FOSTER_PID) and the command it runs (not its server).
kill_foster_and_command() {
    local children child
    children=$(for child in $(children_of "$FOSTER_PID"); do
        { tr '\0' ' ' <"/proc/$child/cmdline"; } 2>/dev/null | grep -q mariadbd || echo "$child"
    done)
    kill -9 "$FOSTER_PID"
    # shellcheck disable=SC2086 # pids
    [ -z "$children" ] || kill -9 $children 2>/dev/null
    wait_for_exit "$FOSTER_PID" 5
}

# The value of NAME in the command's environment dump ($WORK/env).
env_value() { # NAME
    sed -n "s/^$1=//p" "$WORK/env"
}

# ---------------------------------------------------------------------------
# The mysql backend.

test_mysql_run_provisions_loads_and_removes() {
    make_project
    MYSQL_PWD=$APP_PW foster_my run -- sh -c 'env >"$0"; mariadb --no-defaults -h "$MYSQL_HOST" \
        -P "$MYSQL_TCP_PORT" -u app -N -B -e "SELECT id, title, note IS NULL, note FROM book ORDER BY id" \
        "$MYSQL_DATABASE" >"$0.rows"' "$WORK/env"
    assert_exit 0
    local database
    database=$(env_value MYSQL_DATABASE)
    assert_matches "$database" '^test_shop_[0-9a-f]{8}$' "MYSQL_DATABASE"
    assert_eq "mysql" "$(env_value FOSTER_BACKEND)" "FOSTER_BACKEND"
    assert_eq "127.0.0.1" "$(env_value MYSQL_HOST)" "MYSQL_HOST"
    assert_eq "$SERVER_PORT" "$(env_value MYSQL_TCP_PORT)" "MYSQL_TCP_PORT"
    assert_eq "mysql://app:$APP_PW_URL@127.0.0.1:$SERVER_PORT/$database" \
        "$(env_value DATABASE_URL)" "DATABASE_URL (the command's, with the password)"
    # COPY's NULL rule: an empty field is NULL, "" the empty string
    assert_eq "$(printf '1\tFirst\t1\tNULL\n2\tSecond\t0\t\n3\tThird\t0\tx')" \
        "$(cat "$WORK/env.rows")" "the loaded rows"
    assert_eq 0 "$(database_count "$database")" "databases named $database after the run"
    assert_eq 0 "$(database_count "${database}_tpl")" "its pristine copy after the run"
    assert_no_password "$OUT$ERR" "run's output"
    assert_no_password "$(foster_my -v run -- true; echo "$OUT$ERR")" "run -v's output"
}

test_mysql_marker_names_run_pid_host() {
    make_project
    foster_my run -- sh -c 'echo "$MYSQL_DATABASE" >"$0"; sleep 0' "$WORK/db"
    assert_exit 0
    foster_my up
    assert_exit 0
    local database comment
    database=$(export_value "$OUT" MYSQL_DATABASE)
    comment=$(my_admin "SELECT SCHEMA_COMMENT FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '$database'")
    assert_matches "$comment" "^foster test database; run [0-9a-f]{8}; pid [0-9]+; host $(hostname); boot .*; kept 1; dir $(realpath "$RUNTIME")\$" "the marker"
    foster_my down
    assert_exit 0
    assert_eq 0 "$(database_count "$database")" "databases named $database after down"
}

test_mysql_url_from_manifest_with_variable() {
    make_project mysql
    printf '[mysql]\nurl = ${SHOP_DB}\n' >>foster.ini
    SHOP_DB=$APP_URL run_foster run -- sh -c 'echo "$MYSQL_DATABASE" >"$0"' "$WORK/db"
    assert_exit 0
    assert_matches "$(cat "$WORK/db")" '^test_shop_' "the database the command saw"
    assert_no_password "$OUT$ERR" "output"
}

test_mysql_bad_url_in_manifest_is_exit_2_with_line() {
    make_project mysql
    printf '[mysql]\nurl = mysql://app:%s@127.0.0.1:notaport/\n' "$APP_PW_URL" >>foster.ini
    run_foster up
    assert_exit 2
    assert_contains "$ERR" "foster.ini:7:"
    assert_contains "$ERR" "url of [mysql]"
    assert_no_password "$OUT$ERR" "the error"
}

test_mysql_up_prints_no_password_and_writes_option_file() {
    make_project
    foster_my up
    assert_exit 0
    assert_no_password "$OUT$ERR" "up's output"
    local file database
    file=$(export_value "$OUT" FOSTER_MYSQL_OPTION_FILE)
    database=$(export_value "$OUT" MYSQL_DATABASE)
    assert_file_exists "$file"
    assert_mode "$file" 600
    assert_eq "mysql://app@127.0.0.1:$SERVER_PORT/$database" "$(export_value "$OUT" DATABASE_URL)" \
        "up's DATABASE_URL"
    assert_eq "Ann" "$("$CLIENT" --defaults-extra-file="$file" -N -B -e "SELECT name FROM author WHERE id = 1")" \
        "a query through the option file"
    foster_my down
    assert_exit 0
    assert_no_password "$OUT$ERR" "down's output"
    assert_file_absent "$file"
    assert_eq 0 "$(database_count "$database")" "databases named $database after down"
}

test_mysql_foreign_key_checked_after_load_names_fixture_line() {
    make_project
    printf 'id,author_id,title,note\n1,1,First,\n2,9,Orphan,\n' >fixtures/book.csv
    foster_my run -- true
    assert_exit 125
    assert_contains "$ERR" "fixtures/book.csv:3:"
    assert_contains "$ERR" "book_author_fk"
}

test_mysql_bad_value_names_fixture_line() {
    make_project
    printf 'id,author_id,title,note\n1,1,First,\n2,1,,\n' >fixtures/book.csv
    foster_my run -- true
    assert_exit 125
    assert_contains "$ERR" "fixtures/book.csv:3"
}

test_mysql_auto_increment_past_loaded_keys() {
    make_project
    MYSQL_PWD=$APP_PW foster_my run -- sh -c 'mariadb --no-defaults -h "$MYSQL_HOST" -P "$MYSQL_TCP_PORT" \
        -u app -N -B -e "INSERT INTO book (author_id, title) VALUES (2, \"New\"); SELECT LAST_INSERT_ID()" \
        "$MYSQL_DATABASE" >"$0"' "$WORK/next"
    assert_exit 0
    assert_eq 4 "$(cat "$WORK/next")" "the next key after rows 1..3"
}

# Keys and indexes written after CREATE TABLE (as mysqldump --no-data and pg_dump write
# them) are built over the loaded rows; a foreign key the rows break names the fixture line.
test_mysql_keys_added_after_the_data_are_checked_by_foster() {
    make_project
    cat >schemas/book.sql <<'EOF'
CREATE TABLE book (
    id integer NOT NULL,
    author_id integer NOT NULL,
    title varchar(200) NOT NULL,
    note text
);

ALTER TABLE book ADD PRIMARY KEY (id);

CREATE INDEX book_title ON book (title);

ALTER TABLE book ADD CONSTRAINT book_author_fk FOREIGN KEY (author_id) REFERENCES author (id);
EOF
    foster_my run -- sh -c 'echo "$MYSQL_DATABASE" >"$0"' "$WORK/db"
    assert_exit 0
    printf 'id,author_id,title,note\n1,1,First,\n2,7,Orphan,\n' >fixtures/book.csv
    foster_my run -- true
    assert_exit 125
    assert_contains "$ERR" "fixtures/book.csv:3:"
    assert_contains "$ERR" "book_author_fk"
}

# A trigger that fills another table: created after the data, so the fixture rows of
# that table are not doubled; it fires for the tests' rows, also after a reset.
test_mysql_triggers_are_created_after_the_data() {
    make_project
    cat >schemas/book_log.sql <<'EOF'
CREATE TABLE book_log (id integer PRIMARY KEY AUTO_INCREMENT, book_id integer NOT NULL);

CREATE TRIGGER book_logged AFTER INSERT ON book FOR EACH ROW INSERT INTO book_log (book_id) VALUES (NEW.id);
EOF
    printf 'id,book_id\n1,1\n2,2\n3,3\n' >fixtures/book_log.csv
    printf '[foster]\nname = shop\n[table author]\n[table book]\n[table book_log]\ndepends = book\n' >foster.ini
    foster_my up
    assert_exit 0
    local database
    database=$(export_value "$OUT" MYSQL_DATABASE)
    assert_eq 3 "$(my_admin "SELECT COUNT(*) FROM book_log" "$database")" "book_log rows after provisioning"
    my_admin "INSERT INTO book (author_id, title) VALUES (1, 'New')" "$database"
    assert_eq "1 2 3 4" "$(my_admin "SELECT GROUP_CONCAT(book_id ORDER BY id SEPARATOR ' ') FROM book_log" "$database")" \
        "book_log after an insert (the trigger fired)"
    FOSTER_RUN_ID=$(export_value "$OUT" FOSTER_RUN_ID) foster_my reset
    assert_exit 0
    assert_eq 3 "$(my_admin "SELECT COUNT(*) FROM book_log" "$database")" "book_log rows after reset"
    my_admin "INSERT INTO book (author_id, title) VALUES (2, 'Again')" "$database"
    assert_eq 4 "$(my_admin "SELECT COUNT(*) FROM book_log" "$database")" "book_log after an insert after reset"
    foster_my down
    assert_exit 0
}

test_mysql_reset_returns_to_the_loaded_rows() {
    make_project
    foster_my up
    assert_exit 0
    local database
    database=$(export_value "$OUT" MYSQL_DATABASE)
    my_admin "DELETE FROM book; INSERT INTO author (name) VALUES ('Zed'); CREATE TABLE scratch (x int)" "$database"
    FOSTER_RUN_ID=$(export_value "$OUT" FOSTER_RUN_ID) foster_my reset
    assert_exit 0
    assert_eq 3 "$(my_admin "SELECT COUNT(*) FROM book" "$database")" "book rows after reset"
    assert_eq "Ann Bob" "$(my_admin "SELECT GROUP_CONCAT(name ORDER BY id SEPARATOR ' ') FROM author" "$database")" "authors after reset"
    assert_eq 0 "$(my_admin "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '$database' AND TABLE_NAME = 'scratch'")" "scratch table after reset"
    assert_eq 1 "$(my_admin "SELECT COUNT(*) FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = '$database'")" "foreign keys after reset"
    my_admin "INSERT INTO book (author_id, title) VALUES (1, 'x')" "$database"
    assert_eq 4 "$(my_admin "SELECT MAX(id) FROM book" "$database")" "next key after reset"
    foster_my down
    assert_exit 0
}

test_mysql_jobs_make_marked_copies() {
    make_project
    foster_my run --jobs 2 -- sh -c 'env >"$0"' "$WORK/env"
    assert_exit 0
    local one two
    one=$(env_value DATABASE_URL_1)
    two=$(env_value DATABASE_URL_2)
    assert_eq 2 "$(env_value FOSTER_JOBS)" "FOSTER_JOBS"
    assert_matches "$one" "^mysql://app@127.0.0.1:$SERVER_PORT/test_shop_[0-9a-f]{8}_1\$" "DATABASE_URL_1"
    assert_matches "$two" "_2\$" "DATABASE_URL_2"
}

test_mysql_jobs_copies_hold_the_rows() {
    make_project
    foster_my up --jobs 2
    assert_exit 0
    local copy
    copy=$(export_value "$OUT" DATABASE_URL_2)
    copy=${copy##*/}
    assert_eq 3 "$(my_admin "SELECT COUNT(*) FROM book" "$copy")" "rows in the second copy"
    assert_contains "$(my_admin "SELECT SCHEMA_COMMENT FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '$copy'")" \
        "foster test database; run" "the copy's marker"
    foster_my down
    assert_exit 0
    assert_eq 0 "$(database_count "$copy")" "the copy after down"
}

test_mysql_load_adds_rows_to_a_marked_database() {
    make_project
    foster_my up
    assert_exit 0
    local database
    database=$(export_value "$OUT" MYSQL_DATABASE)
    printf 'id,name\n3,Cy\n' >"$WORK/more.csv"
    cp "$WORK/more.csv" fixtures/author.csv
    foster_my load --url "mysql://app:$APP_PW_URL@127.0.0.1:$SERVER_PORT/$database" fixtures/author.csv
    assert_exit 0
    assert_no_password "$OUT$ERR" "load's output"
    assert_eq "Ann Bob Cy" "$(my_admin "SELECT GROUP_CONCAT(name ORDER BY id SEPARATOR ' ') FROM author" "$database")" \
        "authors after load"
    printf 'id,name\n4,Ann\n' >fixtures/author.csv
    foster_my load --url "mysql://app:$APP_PW_URL@127.0.0.1:$SERVER_PORT/$database" fixtures/author.csv
    assert_exit 1
    assert_contains "$ERR" "fixtures/author.csv:2"
    assert_eq 3 "$(my_admin "SELECT COUNT(*) FROM author" "$database")" "authors after a refused load (rolled back)"
    foster_my down
    assert_exit 0
}

# ---- unmarked databases

make_unmarked() { # NAME
    my_admin "CREATE DATABASE \`$1\`; CREATE TABLE \`$1\`.author (id int PRIMARY KEY, name varchar(100)); INSERT INTO \`$1\`.author VALUES (7, 'Precious')"
}

test_mysql_load_refuses_unmarked_database() {
    make_project
    make_unmarked precious_test
    foster_my load --url "mysql://app:$APP_PW_URL@127.0.0.1:$SERVER_PORT/precious_test" fixtures/author.csv
    local status=$STATUS
    assert_no_password "$OUT$ERR" "load's output"
    assert_eq "Precious" "$(my_admin "SELECT GROUP_CONCAT(name) FROM author" precious_test)" "the unmarked rows"
    my_admin "DROP DATABASE precious_test"
    [ "$status" != 0 ] || fail "load into an unmarked database succeeded"
    assert_contains "$ERR" "it is not a database foster created"
}

test_mysql_down_refuses_unmarked_database() {
    make_project
    foster_my up
    assert_exit 0
    local database run
    database=$(export_value "$OUT" MYSQL_DATABASE)
    run=$(export_value "$OUT" FOSTER_RUN_ID)
    # the owner's database under the run's name: foster must not drop it
    my_admin "DROP DATABASE \`$database\`; DROP DATABASE \`${database}_tpl\`"
    make_unmarked "$database"
    foster_my down "$run"
    local status=$STATUS
    assert_eq 1 "$(database_count "$database")" "the unmarked database after down"
    my_admin "DROP DATABASE \`$database\`"
    [ "$status" != 0 ] || fail "down of an unmarked database succeeded"
    assert_contains "$ERR" "does not carry foster's marker; leaving it alone"
    rm -f "$RUNTIME"/*
}

test_mysql_gc_drops_dead_runs_databases_only() {
    make_project mysql
    printf '[mysql]\nurl = %s\n' "$APP_URL" >>foster.ini
    start_foster run -- sleep 60
    local i database=
    for ((i = 0; i < 300; i++)); do
        database=$(my_admin "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE 'test\\_shop\\_%\\_tpl'")
        [ -n "$database" ] && break
        sleep 0.1
    done
    [ -n "$database" ] || fail "the run never made its database"
    database=${database%_tpl}
    kill_foster_and_command
    make_unmarked precious_gc
    rm -f "$RUNTIME"/*.run # a run whose record is gone too: only the marker tells
    run_foster gc
    assert_exit 0
    assert_contains "$OUT$ERR" "dropped database $database"
    assert_eq 0 "$(database_count "$database")" "the dead run's database after gc"
    assert_eq 0 "$(database_count "${database}_tpl")" "its pristine copy after gc"
    assert_eq 1 "$(database_count precious_gc)" "the unmarked database after gc"
    my_admin "DROP DATABASE precious_gc"
    rm -rf "${RUNTIME:?}"/*
}

test_mysql_gc_leaves_live_and_kept_runs() {
    make_project mysql
    printf '[mysql]\nurl = %s\n' "$APP_URL" >>foster.ini
    run_foster up
    assert_exit 0
    local database
    database=$(export_value "$OUT" MYSQL_DATABASE)
    run_foster gc
    assert_exit 0
    assert_eq 1 "$(database_count "$database")" "the kept run's database after gc"
    run_foster down
    assert_exit 0
}

# ---- wait

test_mysql_wait_ready_and_refusals() {
    run_foster wait --timeout 5 "$APP_URL"
    assert_exit 0
    run_foster wait --timeout 30 "mysql://app:wrong%40pw@127.0.0.1:$SERVER_PORT/"
    assert_exit 1
    assert_contains "$ERR" "1045"
    assert_not_contains "$ERR" "wrong@pw"
    local start=$EPOCHREALTIME port
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    run_foster wait --timeout 0.5 "mysql://app:$APP_PW_URL@127.0.0.1:$port/"
    assert_exit 1
    assert_contains "$ERR" "not ready"
    assert_no_password "$OUT$ERR" "wait's output"
}

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
