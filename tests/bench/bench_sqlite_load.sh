#!/usr/bin/env bash
# bench_sqlite_load.sh — how fast foster loads a big CSV fixture into SQLite,
# beside the raw floor measured in the same run. A benchmark, not a test: it
# prints figures and PASS/MISS against the targets, and exits 0 whatever they
# are; it exits 1 only when something failed to run or foster loaded different
# rows than the floor did (checksums differ), 2 on bad usage.
#
#   bench_sqlite_load.sh FOSTER [GEN_CSV SQLITE_FLOOR]
#
# FOSTER is the foster binary; GEN_CSV and SQLITE_FLOOR are the programs built
# from gen_csv.c and sqlite_floor.c (compiled here with cc when not given).
# Environment: BENCH_ROWS (default 1000000), BENCH_REPEAT (default 3).
#
# Per repetition: the floor (sqlite_floor load: one prepared INSERT in one
# transaction, values already in memory) into a fresh file, then
# `foster -c foster.ini up` (which loads the generated CSV through the CLI)
# and `foster down`. Everything lives in one private temporary folder under
# /dev/shm (memory-backed but file-backed for SQLite, as foster's own runtime
# folder), which is also FOSTER_RUNTIME_DIR; it is removed on exit.
#
# Figures: best of the repetitions for speed (the median too), worst for
# memory. Repetitions alternate floor and foster, so a busy neighbour slows
# both alike; on a shared or virtual machine single runs vary by 2x.
#   rows/s (load)   floor: BEGIN..last INSERT; foster: its "loaded bench_trade
#                   N rows ... (X ms)" progress line (open, parse, insert)
#   rows/s (commit) floor: BEGIN..COMMIT; foster: "loaded fixtures in X ms"
#   peak RSS        maximum resident set size of the process (GNU time's %M,
#                   else Python's getrusage of the child)
# Targets (from the issue): foster >= 0.7 x the floor's rows/s; foster's peak
# RSS while loading into a file-backed database < 20 MB.
set -euo pipefail

rows=${BENCH_ROWS:-1000000}
repeat=${BENCH_REPEAT:-3}
target_ratio=0.7
target_rss_mb=20

if [[ $# -ne 1 && $# -ne 3 ]]; then
    echo "usage: $0 FOSTER [GEN_CSV SQLITE_FLOOR]" >&2
    exit 2
fi
foster=$(realpath "$1")
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [[ ! -x $foster ]]; then
    echo "bench: $foster is not an executable foster" >&2
    exit 1
fi

base=/dev/shm
[[ -d $base && -w $base ]] || base=${TMPDIR:-/tmp}
work=$(mktemp -d "$base/foster-bench.XXXXXX")
chmod 700 "$work"
up_run_id=""
cleanup() {
    if [[ -n $up_run_id ]]; then
        "$foster" -q -c "$work/project/foster.ini" down "$up_run_id" >/dev/null 2>&1 || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [[ $# -eq 3 ]]; then
    gen_csv=$(realpath "$2")
    sqlite_floor=$(realpath "$3")
else
    gen_csv=$work/gen_csv
    sqlite_floor=$work/sqlite_floor
    cc -std=c11 -D_GNU_SOURCE -O2 -o "$gen_csv" "$here/gen_csv.c"
    cc -std=c11 -D_GNU_SOURCE -O2 -o "$sqlite_floor" "$here/sqlite_floor.c" -lsqlite3
fi

# measure OUT CMD...: runs CMD, writes "<peak RSS KiB> <wall seconds>" to OUT,
# returns CMD's status.
if [[ -x /usr/bin/time ]] && /usr/bin/time -f '%M' -o /dev/null true 2>/dev/null; then
    rss_tool="GNU time (%M)"
    measure() {
        local out=$1
        shift
        local status=0
        /usr/bin/time -f '%M %e' -o "$out.raw" "$@" || status=$?
        tail -n 1 "$out.raw" >"$out"
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
    f.write("%d %.2f\n" % (resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, wall))
sys.exit(status)
EOF
    }
fi

project=$work/project
runtime=$work/runtime
mkdir -m 700 "$project" "$runtime"
export FOSTER_RUNTIME_DIR=$runtime
unset FOSTER_CONFIG

started=$(date +%s.%N)
"$gen_csv" "$rows" "$project"
csv=$project/fixtures/bench_trade.csv
printf 'bench: generated %s rows, %s bytes of CSV in %.1f s (%s)\n' "$rows" \
    "$(stat -c %s "$csv")" "$(echo "$started $(date +%s.%N)" | awk '{print $2 - $1}')" "$csv"
echo "bench: $("$foster" --version 2>&1 | head -n 1), SQLite $("$sqlite_floor" version)," \
    "$(nproc) CPUs, runtime folder $runtime, peak RSS by $rss_tool"

floor_ms=() floor_commit_ms=() floor_rss=()
foster_ms=() foster_commit_ms=() foster_up_s=() foster_down_s=() foster_rss=()
reference_checksum=""

field() { # field NAME LINE: the value of NAME=... in LINE
    sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<" $2"
}

for ((r = 1; r <= repeat; r++)); do
    # The floor.
    db=$work/floor.sqlite3
    rm -f "$db"
    if ! measure "$work/floor.time" "$sqlite_floor" load "$rows" "$db" >"$work/floor.out"; then
        echo "bench: the floor failed" >&2
        exit 1
    fi
    line=$(grep '^floor ' "$work/floor.out")
    read -r rss _ <"$work/floor.time"
    floor_ms+=("$(field insert_ms "$line")")
    floor_commit_ms+=("$(awk -v a="$(field insert_ms "$line")" -v b="$(field commit_ms "$line")" \
        'BEGIN {printf "%.1f", a + b}')")
    floor_rss+=("$rss")
    checksum=$(grep '^checksum ' "$work/floor.out")
    floor_schema=$(grep '^schema ' "$work/floor.out")
    reference_checksum=${reference_checksum:-$checksum}
    rm -f "$db"
    printf 'bench: run %d floor:  load %8.1f ms, with COMMIT %8.1f ms, peak RSS %6.1f MB\n' "$r" \
        "${floor_ms[-1]}" "${floor_commit_ms[-1]}" "$(awk -v k="$rss" 'BEGIN {print k / 1024}')"

    # foster, through the CLI.
    if ! measure "$work/up.time" "$foster" -c "$project/foster.ini" up --no-cache \
        >"$work/up.out" 2>"$work/up.err"; then
        echo "bench: foster up failed:" >&2
        cat "$work/up.err" >&2
        exit 1
    fi
    read -r rss up_wall <"$work/up.time"
    run_id=$(sed -n "s/^export FOSTER_RUN_ID='\{0,1\}\([^']*\)'\{0,1\}$/\1/p" "$work/up.out")
    path=$(sed -n "s/^export FOSTER_SQLITE_PATH='\{0,1\}\([^']*\)'\{0,1\}$/\1/p" "$work/up.out")
    up_run_id=$run_id
    table_line=$(grep -E '^foster: loaded bench_trade +[0-9]+ rows' "$work/up.err" || true)
    total_line=$(grep -E '^foster: loaded fixtures in' "$work/up.err" || true)
    loaded=$(sed -n 's/.*bench_trade *\([0-9]*\) rows.*/\1/p' <<<"$table_line")
    table_ms=$(sed -n 's/.*(\([0-9.]*\) ms)$/\1/p' <<<"$table_line")
    commit_ms=$(sed -n 's/.*loaded fixtures in \([0-9.]*\) ms.*/\1/p' <<<"$total_line")
    if [[ -z $run_id || -z $path || $loaded != "$rows" || -z $table_ms || -z $commit_ms ]]; then
        echo "bench: cannot read foster up's output (run id '$run_id', database '$path'," \
            "rows '$loaded', ms '$table_ms'/'$commit_ms'):" >&2
        cat "$work/up.out" "$work/up.err" >&2
        exit 1
    fi
    if ! "$sqlite_floor" checksum "$path" >"$work/foster.sum"; then
        echo "bench: cannot read foster's database $path" >&2
        exit 1
    fi
    checksum=$(grep '^checksum ' "$work/foster.sum")
    foster_schema=$(grep '^schema ' "$work/foster.sum")
    if [[ $checksum != "$reference_checksum" ]]; then
        echo "bench: foster loaded different rows than the floor:" >&2
        echo "  floor:  $reference_checksum" >&2
        echo "  foster: $checksum" >&2
        exit 1
    fi
    if ! measure "$work/down.time" "$foster" -q -c "$project/foster.ini" down "$run_id" \
        >"$work/down.out" 2>&1; then
        echo "bench: foster down $run_id failed:" >&2
        cat "$work/down.out" >&2
        exit 1
    fi
    up_run_id=""
    read -r _ down_wall <"$work/down.time"
    if [[ -e $path ]]; then
        echo "bench: foster down left $path behind" >&2
        exit 1
    fi
    foster_ms+=("$table_ms")
    foster_commit_ms+=("$commit_ms")
    foster_up_s+=("$up_wall")
    foster_down_s+=("$down_wall")
    foster_rss+=("$rss")
    printf 'bench: run %d foster: load %8.1f ms, with COMMIT %8.1f ms, peak RSS %6.1f MB,' "$r" \
        "$table_ms" "$commit_ms" "$(awk -v k="$rss" 'BEGIN {print k / 1024}')"
    printf ' up %.2f s, down %.2f s\n' "$up_wall" "$down_wall"
done

if [[ $floor_schema != "$foster_schema" ]]; then
    echo "bench: note: foster created the table differently from the floor:"
    echo "  floor:  ${floor_schema#schema }"
    echo "  foster: ${foster_schema#schema }"
fi
echo "bench: both loaded the same rows: ${reference_checksum#checksum }"

min() { printf '%s\n' "$@" | sort -g | head -n 1; }
max() { printf '%s\n' "$@" | sort -g | tail -n 1; }
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR] = $1} END {print (v[int((NR + 1) / 2)] + v[int(NR / 2) + 1]) / 2}'; }

awk -v rows="$rows" -v repeat="$repeat" \
    -v fl="$(min "${floor_ms[@]}")" -v flc="$(min "${floor_commit_ms[@]}")" \
    -v fo="$(min "${foster_ms[@]}")" -v foc="$(min "${foster_commit_ms[@]}")" \
    -v flm="$(median "${floor_ms[@]}")" -v fom="$(median "${foster_ms[@]}")" \
    -v up="$(min "${foster_up_s[@]}")" -v down="$(min "${foster_down_s[@]}")" \
    -v frss="$(max "${floor_rss[@]}")" -v orss="$(max "${foster_rss[@]}")" \
    -v target_ratio="$target_ratio" -v target_rss="$target_rss_mb" '
BEGIN {
    floor_rate = rows / (fl / 1000); foster_rate = rows / (fo / 1000)
    floor_rate_c = rows / (flc / 1000); foster_rate_c = rows / (foc / 1000)
    ratio = foster_rate / floor_rate; ratio_c = foster_rate_c / floor_rate_c
    rss_mb = orss / 1024
    printf "\nSQLite load, %d rows, best of %d (peak RSS: worst of %d)\n", rows, repeat, repeat
    printf "%-34s %14s %14s %8s\n", "", "floor", "foster", "ratio"
    printf "%-34s %14.0f %14.0f %8.2f\n", "rows/s, load", floor_rate, foster_rate, ratio
    printf "%-34s %14.0f %14.0f %8.2f\n", "rows/s, load + COMMIT", floor_rate_c, foster_rate_c, ratio_c
    printf "%-34s %14.0f %14.0f %8.2f\n", "rows/s, load, median", rows / (flm / 1000),
        rows / (fom / 1000), flm / fom
    printf "%-34s %14.1f %14.1f\n", "ms, load", fl, fo
    printf "%-34s %14.1f %14.1f\n", "ms, load + COMMIT", flc, foc
    printf "%-34s %14.1f %14.1f\n", "peak RSS, MB", frss / 1024, rss_mb
    printf "%-34s %14s %14.2f\n", "foster up (whole command), s", "", up
    printf "%-34s %14s %14.2f\n", "foster down (whole command), s", "", down
    printf "\ntarget: foster rows/s >= %.1f x floor   %.2f x   %s\n", target_ratio, ratio,
        (ratio >= target_ratio ? "PASS" : "MISS")
    printf "target: foster peak RSS < %d MB         %.1f MB  %s\n", target_rss, rss_mb,
        (rss_mb < target_rss ? "PASS" : "MISS")
    print "(floor RSS includes all rows pre-generated in memory; it is not a target)"
}'
