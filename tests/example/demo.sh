#!/bin/sh
# The example, twice: the app's test without foster (its tables do not exist:
# it fails with "no such table"), then under `foster run` (it passes).
set -u
foster=${1:-build/foster}
cd "$(dirname "$0")/../.." || exit 1

echo "== without foster: the tables belong to another service, so nothing creates them"
if python3 tests/example/test_transfer.py 2>&1 | grep -m1 "no such table"; then
    echo "== failed as expected"
else
    echo "== unexpected: the test did not fail with 'no such table'" >&2
    exit 1
fi
echo
echo "== with foster: foster run -- python3 tests/example/test_transfer.py"
exec "$foster" run -- python3 tests/example/test_transfer.py
