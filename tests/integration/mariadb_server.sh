# shellcheck shell=bash
# mariadb_server.sh — ONE throwaway MariaDB server for a test runner:
# mariadb-install-db in a private directory, listening on 127.0.0.1 on a
# free port and on a private unix socket (root, no password), run as `mysql`
# when the tests run as root. Shared by mysql_lib.sh (the MySQL runners) and
# drift_mysql_test.sh. Sourced after tests/harness.sh, never run:
#
#   start_mariadb_server PREFIX [MARIADBD_OPTION...]   sets SERVER_DIR, SERVER_SOCKET,
#                                                      SERVER_PORT, SERVER_PID; @DIR@ in an
#                                                      option stands for SERVER_DIR
#   stop_mariadb_server                                kills it, removes SERVER_DIR
#   my_admin SQL [DATABASE]                            as root over the socket

MARIADBD=${MARIADBD:-/usr/sbin/mariadbd}
INSTALL_DB=$(command -v mariadb-install-db || echo /usr/bin/mariadb-install-db)
CLIENT=$(command -v mariadb || command -v mysql || echo mariadb)

my_admin() { # SQL [DATABASE]
    "$CLIENT" --no-defaults --socket="$SERVER_SOCKET" -uroot -N -B -e "$1" ${2:+"$2"}
}

# Skips every test (skip_all) without the server's programs; bails out when it will not start.
start_mariadb_server() { # PREFIX [MARIADBD_OPTION...]
    local prefix=$1
    shift
    [ -x "$MARIADBD" ] || skip_all "no MariaDB server ($MARIADBD); install mariadb-server"
    [ -x "$INSTALL_DB" ] || skip_all "no mariadb-install-db; install mariadb-server"
    SERVER_DIR=$(mktemp -d "/tmp/$prefix.XXXXXX")
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
    "$MARIADBD" --no-defaults "${user[@]}" --datadir="$SERVER_DIR/data" --tmpdir="$SERVER_DIR" \
        --socket="$SERVER_SOCKET" --pid-file="$SERVER_DIR/s.pid" --log-error="$SERVER_DIR/s.log" \
        --port="$SERVER_PORT" --bind-address=127.0.0.1 --innodb-flush-log-at-trx-commit=0 --skip-log-bin \
        --innodb-doublewrite=0 --innodb-buffer-pool-size=16M --innodb-log-file-size=4M \
        --performance-schema=0 --skip-name-resolve "${@//@DIR@/$SERVER_DIR}" >/dev/null 2>&1 &
    SERVER_PID=$!
    local i
    for ((i = 0; i < 300; i++)); do
        my_admin "SELECT 1" >/dev/null 2>&1 && break
        sleep 0.1
    done
    my_admin "SELECT 1" >/dev/null ||
        { echo "Bail out! the MariaDB server did not start: $(tail -n 5 "$SERVER_DIR/s.log")"; exit 1; }
}

stop_mariadb_server() {
    if [ -n "${SERVER_PID:-}" ]; then
        kill -9 "$SERVER_PID" 2>/dev/null
        wait "$SERVER_PID" 2>/dev/null
    fi
    [ -n "${SERVER_DIR:-}" ] && rm -rf "$SERVER_DIR"
}
