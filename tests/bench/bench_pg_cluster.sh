#!/usr/bin/env bash
# bench_pg_cluster.sh — how long `foster -b cluster run -- true` takes, whole
# command, beside the raw sequence `initdb && pg_ctl -w start && createdb &&
# pg_ctl stop` in the same run. A benchmark, not a test: it prints figures
# and PASS/MISS against the target, and exits 0 whatever they are; it exits 1
# only when something failed to run or left a server or folder behind, 2 on
# bad usage.
#
#   bench_pg_cluster.sh FOSTER [MANIFEST]
#
# FOSTER is the foster binary. MANIFEST is an extra foster.ini to time as
# well, for information (e.g. the repository's example, whose tables and
# fixtures the raw sequence does not make); the target is measured on a
# one-table manifest without fixtures, the nearest thing to the raw sequence.
# Environment: BENCH_REPEAT (default 5), BENCH_PG_BINDIR (PostgreSQL's
# programs; default `pg_config --bindir`, else the newest
# /usr/lib/postgresql/N/bin).
#
# Everything lives in one private temporary folder under /dev/shm (else
# $TMPDIR or /tmp), removed on exit: foster's runtime folder
# (FOSTER_RUNTIME_DIR) and its cache of pristine data directories
# (XDG_CACHE_HOME), so the first foster run below fills a cold cache (shown,
# not a target) and an untimed warm-up of each side warms the page cache.
# Then BENCH_REPEAT repetitions, alternating:
#   raw     (as `postgres` through runuser when root) in a fresh folder:
#           initdb -A trust -U postgres --no-sync -D DIR/data &&
#           pg_ctl -w -D DIR/data -l DIR/log -o "-k DIR -c listen_addresses=''" start &&
#           createdb -h DIR bench && pg_ctl -w -D DIR/data stop
#   foster  foster -q -b cluster run -- true (from the cache: copy, start,
#           CREATE DATABASE, the table, true, stop, remove)
# Figures: median (and best) wall time of the whole command.
# Target (from the issue): foster <= 0.5 x the raw time, with a warm cache.
set -euo pipefail

repeat=${BENCH_REPEAT:-5}
target_ratio=0.5

if [[ $# -ne 1 && $# -ne 2 ]]; then
    echo "usage: $0 FOSTER [MANIFEST]" >&2
    exit 2
fi
foster=$(realpath "$1")
extra_manifest=${2:+$(realpath "$2")}
if [[ ! -x $foster ]]; then
    echo "bench: $foster is not an executable foster" >&2
    exit 1
fi
if [[ -n $extra_manifest && ! -f $extra_manifest ]]; then
    echo "bench: no manifest $extra_manifest" >&2
    exit 1
fi

bindir=${BENCH_PG_BINDIR:-}
if [[ -z $bindir ]] && command -v pg_config >/dev/null; then
    bindir=$(pg_config --bindir 2>/dev/null || true)
fi
if [[ -z $bindir || ! -x $bindir/initdb ]]; then
    bindir=$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
fi
for program in initdb pg_ctl createdb postgres; do
    if [[ -z $bindir || ! -x $bindir/$program ]]; then
        echo "bench: no $program in '${bindir:-}' (set BENCH_PG_BINDIR)" >&2
        exit 1
    fi
done

# The raw sequence runs as `postgres` when we are root, as PostgreSQL requires.
as_server_user=()
if [[ $(id -u) -eq 0 ]]; then
    if ! id postgres >/dev/null 2>&1; then
        echo "bench: running as root, but there is no postgres user for the raw sequence" >&2
        exit 1
    fi
    as_server_user=(runuser -u postgres --)
fi

base=/dev/shm
[[ -d $base && -w $base ]] || base=${TMPDIR:-/tmp}
work=$(mktemp -d "$base/foster-pgbench.XXXXXX")
chmod 700 "$work"
raw_dir=""
cleanup() {
    set +e # remove all that can be removed
    # A raw server that an interruption left running: stop it, then the files.
    if [[ -n $raw_dir && -f $raw_dir/data/postmaster.pid ]]; then
        "${as_server_user[@]}" "$bindir/pg_ctl" -D "$raw_dir/data" -m immediate -w stop \
            >/dev/null 2>&1 || true
    fi
    [[ -n $raw_dir ]] && rm -rf "$raw_dir"
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

export FOSTER_RUNTIME_DIR=$work/runtime
export XDG_CACHE_HOME=$work/cache
mkdir -m 700 "$FOSTER_RUNTIME_DIR" "$XDG_CACHE_HOME" "$work/project" "$work/project/schemas"
unset FOSTER_CONFIG FOSTER_ADMIN_URL DATABASE_URL PGHOST PGPORT PGDATABASE PGUSER PGPASSWORD
cat >"$work/project/foster.ini" <<'EOF'
; the cluster start-up benchmark's project (bench_pg_cluster.sh)
[foster]
name     = pgcluster
backend  = cluster
schemas  = schemas
fixtures = schemas

[table bench_noop]
owner = benchmark
EOF
echo 'CREATE TABLE bench_noop (id integer PRIMARY KEY);' >"$work/project/schemas/bench_noop.sql"

seconds_since() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN {printf "%.4f", b - a}'; }

# foster_once MANIFEST: one timed `foster -q -b cluster run -- true`; sets wall.
foster_once() {
    local started=$EPOCHREALTIME
    if ! "$foster" -q -c "$1" -b cluster run -- true >"$work/foster.out" 2>&1; then
        echo "bench: foster -b cluster run failed:" >&2
        cat "$work/foster.out" >&2
        exit 1
    fi
    wall=$(seconds_since "$started")
    if [[ -n $(ls -A "$FOSTER_RUNTIME_DIR") ]]; then
        echo "bench: foster left something in its runtime folder:" >&2
        ls -la "$FOSTER_RUNTIME_DIR" >&2
        exit 1
    fi
}

# raw_once: one timed raw sequence in a fresh folder; sets wall.
raw_once() {
    raw_dir=$(mktemp -d "$base/foster-pgbench-raw.XXXXXX")
    [[ ${#as_server_user[@]} -eq 0 ]] || chown postgres: "$raw_dir"
    local started=$EPOCHREALTIME
    # shellcheck disable=SC2016 # expanded by the inner shell
    if ! "${as_server_user[@]}" sh -c '
        b=$1 d=$2
        "$b/initdb" -A trust -U postgres --no-sync -D "$d/data" >"$d/initdb.log" 2>&1 &&
        "$b/pg_ctl" -w -D "$d/data" -l "$d/log" -o "-k $d -c listen_addresses='"''"'" start >/dev/null &&
        "$b/createdb" -h "$d" -U postgres bench &&
        "$b/pg_ctl" -w -D "$d/data" stop >/dev/null' sh "$bindir" "$raw_dir" \
        >"$work/raw.out" 2>&1; then
        echo "bench: the raw sequence failed:" >&2
        cat "$work/raw.out" "$raw_dir/initdb.log" "$raw_dir/log" >&2 2>/dev/null || true
        exit 1
    fi
    wall=$(seconds_since "$started")
    if [[ -f $raw_dir/data/postmaster.pid ]]; then
        echo "bench: the raw server did not stop ($raw_dir)" >&2
        exit 1
    fi
    rm -rf "$raw_dir"
    raw_dir=""
}

echo "bench: $("$foster" --version 2>&1 | head -n 1), $("$bindir/postgres" --version)," \
    "$(nproc) CPUs, work folder $work${as_server_user[*]:+, raw sequence as postgres}"

foster_once "$work/project/foster.ini"
cold=$wall
printf 'bench: foster, cold cache (fills it: initdb): %8.1f ms\n' "$(awk -v s="$cold" 'BEGIN {print s * 1000}')"
raw_once
printf 'bench: warm-up raw sequence:                  %8.1f ms\n' "$(awk -v s="$wall" 'BEGIN {print s * 1000}')"
foster_once "$work/project/foster.ini"
printf 'bench: warm-up foster:                        %8.1f ms\n' "$(awk -v s="$wall" 'BEGIN {print s * 1000}')"

raw_s=() foster_s=() extra_s=()
for ((r = 1; r <= repeat; r++)); do
    raw_once
    raw_s+=("$wall")
    foster_once "$work/project/foster.ini"
    foster_s+=("$wall")
    line=$(printf 'bench: run %d: raw %8.1f ms, foster %8.1f ms' "$r" \
        "$(awk -v s="${raw_s[-1]}" 'BEGIN {print s * 1000}')" \
        "$(awk -v s="${foster_s[-1]}" 'BEGIN {print s * 1000}')")
    if [[ -n $extra_manifest ]]; then
        foster_once "$extra_manifest"
        extra_s+=("$wall")
        line+=$(printf ', foster with %s %8.1f ms' "$(basename "$extra_manifest")" \
            "$(awk -v s="$wall" 'BEGIN {print s * 1000}')")
    fi
    echo "$line"
done

min() { printf '%s\n' "$@" | sort -g | head -n 1; }
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR] = $1} END {print (v[int((NR + 1) / 2)] + v[int(NR / 2) + 1]) / 2}'; }

awk -v repeat="$repeat" -v cold="$cold" \
    -v rm="$(median "${raw_s[@]}")" -v rb="$(min "${raw_s[@]}")" \
    -v fm="$(median "${foster_s[@]}")" -v fb="$(min "${foster_s[@]}")" \
    -v extra="${extra_manifest:+$(basename "$extra_manifest")}" \
    -v em="$([[ -n $extra_manifest ]] && median "${extra_s[@]}" || echo 0)" \
    -v eb="$([[ -n $extra_manifest ]] && min "${extra_s[@]}" || echo 0)" \
    -v target_ratio="$target_ratio" '
BEGIN {
    ratio = fm / rm
    printf "\nEphemeral server, whole command, %d runs (warm cache)\n", repeat
    printf "%-52s %10s %10s %7s\n", "", "median ms", "best ms", "x raw"
    printf "%-52s %10.1f %10.1f %7s\n", "raw: initdb, pg_ctl start, createdb, pg_ctl stop",
        rm * 1000, rb * 1000, "1.00"
    printf "%-52s %10.1f %10.1f %7.2f\n", "foster -q -b cluster run -- true (1 table)",
        fm * 1000, fb * 1000, ratio
    if (extra != "")
        printf "%-52s %10.1f %10.1f %7.2f\n", "  the same with " extra, em * 1000, eb * 1000, em / rm
    printf "%-52s %10.1f %10s %7.2f\n", "  its first run, cold cache (not a target)", cold * 1000,
        "", cold / rm
    printf "\ntarget: foster <= %.1f x the raw time (median, warm cache)   %.2f x   %s\n",
        target_ratio, ratio, (ratio <= target_ratio ? "PASS" : "MISS")
}'
