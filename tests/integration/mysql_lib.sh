# shellcheck shell=bash
# mysql_lib.sh — what the MySQL/MariaDB runners share (mysql_test.sh,
# mysql_cluster_test.sh): their throwaway MariaDB server, the harness hooks
# that start it, stop it and check that nothing is left, and the helpers.
# Sourced after tests/harness.sh, never run:
#
#   . "$(dirname "${BASH_SOURCE[0]}")/mysql_lib.sh"
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

APP_PW='S3cr3t:p@ss/w'
APP_PW_URL='S3cr3t%3Ap%40ss%2Fw'
# shellcheck source=SCRIPTDIR/mariadb_server.sh
. "$(dirname "${BASH_SOURCE[0]}")/mariadb_server.sh"

# ---------------------------------------------------------------------------
# The shared server.

before_all() {
    start_mariadb_server foster-my --local-infile=1
    my_admin "CREATE USER app@'%' IDENTIFIED BY '$APP_PW'; GRANT ALL ON *.* TO app@'%'" ||
        { echo "Bail out! cannot make the app user: $(tail -n 5 "$SERVER_DIR/s.log")"; exit 1; }
    APP_URL="mysql://app:$APP_PW_URL@127.0.0.1:$SERVER_PORT/"
    BASE_DATABASES=$(databases)
}

after_all() {
    stop_mariadb_server
}

describe_suite() {
    echo "# MariaDB $("$MARIADBD" --version 2>/dev/null | awk '{print $3}') on 127.0.0.1:${SERVER_PORT:-?}"
}

prepare_environment() {
    unset MYSQL_HOST MYSQL_TCP_PORT MYSQL_UNIX_PORT MYSQL_PWD MYSQL_HOME MARIADB_HOME
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

# The system's option files send the mariadb client to another server's socket
# (Debian's mariadb-common: "socket = /run/mysqld/mysqld.sock" in
# /etc/mysql/mariadb.cnf), which beats MYSQL_UNIX_PORT; skips the test when
# they do not, as then it would prove nothing.
require_system_client_socket() {
    command -v mariadb >/dev/null || skip "no mariadb client"
    local defaults
    defaults=$(mariadb --print-defaults 2>/dev/null)
    [[ $defaults == *--socket=* ]] ||
        skip "the system's option files name no client socket (Debian's /etc/mysql/mariadb.cnf does)"
}

# `mariadb -N -e 'select database()'` with no options, in the environment
# that eval of `up`'s output (TEXT) makes; prints what it printed.
plain_client_after_up() { # TEXT
    (eval "$1" && mariadb -N -B -e 'select database()') 2>&1
}

# `down`'s output (TEXT) unsets the run's client option file and both
# variables that point the clients at it; DIRECTORY (MYSQL_HOME) is gone.
assert_down_forgets_option_file() { # TEXT DIRECTORY
    local name
    for name in FOSTER_MYSQL_OPTION_FILE MYSQL_HOME MARIADB_HOME; do
        assert_contains "$1" "unset $name" "down's output"
    done
    [ ! -e "$2" ] || fail "the run's option file directory $2 is still there after down"
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

