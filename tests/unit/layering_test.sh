#!/bin/sh
# layering_test.sh — the layers of src/ point one way: a file may include a
# header of its own folder or of a layer below its own, never one above nor
# one beside it (backend/sqlite and backend/postgres do not include each
# other). Every `#include "..."` of src/ and include/foster/ is checked.
#
# Usage: layering_test.sh SOURCE_ROOT
#
# LAYERS is the one place the order is written, bottom first: one line per
# rank, folders on one line are siblings. include/foster (the public API,
# foster.h) sits right under core, which implements it. A folder of src/ that
# is not listed fails the test: a new folder must be given its place here (and
# in src/meson.build, whose include directories enforce the same order).
set -u
root=${1:-${FOSTER_SOURCE_ROOT:?usage: layering_test.sh SOURCE_ROOT}}

LAYERS='
src/util
src/sql
src/translate
src/manifest
src/drift
src/backend
src/backend/sqlite src/backend/postgres src/backend/mysql
src/backend/registry
src/fixtures
include/foster
src/core
src/cli
'

# Known upward includes, "file header": each must be listed with the item of
# issue 11 that removes it, and each listed one must still exist (so that the
# list shrinks as they go).
EXCEPTIONS='
src/manifest/manifest.c backend_kinds.h
src/manifest/manifest_keys.c backend_kinds.h
'
# - manifest.c and manifest_keys.c: the manifest validates `backend =` and
#   takes its default from the registry of kinds (src/backend/registry), the
#   one list of engine names; backend_kinds.h declares only functions on an
#   incomplete type. Removed when the manifest hands the name to the session
#   unchecked, or the kinds declare their own manifest sections.

cd "$root" || exit 2

# One awk pass: LAYERS and EXCEPTIONS, then every header's folder, then every
# quoted include as "file:line:#include "name"" (from grep -n).
files=$(find src include -type f \( -name '*.c' -o -name '*.h' \) | sort)
[ -n "$files" ] || { echo "FAIL: no source under $root/src"; exit 1; }
# shellcheck disable=SC2086 # one word per path; paths have no spaces
{
    echo "$LAYERS" | sed 's/^/L /'
    echo "$EXCEPTIONS" | sed 's/^/E /'
    for f in $files; do echo "F $f"; done
    grep -Hn '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' $files | sed 's/^/I /'
} | awk '
function dir_of(path) { sub(/\/[^\/]*$/, "", path); return path }
function base_of(path) { sub(/.*\//, "", path); return path }
function fail(msg) { print "FAIL: " msg; failures++ }
$1 == "L" && NF > 1 { rank_count++; for (i = 2; i <= NF; i++) rank[$i] = rank_count; next }
$1 == "E" && NF == 3 { exception[$2 " " $3] = 1; next }
$1 == "F" {
    d = dir_of($2)
    if (!(d in rank) && !(d in reported)) { fail(d ": folder has no layer (add it to LAYERS)"); reported[d] = 1 }
    if ($2 ~ /\.h$/) {
        b = base_of($2)
        if (b in header) fail("header name " b " used twice: " header[b] " and " $2)
        header[b] = $2
    }
    next
}
$1 == "I" {
    line = substr($0, 3)
    split(line, part, ":"); file = part[1]; lineno = part[2]
    name = line; sub(/^[^"]*"/, "", name); sub(/".*$/, "", name)
    checked++
    d = dir_of(file)
    if (!(d in rank)) next
    if (!(name in header)) { fail(file ":" lineno ": includes \"" name "\", no header of src/ or include/"); next }
    target = header[name]; td = dir_of(target)
    if (td == d || rank[td] < rank[d]) next
    if ((file " " name) in exception) {
        used[file " " name] = 1
        print "known exception: " file ":" lineno " includes " target
        next
    }
    if (rank[td] == rank[d]) fail(file ":" lineno ": includes " target ", a sibling layer (" td " beside " d ")")
    else fail(file ":" lineno ": includes " target ", an upper layer (" td " above " d ")")
}
END {
    for (e in exception)
        if (!(e in used)) fail("exception \"" e "\" no longer occurs: remove it from EXCEPTIONS")
    if (checked == 0) fail("no include found under src/")
    print checked " includes checked, " failures + 0 " failures"
    exit failures > 0
}'
