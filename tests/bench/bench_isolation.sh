#!/usr/bin/env bash
# bench_isolation.sh — what isolating one test from the next costs: savepoint
# rollback, foster_reset, truncate-and-reload and full re-provision, through
# libfoster, on the repository's example project and on a generated 10-table
# set of 100,000 rows, for SQLite (file and in memory), the cluster backend
# (foster's own PostgreSQL server) and the postgres backend on one server that
# is already running; plus --jobs 8 against one database on the 100,000-row
# set. A benchmark, not a test: it prints a table per backend and data set
# with PASS/MISS against the issue's targets and exits 0 whatever they are;
# 1 only when something failed to run or was left behind, 2 on bad usage.
#
#   bench_isolation.sh FOSTER BENCH_ISOLATION BENCH_ISOLATION_GEN [BENCH_ISOLATION_TRACE]
#
# FOSTER is the foster binary (it starts and stops the shared server),
# BENCH_ISOLATION the measuring program (bench_isolation.c), BENCH_ISOLATION_GEN
# the data set's generator (bench_isolation_gen.c), BENCH_ISOLATION_TRACE the
# libpq-timing preload library (bench_isolation_trace.c), used only with
# BENCH_PROFILE=1.
# Environment: BENCH_ITERATIONS (fast measures, default 50), BENCH_SLOW_ITERATIONS
# (reload, re-provision, jobs; default 10), BENCH_GAP_MS (a test's duration
# between two resets, default 20), BENCH_ROWS (rows of the generated set,
# default 100000), BENCH_ONLY (a space-separated subset of the runs below,
# e.g. "cluster-big"), BENCH_PROFILE=1 (after the runs, profile PostgreSQL's
# reset: run the reset measure again on postgres-example, cluster-example and
# cluster-big with BENCH_ISOLATION_TRACE preloaded, and print per reset the
# time of each libpq call foster made, by statement, beside the statement
# durations in the shared server's log (log_min_duration_statement = 0);
# BENCH_PROFILE_LOG=FILE keeps that log).
#
# Everything lives in one private temporary folder under /dev/shm (else
# $TMPDIR or /tmp), removed on exit: the generated data set, foster's runtime
# folder (FOSTER_RUNTIME_DIR) and its cache of pristine PostgreSQL data
# directories (XDG_CACHE_HOME; the first cluster start fills it, outside any
# measure). The shared server is `foster -b cluster up`, taken down with
# `foster down` on exit. At the end the runtime folder must hold no run record
# and no server: anything left there is reported and fails the run.
#
# Runs (each one bench_isolation invocation, in this order):
#   sqlite-example, sqlite-memory-example, sqlite-big (with jobs),
#   sqlite-memory-big, postgres-example, cluster-example, postgres-big,
#   cluster-big (with jobs)
# The postgres runs come before their cluster runs: their re-provision median
# (a database on a server already up) is shown beside the cluster's.
set -euo pipefail

if [[ $# -ne 3 && $# -ne 4 ]]; then
    echo "usage: $0 FOSTER BENCH_ISOLATION BENCH_ISOLATION_GEN [BENCH_ISOLATION_TRACE]" >&2
    exit 2
fi
foster=$(realpath "$1")
bench=$(realpath "$2")
gen=$(realpath "$3")
trace_library=${4:+$(realpath "$4")}
for program in "$foster" "$bench" "$gen"; do
    if [[ ! -x $program ]]; then
        echo "bench: $program is not an executable" >&2
        exit 1
    fi
done
source_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
example=$source_root/foster.ini
if [[ ! -f $example ]]; then
    echo "bench: no example manifest $example" >&2
    exit 1
fi

iterations=${BENCH_ITERATIONS:-50}
slow_iterations=${BENCH_SLOW_ITERATIONS:-10}
gap_ms=${BENCH_GAP_MS:-20}
rows=${BENCH_ROWS:-100000}
only=${BENCH_ONLY:-}
profile=${BENCH_PROFILE:-0}
if [[ $profile == 1 && ! -f ${trace_library:-} ]]; then
    echo "bench: BENCH_PROFILE=1 needs BENCH_ISOLATION_TRACE (the preload library)" >&2
    exit 2
fi

base=/dev/shm
[[ -d $base && -w $base ]] || base=${TMPDIR:-/tmp}
work=$(mktemp -d "$base/foster-isobench.XXXXXX")
chmod 700 "$work"
export FOSTER_RUNTIME_DIR=$work/run
export XDG_CACHE_HOME=$work/cache
mkdir -m 700 "$FOSTER_RUNTIME_DIR" "$XDG_CACHE_HOME" "$work/big"
unset FOSTER_CONFIG FOSTER_RUN_ID DATABASE_URL PGHOST PGPORT PGDATABASE PGUSER

shared_run=""
status=0

# shellcheck disable=SC2317 # run by the EXIT trap
cleanup() {
    local rc=$?
    if [[ -n $shared_run ]]; then
        "$foster" -q -c "$example" down "$shared_run" >/dev/null 2>&1 ||
            echo "bench: foster down $shared_run failed" >&2
    fi
    local left
    left=$(ls -A "$FOSTER_RUNTIME_DIR" 2>/dev/null || true)
    if [[ -n $left ]]; then
        echo "bench: left behind in the runtime folder: $left" >&2
        # A server foster did not stop: stop it by its own pid file, nothing broader.
        for link in "$FOSTER_RUNTIME_DIR"/cluster_*; do
            [[ -e $link/data/postmaster.pid ]] || continue
            kill "$(head -n 1 "$link/data/postmaster.pid")" 2>/dev/null || true
        done
        rc=1
    fi
    # Cluster homes outside the folder (as root, under /dev/shm) go through their links.
    for link in "$FOSTER_RUNTIME_DIR"/cluster_*; do
        [[ -L $link ]] && rm -rf "$(readlink "$link")"
    done
    rm -rf "$work"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

wanted() { [[ -z $only || " $only " == *" $1 "* ]]; }

echo "bench_isolation: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg) at start"
echo "iterations: $iterations fast, $slow_iterations slow (after warm-up rounds), ${gap_ms} ms gap"

# The example: its tables, parents first, and a write each test could make.
example_tables=auth_user,trading_company,trading_account,trading_shares,trading_sharestransfer
example_write="INSERT INTO trading_company (id, name, ticker, created_at) VALUES (9999, 'Bench', 'BNCH', '2024-01-01 00:00:00+00')"
example_check="SELECT count(*) FROM trading_company WHERE id = 9999"

# The generated set (its generator prints the tables, parents first).
big_tables=$("$gen" "$work/big" "$rows" | paste -sd, -)
big_write="INSERT INTO region (id, code, name) VALUES (999999, 'BNCH', 'bench')"
big_check="SELECT count(*) FROM region WHERE id = 999999"
echo "generated: $(grep -c '^\[table' "$work/big/foster.ini") tables, $rows rows ($(du -sh "$work/big/fixtures" | cut -f1) of CSV)"

# run NAME LABEL ARGS... : one bench_isolation invocation; keeps its output in $work/NAME.out.
run() {
    local name=$1 label=$2
    shift 2
    wanted "$name" || return 0
    if ! "$bench" --label "$label" --iterations "$iterations" \
        --slow-iterations "$slow_iterations" --gap-ms "$gap_ms" "$@" | tee "$work/$name.out"; then
        echo "bench: $name failed" >&2
        status=1
    fi
}

# The re-provision median a run printed, for the next run to compare with.
reprovision_of() {
    sed -n 's/^# reprovision_median_ms //p' "$work/$1.out" 2>/dev/null || true
}

example_args=(--write "$example_write" --check "$example_check" --tables "$example_tables"
    --fixtures "$source_root/fixtures")
big_args=(--write "$big_write" --check "$big_check" --tables "$big_tables"
    --fixtures "$work/big/fixtures")
example_label="example (5 tables, $(($(cat "$source_root"/fixtures/*.csv | wc -l) - 5)) rows)"
big_label="generated (10 tables, $rows rows)"

run sqlite-example "$example_label" "${example_args[@]}" "$example"
run sqlite-memory-example "$example_label" --memory --only savepoint,reset,reprovision \
    "${example_args[@]}" "$example"
run sqlite-big "$big_label" --only savepoint,reset,reload,reprovision,jobs "${big_args[@]}" \
    "$work/big/foster.ini"
run sqlite-memory-big "$big_label" --memory --only savepoint,reset,reprovision "${big_args[@]}" \
    "$work/big/foster.ini"

# PostgreSQL: one server started once, for the postgres backend.
needs_server=false
for name in postgres-example postgres-big; do
    wanted "$name" && needs_server=true
done
if $needs_server || [[ $profile == 1 ]]; then
    up_output=$("$foster" -q -c "$example" -b cluster up)
    shared_run=$(sed -n "s/^export FOSTER_RUN_ID='\(.*\)'$/\1/p" <<<"$up_output")
    socket_dir=$(sed -n "s/^export PGHOST='\(.*\)'$/\1/p" <<<"$up_output")
    if [[ -z $shared_run || -z $socket_dir ]]; then
        echo "bench: foster up printed no run id or PGHOST" >&2
        exit 1
    fi
    server_url="postgresql://postgres@/postgres?host=$socket_dir"
    echo "shared server (foster -b cluster up, run $shared_run): $server_url"
fi

run postgres-example "$example_label" --backend postgres --postgres-url "${server_url:-}" \
    "${example_args[@]}" "$example"
db_reprovision=$(reprovision_of postgres-example)
run cluster-example "$example_label" --backend cluster \
    ${db_reprovision:+--db-reprovision-ms "$db_reprovision"} "${example_args[@]}" "$example"
run postgres-big "$big_label" --backend postgres --postgres-url "${server_url:-}" \
    "${big_args[@]}" "$work/big/foster.ini"
db_reprovision=$(reprovision_of postgres-big)
run cluster-big "$big_label" --backend cluster --only savepoint,reset,reload,reprovision,jobs \
    ${db_reprovision:+--db-reprovision-ms "$db_reprovision"} "${big_args[@]}" \
    "$work/big/foster.ini"

# summarize_trace FILE: per reset (between bench_isolation's marks), the time
# of each libpq call by statement, median and p90 over the resets.
summarize_trace() {
    awk '
    function sort(a, n,    i, j, t) {
        for (i = 2; i <= n; i++)
            for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
    }
    function pct(list, p,    a, n) {
        n = split(list, a, " "); sort(a, n)
        return p == 50 ? (n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2) : a[int(p / 100 * n + 0.999)]
    }
    $3 == "mark" && $4 ~ /^reset-begin/ { mode = substr($4, 13); inside = 1; began = $1; delete sum; delete count; next }
    $3 == "mark" && $4 ~ /^reset-end/ {
        inside = 0; resets[mode]++; total[mode] = total[mode] " " ($1 - began); spent = 0
        for (k in sum) { per[mode, k] = per[mode, k] " " sum[k]; calls[mode, k] += count[k]; spent += sum[k]; keys[mode, k] = 1 }
        other[mode] = other[mode] " " ($1 - began - spent)
        next
    }
    inside { k = $3 " " $4; sum[k] += $2; count[k]++ }
    END {
        for (m in resets) {
            printf "  %s: %d resets, foster_reset median %.2f ms, p90 %.2f ms\n", (m == "gap0" ? "back to back" : "with " substr(m, 4) " ms gap"), resets[m], pct(total[m], 50), pct(total[m], 90)
            printf "    %-66s %6s %9s %9s\n", "libpq call (statement)", "calls", "median ms", "p90 ms"
            for (mk in keys) {
                split(mk, part, SUBSEP); if (part[1] != m) continue
                list = per[mk]; n = split(list, unused, " ")
                while (n < resets[m]) { list = list " 0"; n++ }
                printf "    %-66s %6.1f %9.3f %9.3f\n", substr(part[2], 1, 66), calls[mk] / resets[m], pct(list, 50), pct(list, 90)
            }
            printf "    %-66s %6s %9.3f %9.3f\n", "(outside libpq: foster, the bench, the scheduler)", "", pct(other[m], 50), pct(other[m], 90)
        }
    }' "$1"
}

if [[ $profile == 1 ]]; then
    echo
    echo "profile of foster_reset (PostgreSQL), libpq calls timed by $(basename "$trace_library"):"
    # Every statement of the shared server, with its duration, from here on.
    psql "$server_url" -qAt -c "ALTER SYSTEM SET log_min_duration_statement = 0" \
        -c "ALTER SYSTEM SET log_line_prefix = '%m [%p] %d '" \
        -c "ALTER SYSTEM SET log_connections = on" -c "ALTER SYSTEM SET log_disconnections = on" \
        -c "ALTER SYSTEM SET log_checkpoints = on" -c "SELECT pg_reload_conf()" >/dev/null
    profile_run() {
        local name=$1 label=$2
        shift 2
        local trace=$work/$name.trace
        : >"$trace"
        if ! BENCH_ISOLATION_TRACE=$trace LD_PRELOAD=$trace_library "$bench" --label "$label" \
            --only reset --iterations "$iterations" --gap-ms "$gap_ms" "$@" >"$work/$name.profile.out"; then
            echo "bench: profile $name failed" >&2
            status=1
            return
        fi
        echo "$name ($label):"
        summarize_trace "$trace"
    }
    profile_run postgres-example "$example_label" --backend postgres --postgres-url "$server_url" \
        "${example_args[@]}" "$example"
    profile_run cluster-example "$example_label" --backend cluster "${example_args[@]}" "$example"
    profile_run cluster-big "$big_label" --backend cluster "${big_args[@]}" "$work/big/foster.ini"

    # The shared server's side: what each statement of the postgres runs cost there.
    log=$FOSTER_RUNTIME_DIR/cluster_$shared_run/postgres.log
    echo
    echo "shared server's log (postgres backend runs): statement durations"
    awk '
        /duration: .*statement: DROP DATABASE/ { k = "DROP DATABASE" }
        /duration: .*statement: CREATE DATABASE/ { k = "CREATE DATABASE" }
        /duration: .*statement: ALTER DATABASE .* RENAME/ { k = "ALTER DATABASE RENAME" }
        /duration: .*statement: COMMENT ON DATABASE/ { k = "COMMENT ON DATABASE" }
        /duration: .*execute <unnamed>: SELECT 1 FROM pg_database/ { k = "SELECT 1 FROM pg_database" }
        /duration: .*execute <unnamed>: SELECT coalesce\(shobj_description/ { k = "SELECT shobj_description" }
        k != "" {
            ms = $0; sub(/.*duration: /, "", ms); sub(/ ms.*/, "", ms)
            n[k]++; v[k] = v[k] " " ms; if (ms + 0 >= 90) slow[k]++; k = ""
        }
        END {
            for (k in n) {
                c = split(v[k], a, " ")
                for (i = 2; i <= c; i++)
                    for (j = i; j > 1 && a[j - 1] + 0 > a[j] + 0; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
                printf "  %-26s %5d, median %8.3f ms, p90 %8.3f ms, max %8.3f ms, %d over 90 ms\n", k, c,
                    (c % 2 ? a[(c + 1) / 2] : (a[c / 2] + a[c / 2 + 1]) / 2), a[int(0.9 * c + 0.999)], a[c], slow[k] + 0
            }
        }' "$log" | sort
    echo "  checkpoints requested: $(grep -c 'checkpoint starting: immediate' "$log" || true);" \
        "DROP DATABASE waiting on a backend that was still exiting (terminated just before):" \
        "$(grep -B6 'duration: [0-9]\{3\}\.[0-9]* ms  statement: DROP DATABASE' "$log" | grep -c 'terminating connection due to administrator command' || true)"
    [[ -n ${BENCH_PROFILE_LOG:-} ]] && cp "$log" "$BENCH_PROFILE_LOG"
fi

total_misses=$(cat "$work"/*.out 2>/dev/null | sed -n 's/^# misses //p' | awk '{s += $1} END {print s + 0}')
echo
echo "bench_isolation: $total_misses target(s) missed; load average $(cut -d' ' -f1-3 /proc/loadavg) at the end"
exit "$status"
