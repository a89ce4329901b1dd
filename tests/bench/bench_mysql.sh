#!/usr/bin/env bash
# bench_mysql.sh — foster on MySQL/MariaDB beside baselines measured in the same
# run. A benchmark, not a test: it prints figures, ratios and PASS/MISS
# against the targets, exits 0 whatever they are, 1 when something failed to
# run or foster loaded other rows than the client did (checksums differ).
#
#   bench_mysql.sh FOSTER
#
# Environment: BENCH_ROWS (CSV rows, default 200000), BENCH_RESET_ROWS
# (default 100000), BENCH_REPEAT (default 3). Needs mariadbd,
# mariadb-install-db and the mariadb client. Everything lives in a private
# folder under /tmp, removed on exit, with a MariaDB server of its own.
#
#   load    foster's "loaded item N rows ... (X ms)" line (rows streamed by
#           LOAD DATA LOCAL INFILE from foster's CSV reader) against
#           `mariadb -e "LOAD DATA LOCAL INFILE 'file' …"` of the same file into
#           a fresh table of the same server (the whole client command):
#           target foster ≥ 0.8× the client's rows/s
#   run     `foster -b mysql-cluster run -- true` (warm cache) against
#           mariadb-install-db + start + CREATE DATABASE + stop: target ≤ 0.5×
#   reset   `foster reset` of a BENCH_RESET_ROWS-row database against its
#           provisioning ("database ready in X ms"): target ≤ 0.1×; timed
#           once the next copy is ready (as after tests that take as long as
#           the helper's copy), and again at once after (waiting for it);
#           both as the whole command and as foster times it (-v), which is
#           how the provisioning figure is taken
# Figures: best of BENCH_REPEAT (medians beside).
set -u
[ $# -eq 1 ] || { echo "usage: $0 FOSTER" >&2; exit 2; }
FOSTER=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
ROWS=${BENCH_ROWS:-200000}
RESET_ROWS=${BENCH_RESET_ROWS:-100000}
REPEAT=${BENCH_REPEAT:-3}
MARIADBD=/usr/sbin/mariadbd
INSTALL_DB=$(command -v mariadb-install-db) || { echo "no mariadb-install-db" >&2; exit 1; }
CLIENT=$(command -v mariadb) || { echo "no mariadb client" >&2; exit 1; }

DIR=$(mktemp -d /tmp/foster-bench-my.XXXXXX)
chmod 755 "$DIR"
SERVER_PID=
cleanup() {
    [ -n "$SERVER_PID" ] && kill -9 "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
    rm -rf "$DIR"
}
trap cleanup EXIT
USER_ARGS=()
if [ "$(id -u)" = 0 ]; then USER_ARGS=(--user=mysql); chown mysql "$DIR"; fi
export FOSTER_RUNTIME_DIR=$DIR/runtime XDG_CACHE_HOME=$DIR/cache
mkdir -m 700 "$FOSTER_RUNTIME_DIR"

now() { date +%s.%N; }
ms() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (b - a) * 1000 }'; }
best() { printf '%s\n' "$@" | sort -g | head -n 1; }
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
verdict() { awk -v r="$1" -v t="$2" -v op="$3" 'BEGIN { ok = op == "ge" ? r >= t : r <= t; print ok ? "PASS" : "MISS" }'; }

install_db() { # DATADIR
    "$INSTALL_DB" --no-defaults "${USER_ARGS[@]}" --datadir="$1" --tmpdir="$DIR" \
        --auth-root-authentication-method=normal --skip-test-db --innodb-log-file-size=4M \
        --skip-log-bin >>"$DIR/install.log" 2>&1
}
start_server() { # DATADIR SOCKET [TCP PORT]
    "$MARIADBD" --no-defaults "${USER_ARGS[@]}" --datadir="$1" --tmpdir="$DIR" --socket="$2" \
        --pid-file="$1.pid" --log-error="$1.log" ${3:+--port=$3 --bind-address=127.0.0.1} \
        ${3:---skip-networking} --innodb-flush-log-at-trx-commit=0 --skip-log-bin \
        --innodb-doublewrite=0 --innodb-log-file-size=4M --performance-schema=0 \
        --skip-name-resolve --local-infile=1 >/dev/null 2>&1 &
    SERVER_PID=$!
    local i
    for ((i = 0; i < 600; i++)); do
        "$CLIENT" --no-defaults --socket="$2" -uroot -e "SELECT 1" >/dev/null 2>&1 && return 0
        sleep 0.05
    done
    echo "the server did not start: $(tail -n 3 "$1.log")" >&2
    exit 1
}
sql() { "$CLIENT" --no-defaults --socket="$DIR/s.sock" -uroot -N -B "$@"; }

install_db "$DIR/data" || { echo "mariadb-install-db failed" >&2; exit 1; }
start_server "$DIR/data" "$DIR/s.sock"
URL="mysql://root@localhost/?unix_socket=$DIR/s.sock"

# A project with one table of N rows.
project() { # FOLDER ROWS
    mkdir -p "$1/schemas" "$1/fixtures"
    printf '[foster]\nname = bench\n[table item]\n' >"$1/foster.ini"
    echo 'CREATE TABLE item (id integer PRIMARY KEY, label varchar(40) NOT NULL, qty integer, note text);' \
        >"$1/schemas/item.sql"
    awk -v n="$2" 'BEGIN { print "id,label,qty,note"; for (i = 1; i <= n; i++)
        printf "%d,item number %d,%d,%s\n", i, i, i % 97, (i % 5 ? "some note text" : "") }' \
        >"$1/fixtures/item.csv"
}

echo "# foster on MariaDB $("$MARIADBD" --version | awk '{print $3}'), $(nproc) cores"

# ---- load
project "$DIR/load" "$ROWS"
foster_rates=() client_rates=()
for ((r = 0; r < REPEAT; r++)); do
    sql -e "DROP DATABASE IF EXISTS floor; CREATE DATABASE floor; CREATE TABLE floor.item (id integer PRIMARY KEY, label varchar(40) NOT NULL, qty integer, note text)"
    t0=$(now)
    sql --local-infile=1 floor -e "LOAD DATA LOCAL INFILE '$DIR/load/fixtures/item.csv' INTO TABLE item FIELDS TERMINATED BY ',' OPTIONALLY ENCLOSED BY '\"' IGNORE 1 LINES (id, label, qty, @note) SET note = NULLIF(@note, '')" ||
        exit 1
    t1=$(now)
    client_rates+=("$(awk -v n="$ROWS" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", n / (b - a) }')")
    floor_sum=$(sql -e "SELECT SUM(CRC32(CONCAT_WS('|', id, label, qty, IFNULL(note, '\\\\N')))) FROM floor.item")
    out=$(cd "$DIR/load" && "$FOSTER" -v -b mysql -u "$URL" run -- sh -c \
        "$CLIENT --no-defaults --socket=$DIR/s.sock -uroot -N -B -e \"SELECT SUM(CRC32(CONCAT_WS('|', id, label, qty, IFNULL(note, '\\\\\\\\N')))) FROM item\" \"\$MYSQL_DATABASE\" >$DIR/sum" 2>&1) ||
        { echo "$out" >&2; exit 1; }
    [ "$(cat "$DIR/sum")" == "$floor_sum" ] || { echo "checksums differ: foster $(cat "$DIR/sum"), client $floor_sum" >&2; exit 1; }
    ms_load=$(printf '%s\n' "$out" | sed -n 's/^foster: loaded item .* (\([0-9.]*\) ms)$/\1/p')
    foster_rates+=("$(awk -v n="$ROWS" -v m="$ms_load" 'BEGIN { printf "%.0f", n / (m / 1000) }')")
done
sql -e "DROP DATABASE floor"
f=$(printf '%s\n' "${foster_rates[@]}" | sort -g | tail -n 1)
c=$(printf '%s\n' "${client_rates[@]}" | sort -g | tail -n 1)
ratio=$(awk -v f="$f" -v c="$c" 'BEGIN { printf "%.2f", f / c }')
echo "load $ROWS rows: foster $f rows/s (median $(median "${foster_rates[@]}")), mariadb client LOAD DATA LOCAL $c rows/s (median $(median "${client_rates[@]}")); ratio ${ratio}x (target >= 0.8x): $(verdict "$ratio" 0.8 ge)"

# ---- run on mysql-cluster against install-db + start + create + stop
project "$DIR/run" 10
(cd "$DIR/run" && "$FOSTER" -q -b mysql-cluster run -- true) || exit 1 # warms the cache
kill -9 "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null; SERVER_PID=
runs=() manual=()
for ((r = 0; r < REPEAT; r++)); do
    t0=$(now)
    (cd "$DIR/run" && "$FOSTER" -q -b mysql-cluster run -- true) || exit 1
    t1=$(now)
    runs+=("$(ms "$t0" "$t1")")
    rm -rf "$DIR/manual"
    mkdir -p "$DIR/manual" && [ ${#USER_ARGS[@]} -eq 0 ] || chown mysql "$DIR/manual"
    t0=$(now)
    install_db "$DIR/manual/data" || exit 1
    start_server "$DIR/manual/data" "$DIR/manual/s.sock"
    "$CLIENT" --no-defaults --socket="$DIR/manual/s.sock" -uroot -e "CREATE DATABASE t" || exit 1
    kill -TERM "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null; SERVER_PID=
    t1=$(now)
    manual+=("$(ms "$t0" "$t1")")
done
fr=$(median "${runs[@]}") mr=$(median "${manual[@]}")
ratio=$(awk -v f="$fr" -v c="$mr" 'BEGIN { printf "%.2f", f / c }')
echo "run: foster -b mysql-cluster run -- true $fr ms (median; best $(best "${runs[@]}")), install-db + start + create + stop $mr ms (median); ratio ${ratio}x (target <= 0.5x): $(verdict "$ratio" 0.5 le)"

# ---- reset against re-provisioning, BENCH_RESET_ROWS rows
start_server "$DIR/data" "$DIR/s.sock"
project "$DIR/reset" "$RESET_ROWS"
provisions=() resets=() inner=() back_to_back=() helpers=()
# Waits for the helper that makes the next copy (its lock file gone); prints the ms waited.
wait_helper() { # DATABASE
    local t0 t1
    t0=$(now)
    while [ -e "$FOSTER_RUNTIME_DIR/$1.next.lock" ]; do sleep 0.02; done
    t1=$(now)
    ms "$t0" "$t1"
}
for ((r = 0; r < REPEAT; r++)); do
    out=$(cd "$DIR/reset" && "$FOSTER" -v -b mysql -u "$URL" up 2>&1) || { echo "$out" >&2; exit 1; }
    provisions+=("$(printf '%s\n' "$out" | sed -n 's/.*database ready in \([0-9.]*\) ms$/\1/p')")
    run_id=$(printf '%s\n' "$out" | sed -n "s/^export FOSTER_RUN_ID='\(.*\)'$/\1/p")
    # the tests run meanwhile: here, until the next copy is ready
    helpers+=("$(wait_helper "test_bench_$run_id")")
    sql "test_bench_$run_id" -e "DELETE FROM item WHERE id % 2 = 0"
    t0=$(now)
    out=$(cd "$DIR/reset" && FOSTER_RUN_ID=$run_id "$FOSTER" -v -b mysql -u "$URL" reset 2>&1) || { echo "$out" >&2; exit 1; }
    t1=$(now)
    resets+=("$(ms "$t0" "$t1")")
    inner+=("$(printf '%s\n' "$out" | sed -n 's/^foster: reset .* in \([0-9.]*\) ms$/\1/p')")
    [ "$(sql "test_bench_$run_id" -e "SELECT COUNT(*) FROM item")" == "$RESET_ROWS" ] || { echo "reset lost rows" >&2; exit 1; }
    # at once again: this one waits for the helper still making the next copy
    sql "test_bench_$run_id" -e "DELETE FROM item WHERE id % 2 = 0"
    t0=$(now)
    (cd "$DIR/reset" && FOSTER_RUN_ID=$run_id "$FOSTER" -q -b mysql -u "$URL" reset) || exit 1
    t1=$(now)
    back_to_back+=("$(ms "$t0" "$t1")")
    [ "$(sql "test_bench_$run_id" -e "SELECT COUNT(*) FROM item")" == "$RESET_ROWS" ] || { echo "reset lost rows" >&2; exit 1; }
    (cd "$DIR/reset" && "$FOSTER" -q -b mysql -u "$URL" down "$run_id" >/dev/null) || exit 1
done
fr=$(median "${resets[@]}") pr=$(median "${provisions[@]}") br=$(median "${back_to_back[@]}")
ir=$(median "${inner[@]}")
iratio=$(awk -v f="$ir" -v c="$pr" 'BEGIN { printf "%.3f", f / c }')
echo "reset as foster times it (\"reset ... in N ms\", like \"database ready in\"): $ir ms (median); ratio ${iratio}x (target <= 0.1x): $(verdict "$iratio" 0.1 le)"
ratio=$(awk -v f="$fr" -v c="$pr" 'BEGIN { printf "%.3f", f / c }')
bratio=$(awk -v f="$br" -v c="$pr" 'BEGIN { printf "%.3f", f / c }')
echo "reset back to back (waits for the next copy): $br ms (median); ratio ${bratio}x; the helper's copy after up took $(median "${helpers[@]}") ms (median)"
echo "reset of $RESET_ROWS rows: $fr ms (median; the whole command), provisioning $pr ms (median); ratio ${ratio}x (target <= 0.1x): $(verdict "$ratio" 0.1 le)"
