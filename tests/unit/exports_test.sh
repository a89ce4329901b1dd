#!/bin/sh
# exports_test.sh — libfoster.so and libfoster.a export only foster.h's API
# (issue 11 item 6): every defined global symbol of either library starts
# with foster_, so that nothing of foster's inside (csv_open, diag_add, ...)
# can clash with a name of the program that links it.
#
# Usage: exports_test.sh LIBFOSTER.SO LIBFOSTER.A
set -u
shared=${1:?usage: exports_test.sh LIBFOSTER.SO LIBFOSTER.A}
static=${2:?usage: exports_test.sh LIBFOSTER.SO LIBFOSTER.A}
failures=0

# check WHAT SYMBOLS: fails on each symbol not prefixed foster_, and on a list
# that holds too few foster_ names to be the API (an empty nm output passes
# nothing).
check() {
    what=$1 symbols=$2
    api=$(echo "$symbols" | grep -c '^foster_')
    others=$(echo "$symbols" | grep -v '^foster_' | grep -v '^$')
    if [ "$api" -lt 20 ]; then
        echo "FAIL: $what: only $api foster_ symbols; expected foster.h's API"
        failures=$((failures + 1))
    fi
    if [ -n "$others" ]; then
        echo "FAIL: $what exports $(echo "$others" | wc -l) names without the foster_ prefix:"
        echo "$others" | head -n 20 | sed 's/^/    /'
        failures=$((failures + 1))
    fi
    echo "$what: $api foster_ symbols"
}

# Global defined symbols: nm prints "ADDRESS TYPE NAME"; upper-case types
# other than U (undefined) and w/v (weak undefined) are exported.
check "$shared" "$(nm -D --defined-only "$shared" | awk '$2 ~ /^[A-TV-Z]$/ { print $3 }' | sort -u)"
check "$static" "$(nm --defined-only "$static" | awk 'NF == 3 && $2 ~ /^[A-TV-Z]$/ { print $3 }' | sort -u)"
[ "$failures" -eq 0 ]
