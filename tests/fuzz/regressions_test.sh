#!/bin/sh
# regressions_test.sh — replays every saved fuzz crash and the seed corpora
# through the fuzz targets built as plain programs (standalone_main.c, the
# ordinary compiler and sanitizers), as part of `meson test`.
#
# usage: regressions_test.sh DATA_DIR REGRESSIONS_DIR fuzz_<name>_regress...
#
# Each program fuzz_<name>_regress gets REGRESSIONS_DIR/<name> and the files
# of DATA_DIR its parser reads (manifest: *.ini; ddl, myddl: *.sql; csv: *.csv,
# *.tsv; json: *.json). Prints TAP, one line per program; exits 1 when any
# of them crashed.
set -u
set -f # the patterns below are for find, not for the shell

if [ $# -lt 3 ]; then
    echo "usage: $0 DATA_DIR REGRESSIONS_DIR PROGRAM..." >&2
    exit 2
fi
data_dir=$1
regressions_dir=$2
shift 2

echo "1..$#"
number=0
failed=0
for exe in "$@"; do
    number=$((number + 1))
    name=$(basename "$exe")
    name=${name#fuzz_}
    name=${name%_regress}
    case $name in
    manifest) patterns='*.ini' ;;
    ddl | myddl) patterns='*.sql' ;;
    csv) patterns='*.csv *.tsv' ;;
    json) patterns='*.json' ;;
    *) echo "not ok $number - unknown program $exe"; failed=1; continue ;;
    esac
    list=$(mktemp)
    for pattern in $patterns; do
        find "$data_dir" -type f -name "$pattern" >>"$list"
    done
    [ -d "$regressions_dir/$name" ] && find "$regressions_dir/$name" -type f >>"$list"
    count=$(wc -l <"$list")
    # One process for all inputs; xargs splits only past ARG_MAX.
    if output=$(tr '\n' '\0' <"$list" | xargs -0 "$exe" 2>&1); then
        echo "ok $number - $name: $count inputs"
    else
        echo "not ok $number - $name"
        printf '%s\n' "$output" | sed 's/^/# /' | tail -n 40
        failed=1
    fi
    rm -f "$list"
done
exit $failed
