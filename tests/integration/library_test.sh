#!/bin/bash
# libfoster as a user gets it: `meson install` into a scratch root, then a
# C program built with `pkg-config foster` (shared, then static) provisions
# the example through it.
# usage: library_test.sh BUILD_DIR [SANITIZERS]   (SANITIZERS as meson's b_sanitize)
set -u
build=$1
sanitize=${2:-none}
cflags=""
[ "$sanitize" = none ] || cflags="-fsanitize=$sanitize"
root=${FOSTER_SOURCE_ROOT:?}
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
passed=0 failed=0

check() { # name, command...
    local name=$1; shift
    if out=$("$@" 2>&1); then
        echo "ok - $name"; passed=$((passed + 1))
    else
        echo "not ok - $name"; printf '%s\n' "$out" | sed 's/^/#   /'; failed=$((failed + 1))
    fi
}

check install_puts_header_library_and_pkgconfig_file \
    sh -c "meson install -C '$build' --destdir '$scratch/root' --quiet >/dev/null &&
           find '$scratch/root' -name foster.h | grep -q . &&
           find '$scratch/root' -name foster_check.h | grep -q . &&
           find '$scratch/root' -name 'libfoster.so*' | grep -q . &&
           find '$scratch/root' -name libfoster.a | grep -q . &&
           find '$scratch/root' -name foster.pc | grep -q ."

pc_dir=$(dirname "$(find "$scratch/root" -name foster.pc | head -n1)")
prefix=$(sed -n 's/^prefix=//p' "$pc_dir/foster.pc")
pkg() { PKG_CONFIG_PATH=$pc_dir pkg-config --define-variable=prefix="$scratch/root$prefix" "$@"; }

check shared_library_exports_only_the_api \
    sh -c "! nm -D --defined-only $(find "$scratch/root" -name 'libfoster.so' | head -n1) |
           awk '\$2 == \"T\" {print \$3}' | grep -v '^foster_'"

check program_built_with_pkgconfig_runs_against_shared_library \
    sh -c "cc $cflags -o '$scratch/shared' '$root/tests/data/library/example.c' $(pkg --cflags --libs foster) -lsqlite3 &&
           LD_LIBRARY_PATH='$(dirname "$(find "$scratch/root" -name 'libfoster.so' | head -n1)")' \
           '$scratch/shared' '$root/foster.ini' | grep -q 'sqlite:///:memory: has 4 users'"

# The archive itself, then (shared) the libraries foster.pc says it needs (Requires.private).
check program_built_static_runs \
    sh -c "cc $cflags -o '$scratch/static' '$root/tests/data/library/example.c' $(pkg --cflags foster) \
           $(find "$scratch/root" -name libfoster.a | head -n1) \
           $(pkg-config --libs $(pkg --print-requires-private foster)) &&
           '$scratch/static' '$root/foster.ini' | grep -q 'has 4 users'"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
