#!/bin/sh
# run_fuzz.sh — runs each libFuzzer target for FUZZ_SECONDS (default 60).
#
# usage: run_fuzz.sh DATA_DIR REGRESSIONS_DIR FUZZ_EXECUTABLE...
#
# A target fuzz_<name> starts from a scratch corpus seeded with the files of
# tests/data that its parser reads (manifest: *.ini; ddl: *.sql; csv: *.csv,
# *.tsv; json: *.json) and from REGRESSIONS_DIR/<name>. The scratch
# directory is $FUZZ_WORK/<name> (default <build>/fuzz-work/<name> under
# meson, else $TMPDIR/fuzz-work/<name>), kept between
# runs so that the corpus grows. Prints the executions per target and a
# closing line "fuzz: N executions in T s, C crashes"; exits 1 when any
# target crashed, naming the file that reproduces it (replay it with
# `<build>/tests/fuzz/fuzz_<name> FILE`).
set -u

if [ $# -lt 3 ]; then
    echo "usage: $0 DATA_DIR REGRESSIONS_DIR FUZZ_EXECUTABLE..." >&2
    exit 2
fi
data_dir=$1
regressions_dir=$2
shift 2

seconds=${FUZZ_SECONDS:-60}
# UBSan only reports by default; make every finding a crash libFuzzer keeps.
UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
export UBSAN_OPTIONS
work_root=${FUZZ_WORK:-${MESON_BUILD_ROOT:-${TMPDIR:-/tmp}}/fuzz-work}
total_execs=0
total_crashes=0
start=$(date +%s)

seed() { # seed CORPUS PATTERN...
    corpus=$1
    shift
    for pattern in "$@"; do
        find "$data_dir" -type f -name "$pattern" -size -64k | while read -r file; do
            cp "$file" "$corpus/seed-$(printf '%s' "$file" | cksum | cut -d' ' -f1)"
        done
    done
}

for exe in "$@"; do
    name=$(basename "$exe")
    name=${name#fuzz_}
    work=$work_root/$name
    mkdir -p "$work/corpus" "$work/crashes" "$regressions_dir/$name"
    case $name in
    manifest) seed "$work/corpus" '*.ini' ;;
    ddl | myddl) seed "$work/corpus" '*.sql' ;;
    csv) seed "$work/corpus" '*.csv' '*.tsv' ;;
    json) seed "$work/corpus" '*.json' ;;
    *) echo "fuzz: unknown target $exe" >&2; exit 2 ;;
    esac
    log=$work/last-run.log
    echo "fuzz: $name for $seconds s ($(ls "$work/corpus" | wc -l) corpus files)"
    "$exe" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=16384 \
        -print_final_stats=1 -artifact_prefix="$work/crashes/" \
        "$work/corpus" "$regressions_dir/$name" >"$log" 2>&1
    status=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    execs=${execs:-0}
    total_execs=$((total_execs + execs))
    if [ $status -ne 0 ]; then
        total_crashes=$((total_crashes + 1))
        echo "fuzz: $name: CRASH after $execs executions (log: $log)"
        grep -E 'Test unit written to|^SUMMARY' "$log"
        grep -E '^==[0-9]+==ERROR|runtime error' "$log" | head -n 1
        grep -E '^    #[0-9]+ ' "$log" | grep -v -E 'in fuzzer::|libc_start|in _start|in main ' | head -n 12
    else
        echo "fuzz: $name: $execs executions, no crash"
    fi
done

elapsed=$(($(date +%s) - start))
echo "fuzz: $total_execs executions in $elapsed s, $total_crashes crashes"
[ $total_crashes -eq 0 ]
