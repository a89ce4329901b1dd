#!/usr/bin/env bash
# bench_pg_copy.sh — how fast foster loads a big CSV fixture into PostgreSQL,
# beside psql's `\copy` of the same file into the same server in the same run.
# A benchmark, not a test: it prints figures and PASS/MISS against the
# targets, and exits 0 whatever they are; it exits 1 only when something
# failed to run or foster loaded different rows than psql did, 2 on bad usage.
#
#   bench_pg_copy.sh FOSTER [GEN_CSV]
#
# FOSTER is the foster binary; GEN_CSV the program built from gen_csv.c (the
# SQLite benchmark's generator: same rows; compiled here with cc when not
# given). Environment: BENCH_ROWS (default 1000000), BENCH_REPEAT (default 3),
# BENCH_PG_BINDIR (PostgreSQL's programs; default `pg_config --bindir`, else
# the newest /usr/lib/postgresql/N/bin, else PATH), BENCH_WATCH=1 (also show,
# per run, where the server backend's COPY time went: CPU, waiting for a CPU,
# sleeping = waiting for the client; see bench_pg_copywatch.py, needs python3;
# the summary then adds the median of the backend's CPU + sleeping time: what
# the COPY would take on an idle machine, a figure that busy neighbours disturb
# much less than the wall time; its ratio is psql's / foster's, comparable to
# the rows/s ratios).
#
# One server for the whole benchmark: `foster -b cluster up` on a one-table
# manifest (its own cache and runtime folder, under a private temporary folder
# in /dev/shm, removed on exit with `foster down`). Its `postgres` database is
# the admin URL of the postgres backend. Per repetition, alternating:
#   psql    createdb -T template0, the table, then (timed)
#           psql -X -c "\copy bench_trade FROM 'file' WITH (FORMAT csv, HEADER)"
#           (one statement in autocommit: one transaction), then dropdb
#   foster  (timed) foster -b postgres -u ADMIN_URL run -- true: CREATE
#           DATABASE, the table, BEGIN, COPY ... FROM STDIN, COMMIT, true, DROP
# Both load the same file into the same table (primary key index included),
# created empty in a committed transaction before the COPY, in a fresh
# database of the same server. An untimed first foster run (which also warms
# the page cache) checks that foster and psql loaded the same rows.
#
# Figures: best of the repetitions for speed (the median too), worst for
# memory.
#   rows/s, COPY           psql: the whole psql command (start, connect, COPY,
#                          commit, exit); foster: its "loaded bench_trade N
#                          rows ... (X ms)" line (read, parse, send, COPY end)
#   rows/s, COPY + COMMIT  foster: "loaded fixtures in X ms" (adds the
#                          deferred-constraint check, sequence reset, COMMIT)
#   whole command          wall time of the command (foster's includes
#                          CREATE/DROP DATABASE, the table and, in a foster that
#                          keeps one, the pristine copy made after loading:
#                          "kept a pristine copy in X ms", shown apart)
#   peak RSS               maximum resident set size (GNU time's %M, else
#                          Python's getrusage of the child)
# Targets (from the issue): foster >= 0.8 x psql's rows/s (COPY + COMMIT
# against psql's whole command), foster's peak RSS < 20 MB.
set -euo pipefail

rows=${BENCH_ROWS:-1000000}
repeat=${BENCH_REPEAT:-3}
target_ratio=0.8
target_rss_mb=20

if [[ $# -ne 1 && $# -ne 2 ]]; then
    echo "usage: $0 FOSTER [GEN_CSV]" >&2
    exit 2
fi
foster=$(realpath "$1")
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [[ ! -x $foster ]]; then
    echo "bench: $foster is not an executable foster" >&2
    exit 1
fi

bindir=${BENCH_PG_BINDIR:-}
if [[ -z $bindir ]] && command -v pg_config >/dev/null; then
    bindir=$(pg_config --bindir 2>/dev/null || true)
fi
if [[ -z $bindir || ! -x $bindir/psql ]]; then
    bindir=$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
fi
if [[ -n $bindir && -x $bindir/psql ]]; then
    psql=$bindir/psql createdb=$bindir/createdb dropdb=$bindir/dropdb
else
    psql=$(command -v psql) createdb=$(command -v createdb) dropdb=$(command -v dropdb) || {
        echo "bench: psql, createdb and dropdb are needed" >&2
        exit 1
    }
fi

base=/dev/shm
[[ -d $base && -w $base ]] || base=${TMPDIR:-/tmp}
work=$(mktemp -d "$base/foster-pgbench.XXXXXX")
chmod 700 "$work"
server_run_id=""
cleanup() {
    set +e # remove all that can be removed
    if [[ -n ${watch_pid:-} ]]; then
        kill "$watch_pid" 2>/dev/null || true
        wait "$watch_pid" 2>/dev/null || true
    fi
    if [[ -n $server_run_id ]]; then
        "$foster" -q -c "$work/server/foster.ini" down "$server_run_id" >/dev/null 2>&1 || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [[ $# -eq 2 ]]; then
    gen_csv=$(realpath "$2")
else
    gen_csv=$work/gen_csv
    cc -std=c11 -D_GNU_SOURCE -O2 -o "$gen_csv" "$here/gen_csv.c"
fi

# measure OUT CMD...: runs CMD, writes "<peak RSS KiB> <wall seconds>" to OUT,
# returns CMD's status. Wall time from bash's clock (microseconds).
if [[ -x /usr/bin/time ]] && /usr/bin/time -f '%M' -o /dev/null true 2>/dev/null; then
    rss_tool="GNU time (%M)"
    measure() {
        local out=$1
        shift
        local status=0 started=$EPOCHREALTIME
        /usr/bin/time -f '%M' -o "$out.raw" "$@" || status=$?
        local ended=$EPOCHREALTIME
        echo "$(tail -n 1 "$out.raw") $(awk -v a="$started" -v b="$ended" 'BEGIN {printf "%.4f", b - a}')" >"$out"
        return $status
    }
else
    rss_tool="python3 getrusage(RUSAGE_CHILDREN)"
    measure() {
        local out=$1
        shift
        python3 - "$out" "$@" <<'EOF'
import resource, subprocess, sys, time
started = time.monotonic()
status = subprocess.call(sys.argv[2:])
wall = time.monotonic() - started
with open(sys.argv[1], "w") as f:
    f.write("%d %.4f\n" % (resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, wall))
sys.exit(status)
EOF
    }
fi

export FOSTER_RUNTIME_DIR=$work/runtime
export XDG_CACHE_HOME=$work/cache
mkdir -m 700 "$FOSTER_RUNTIME_DIR" "$XDG_CACHE_HOME" "$work/server" "$work/server/schemas" \
    "$work/project"
unset FOSTER_CONFIG FOSTER_ADMIN_URL DATABASE_URL PGHOST PGPORT PGDATABASE PGUSER PGPASSWORD

# The table, as both sides create it.
table_sql='CREATE TABLE bench_trade (
    id bigint PRIMARY KEY,
    account_id integer,
    ticker varchar(8),
    quantity integer,
    price numeric(12,4),
    note text
);'

# The project: gen_csv's CSV, our manifest and schema.
started=$EPOCHREALTIME
"$gen_csv" "$rows" "$work/project"
csv=$work/project/fixtures/bench_trade.csv
printf '%s\n' "$table_sql" >"$work/project/schemas/bench_trade.sql"
cat >"$work/project/foster.ini" <<'EOF'
; the PostgreSQL COPY benchmark's project (bench_pg_copy.sh)
[foster]
name     = pgcopy
backend  = postgres
schemas  = schemas
fixtures = fixtures

[table bench_trade]
owner = benchmark
EOF
printf 'bench: generated %s rows, %s bytes of CSV in %.1f s (%s)\n' "$rows" "$(stat -c %s "$csv")" \
    "$(awk -v a="$started" -v b="$EPOCHREALTIME" 'BEGIN {print b - a}')" "$csv"

# The server: one ephemeral cluster for the whole run.
cat >"$work/server/foster.ini" <<'EOF'
; the server of the PostgreSQL COPY benchmark (bench_pg_copy.sh)
[foster]
name     = pgcopyserver
schemas  = schemas
fixtures = schemas

[table bench_server_noop]
owner = benchmark
EOF
echo 'CREATE TABLE bench_server_noop (id integer);' >"$work/server/schemas/bench_server_noop.sql"
if ! "$foster" -q -c "$work/server/foster.ini" -b cluster up >"$work/server.env" 2>"$work/server.err"; then
    echo "bench: foster -b cluster up failed:" >&2
    cat "$work/server.err" >&2
    exit 1
fi
server_run_id=$(sed -n "s/^export FOSTER_RUN_ID='\{0,1\}\([^']*\)'\{0,1\}$/\1/p" "$work/server.env")
host=$(sed -n "s/^export PGHOST='\{0,1\}\([^']*\)'\{0,1\}$/\1/p" "$work/server.env")
port=$(sed -n "s/^export PGPORT='\{0,1\}\([^']*\)'\{0,1\}$/\1/p" "$work/server.env")
user=$(sed -n "s/^export PGUSER='\{0,1\}\([^']*\)'\{0,1\}$/\1/p" "$work/server.env")
if [[ -z $server_run_id || -z $host || -z $port || -z $user ]]; then
    echo "bench: cannot read foster up's output:" >&2
    cat "$work/server.env" "$work/server.err" >&2
    exit 1
fi
admin_url="postgresql://$user@/postgres?host=$host&port=$port"
pg=(-X -q -v ON_ERROR_STOP=1 -h "$host" -p "$port" -U "$user")
server_version=$("$psql" "${pg[@]}" -d postgres -Atc 'SHOW server_version')
echo "bench: $("$foster" --version 2>&1 | head -n 1), PostgreSQL $server_version ($host)," \
    "$(nproc) CPUs, peak RSS by $rss_tool, client programs from ${bindir:-PATH}"

# The watcher of the server side (BENCH_WATCH=1), started before a client.
watch=${BENCH_WATCH:-0}
postmaster=""
if [[ $watch == 1 ]]; then
    postmaster=$(head -n 1 "$host/data/postmaster.pid" 2>/dev/null || true)
    if [[ ! $postmaster =~ ^[0-9]+$ ]] || ! command -v python3 >/dev/null; then
        echo "bench: BENCH_WATCH=1 needs python3 and $host/data/postmaster.pid; not watching"
        watch=0
    fi
fi
watch_pid=""
watch_start() { # watch_start OUT
    [[ $watch == 1 ]] || return 0
    python3 "$here/bench_pg_copywatch.py" "$postmaster" >"$1" &
    watch_pid=$!
    while ! grep -q '^ready' "$1" 2>/dev/null; do
        kill -0 "$watch_pid" 2>/dev/null || break
        sleep 0.01
    done
}
# watch_report OUT: prints the watcher's line, indented; sets server_busy_ms
# (the backend's CPU time plus its sleep: its COPY time on an idle machine).
server_busy_ms=""
watch_report() {
    server_busy_ms=""
    [[ $watch == 1 && -n $watch_pid ]] || return 0
    wait "$watch_pid" || true
    watch_pid=""
    local line
    line=$(tail -n 1 "$1")
    echo "bench:            server $line"
    server_busy_ms=$(sed -n 's/.*cpu \([0-9]*\) ms, runqueue [0-9]* ms, sleeping \([0-9]*\) ms.*/\1 \2/p' <<<"$line" |
        awk '{print $1 + $2}')
}

# What a loaded table holds, as one line: rows and an md5 of them in id order.
checksum_sql="SELECT count(*) || ' ' || md5(string_agg(t::text, E'\\n' ORDER BY id)) FROM bench_trade t"

field() { # field LINE_PATTERN FILE SED_EXPR: the first match of SED_EXPR on lines matching
    grep -E "$1" "$2" | head -n 1 | sed -n "$3" || true
}

# foster_run OUT_PREFIX CMD_AFTER_RUN...: one foster run; sets table_ms,
# fixtures_ms and snapshot_ms.
foster_run() {
    local out=$1
    shift
    if ! measure "$out.time" "$foster" -c "$work/project/foster.ini" -b postgres -u "$admin_url" \
        run --no-cache -- "$@" >"$out.out" 2>"$out.err"; then
        echo "bench: foster run failed:" >&2
        cat "$out.out" "$out.err" >&2
        exit 1
    fi
    local loaded
    loaded=$(field '^foster: loaded bench_trade +[0-9]+ rows' "$out.err" 's/.*bench_trade *\([0-9]*\) rows.*/\1/p')
    table_ms=$(field '^foster: loaded bench_trade +[0-9]+ rows' "$out.err" 's/.*(\([0-9.]*\) ms)$/\1/p')
    fixtures_ms=$(field '^foster: loaded fixtures in' "$out.err" 's/.*loaded fixtures in \([0-9.]*\) ms.*/\1/p')
    # Newer foster keeps a pristine copy (a template) after loading; 0 when not.
    snapshot_ms=$(field '^foster: loaded fixtures in' "$out.err" 's/.*kept a pristine copy in \([0-9.]*\) ms.*/\1/p')
    snapshot_ms=${snapshot_ms:-0}
    if [[ $loaded != "$rows" || -z $table_ms || -z $fixtures_ms ]]; then
        echo "bench: cannot read foster's progress (rows '$loaded', ms '$table_ms'/'$fixtures_ms'):" >&2
        cat "$out.err" >&2
        exit 1
    fi
}

# psql_run OUT_PREFIX DATABASE: a fresh database and table, then the timed \copy.
psql_run() {
    local out=$1 database=$2
    "$createdb" -h "$host" -p "$port" -U "$user" -T template0 "$database"
    "$psql" "${pg[@]}" -d "$database" -c "$table_sql"
    if ! measure "$out.time" "$psql" "${pg[@]}" -d "$database" \
        -c "\\copy bench_trade FROM '$csv' WITH (FORMAT csv, HEADER)" >"$out.out" 2>"$out.err"; then
        echo "bench: psql \\copy failed:" >&2
        cat "$out.out" "$out.err" >&2
        exit 1
    fi
}

# Untimed: foster's rows against psql's (and a warm page cache for both).
foster_run "$work/check" sh -c "\"\$1\" -X -Atc \"\$2\" >\"\$3\"" sh "$psql" "$checksum_sql" \
    "$work/foster.sum"
psql_run "$work/check-psql" bench_pg_copy_check
"$psql" "${pg[@]}" -d bench_pg_copy_check -Atc "$checksum_sql" >"$work/psql.sum"
"$dropdb" -h "$host" -p "$port" -U "$user" bench_pg_copy_check
if [[ $(cat "$work/foster.sum") != "$(cat "$work/psql.sum")" || $(cut -d' ' -f1 "$work/psql.sum") != "$rows" ]]; then
    echo "bench: foster and psql loaded different rows:" >&2
    echo "  psql:   $(cat "$work/psql.sum")" >&2
    echo "  foster: $(cat "$work/foster.sum")" >&2
    exit 1
fi
echo "bench: foster and psql loaded the same rows: $(cat "$work/psql.sum")"

psql_s=() psql_rss=() foster_table_ms=() foster_fixtures_ms=() foster_snapshot_ms=() foster_s=()
foster_rss=() psql_busy=() foster_busy=()
for ((r = 1; r <= repeat; r++)); do
    watch_start "$work/psql.watch"
    psql_run "$work/psql" bench_pg_copy_psql
    "$dropdb" -h "$host" -p "$port" -U "$user" bench_pg_copy_psql
    read -r rss wall <"$work/psql.time"
    psql_s+=("$wall")
    psql_rss+=("$rss")
    printf 'bench: run %d psql:   \\copy %8.1f ms (whole command), peak RSS %5.1f MB\n' "$r" \
        "$(awk -v s="$wall" 'BEGIN {print s * 1000}')" "$(awk -v k="$rss" 'BEGIN {print k / 1024}')"
    watch_report "$work/psql.watch"
    [[ -z $server_busy_ms ]] || psql_busy+=("$server_busy_ms")

    watch_start "$work/foster.watch"
    foster_run "$work/foster" true
    read -r rss wall <"$work/foster.time"
    foster_table_ms+=("$table_ms")
    foster_fixtures_ms+=("$fixtures_ms")
    foster_snapshot_ms+=("$snapshot_ms")
    foster_s+=("$wall")
    foster_rss+=("$rss")
    printf 'bench: run %d foster: COPY  %8.1f ms, with COMMIT %8.1f ms, pristine copy %6.1f ms, whole command %8.1f ms, peak RSS %5.1f MB\n' \
        "$r" "$table_ms" "$fixtures_ms" "$snapshot_ms" "$(awk -v s="$wall" 'BEGIN {print s * 1000}')" \
        "$(awk -v k="$rss" 'BEGIN {print k / 1024}')"
    watch_report "$work/foster.watch"
    [[ -z $server_busy_ms ]] || foster_busy+=("$server_busy_ms")
done

min() { printf '%s\n' "$@" | sort -g | head -n 1; }
max() { printf '%s\n' "$@" | sort -g | tail -n 1; }
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR] = $1} END {print (v[int((NR + 1) / 2)] + v[int(NR / 2) + 1]) / 2}'; }

awk -v rows="$rows" -v repeat="$repeat" \
    -v ps="$(min "${psql_s[@]}")" -v psm="$(median "${psql_s[@]}")" \
    -v ft="$(min "${foster_table_ms[@]}")" -v ftm="$(median "${foster_table_ms[@]}")" \
    -v ff="$(min "${foster_fixtures_ms[@]}")" -v ffm="$(median "${foster_fixtures_ms[@]}")" \
    -v fs="$(min "${foster_s[@]}")" -v fsnap="$(median "${foster_snapshot_ms[@]}")" \
    -v prss="$(max "${psql_rss[@]}")" -v frss="$(max "${foster_rss[@]}")" \
    -v pbusy="$([[ ${#psql_busy[@]} -eq $repeat ]] && median "${psql_busy[@]}" || echo 0)" \
    -v fbusy="$([[ ${#foster_busy[@]} -eq $repeat ]] && median "${foster_busy[@]}" || echo 0)" \
    -v target_ratio="$target_ratio" -v target_rss="$target_rss_mb" '
BEGIN {
    psql_rate = rows / ps; psql_rate_m = rows / psm
    copy_rate = rows / (ft / 1000); copy_rate_m = rows / (ftm / 1000)
    commit_rate = rows / (ff / 1000); commit_rate_m = rows / (ffm / 1000)
    whole_rate = rows / fs
    ratio = commit_rate / psql_rate
    rss_mb = frss / 1024
    printf "\nPostgreSQL COPY load, %d rows, best of %d (median beside it; peak RSS: worst of %d)\n",
        rows, repeat, repeat
    printf "%-40s %12s %12s %7s %12s %12s %7s\n", "", "psql", "foster", "ratio",
        "psql med", "foster med", "ratio"
    printf "%-40s %12.0f %12.0f %7.2f %12.0f %12.0f %7.2f\n",
        "rows/s, COPY (foster: table line)", psql_rate, copy_rate, copy_rate / psql_rate,
        psql_rate_m, copy_rate_m, copy_rate_m / psql_rate_m
    printf "%-40s %12.0f %12.0f %7.2f %12.0f %12.0f %7.2f\n",
        "rows/s, COPY + COMMIT", psql_rate, commit_rate, ratio,
        psql_rate_m, commit_rate_m, commit_rate_m / psql_rate_m
    printf "%-40s %12.0f %12.0f %7.2f\n", "rows/s, whole command", psql_rate, whole_rate,
        whole_rate / psql_rate
    printf "%-40s %12.1f %12.1f\n", "ms, COPY + COMMIT (psql: whole command)", ps * 1000, ff
    printf "%-40s %12.1f %12.1f\n", "ms, whole command", ps * 1000, fs * 1000
    if (fsnap > 0)
        printf "%-40s %12s %12.1f   (median; in the whole command)\n", "ms, pristine copy after loading", "", fsnap
    printf "%-40s %12.1f %12.1f\n", "peak RSS, MB", prss / 1024, rss_mb
    if (pbusy > 0 && fbusy > 0)
        printf "%-40s %12.0f %12.0f %7.2f   (median; BENCH_WATCH)\n",
            "server COPY ms, cpu + sleeping", pbusy, fbusy, pbusy / fbusy
    printf "\ntarget: foster rows/s >= %.1f x psql \\copy   %.2f x   %s\n", target_ratio, ratio,
        (ratio >= target_ratio ? "PASS" : "MISS")
    printf "target: foster peak RSS < %d MB            %.1f MB  %s\n", target_rss, rss_mb,
        (rss_mb < target_rss ? "PASS" : "MISS")
    print "(foster rows/s: COPY + COMMIT from its progress line; psql: its whole command)"
}'
