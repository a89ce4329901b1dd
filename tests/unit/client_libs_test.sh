#!/bin/sh
# client_libs_test.sh — libpq and libmariadb are opened when foster first talks
# to their engine, not when it starts (src/backend/postgres/pqapi.h): neither
# the foster program nor libfoster.so needs them at load time, a SQLite run
# and SQLite's CLI commands never load them, and `foster wait` on a
# postgresql:// or mysql:// URL does (the dynamic loader's own log, LD_DEBUG,
# says which files it opened).
#
# Usage: client_libs_test.sh FOSTER LIBFOSTER.SO
set -u
foster=${1:?usage: client_libs_test.sh FOSTER LIBFOSTER.SO}
shared=${2:?usage: client_libs_test.sh FOSTER LIBFOSTER.SO}
foster=$(cd "$(dirname "$foster")" && pwd)/$(basename "$foster")
failures=0
fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}

for file in "$foster" "$shared"; do
    needed=$(readelf -d "$file" | grep NEEDED)
    [ -n "$needed" ] || fail "$file: readelf shows no NEEDED entry at all"
    echo "$needed" | grep -q 'libpq\|libmariadb' && fail "$file needs $(echo "$needed" | grep -o 'lib[a-z]*\.so[.0-9]*' | grep 'libpq\|libmariadb')"
    echo "$file: needs $(echo "$needed" | grep -o '\[.*\]' | tr '\n' ' ')"
done

work=$(mktemp -d /tmp/foster-client-libs-XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/schemas" "$work/fixtures"
mkdir -m 700 "$work/runtime"
printf '[foster]\nname = libs\n\n[postgres]\nurl = postgresql://localhost/app\n\n[mysql]\nurl = mysql://app@localhost/\n\n[table item]\n' >"$work/foster.ini"
printf 'CREATE TABLE item (id integer PRIMARY KEY, name text);\n' >"$work/schemas/item.sql"
printf 'id,name\n1,one\n' >"$work/fixtures/item.csv"

# loaded COMMAND...: runs COMMAND in the project; sets $status to its exit status and $libs
# to the client libraries the dynamic loader opened for it (its log goes to files)
loaded() {
    rm -f "$work"/ld.*
    (cd "$work" && LD_DEBUG=files LD_DEBUG_OUTPUT="$work/ld" FOSTER_RUNTIME_DIR="$work/runtime" \
        "$@" >/dev/null 2>"$work/stderr")
    status=$?
    libs=$(cat "$work"/ld.* | grep -o 'file=lib\(pq\|mariadb\)\.so[.0-9]*' | sort -u |
        sed 's/file=//' | tr '\n' ' ')
}

# each command must also succeed, or it proves nothing
for command in "up" "load fixtures/item.csv" "reset" "down" "gc" "run -- true" "--version"; do
    case $command in load*) printf 'id,name\n2,two\n' >"$work/fixtures/item.csv" ;; esac
    # shellcheck disable=SC2086 # the command's words
    loaded "$foster" -q -b sqlite $command
    [ "$status" -eq 0 ] || fail "foster $command on sqlite exited $status: $(cat "$work/stderr")"
    [ -z "$libs" ] || fail "foster $command on sqlite loaded $libs"
done
# the same `run` really ran: the file is there while the command runs
(cd "$work" && FOSTER_RUNTIME_DIR="$work/runtime" "$foster" -q -b sqlite run -- sh -c 'test -s "${DATABASE_URL#sqlite:///}"') ||
    fail "foster run on sqlite did not give the command its database"

loaded "$foster" wait --timeout 0 'postgresql://localhost:1/app'
[ "$libs" = "libpq.so.5 " ] || fail "foster wait postgresql:// loaded '$libs', expected libpq.so.5 alone"
loaded "$foster" wait --timeout 0 'mysql://app@127.0.0.1:1/'
[ "$libs" = "libmariadb.so.3 " ] || fail "foster wait mysql:// loaded '$libs', expected libmariadb.so.3 alone"
# check reads the manifest's [postgres] url with libpq, whatever the backend
loaded "$foster" -b sqlite check
[ "$libs" = "libpq.so.5 " ] || fail "foster check loaded '$libs', expected libpq.so.5"

[ "$failures" -eq 0 ] && echo "ok: libpq and libmariadb are opened only when their engine is used"
exit $((failures > 0))
