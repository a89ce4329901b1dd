#!/bin/bash
# install_test.sh — `meson install` into a scratch root (DESTDIR), then each
# installed piece used as a user would, and only the installed piece: the
# CLI, the man pages, bash and zsh completion, foster.mk, the Python package
# foster_django (with only the installed folder on PYTHONPATH) and libfoster
# through pkg-config.
#
#   usage: install_test.sh FOSTER_BINARY BUILD_DIR [SANITIZERS]
#
# SANITIZERS (meson's b_sanitize, e.g. address,undefined): the C program is
# built with them, as the library was.
#
# Output: TAP, then "N passed, M failed"; exit status 0 only when M is 0.

# shellcheck source=SCRIPTDIR/../harness.sh
. "$(dirname "${BASH_SOURCE[0]}")/../harness.sh" "$1"
BUILD=$(cd "$2" && pwd)
SANITIZE_CFLAGS=""
[ "${3:-none}" = none ] || SANITIZE_CFLAGS="-fsanitize=$3"
PYTHON=/usr/bin/python3
export PYTHONDONTWRITEBYTECODE=1

# The installed tree, made once for the suite in before_all.
before_all() {
    DEST=$SUITE_TMP/root
    meson install -C "$BUILD" --destdir "$DEST" --quiet >"$SUITE_TMP/install.log" 2>&1 ||
        { echo "Bail out! meson install failed: $(tail -n5 "$SUITE_TMP/install.log")"; exit 2; }
    PREFIX=$(meson introspect "$BUILD" --buildoptions |
        "$PYTHON" -c 'import json, sys; print([o["value"] for o in json.load(sys.stdin) if o["name"] == "prefix"][0])')
    TOP=$DEST$PREFIX
    INSTALLED_FOSTER=$TOP/bin/foster
    SITE=$(dirname "$(find "$DEST" -path '*/foster_django/__init__.py' | head -n1)")
    SITE=$(dirname "$SITE")
}

describe_suite() { echo "# installed into $TOP"; }

installed() { # PATH under the prefix
    [ -e "$TOP/$1" ] || fail "meson install did not install $PREFIX/$1"
}

test_the_cli_is_installed_and_provisions_the_example() {
    installed bin/foster
    run_installed() { "$INSTALLED_FOSTER" "$@" >"$WORK/.stdout" 2>"$WORK/.stderr"; STATUS=$?; OUT=$(<"$WORK/.stdout"); ERR=$(<"$WORK/.stderr"); }
    run_installed --version
    assert_exit 0
    assert_contains "$OUT$ERR" "0."
    run_installed -c "$ROOT/foster.ini" run -- sh -c 'echo "rows: $(python3 -c "import sqlite3, os; print(sqlite3.connect(os.environ[\"FOSTER_SQLITE_PATH\"]).execute(\"SELECT count(*) FROM trading_account\").fetchone()[0])")"'
    assert_exit 0
    assert_contains "$OUT" "rows: 5"
    assert_contains "$ERR" "foster: teardown: removed test_trading_"
    assert_runtime_empty
}

test_the_man_pages_are_installed_and_render() {
    installed share/man/man1/foster.1
    installed share/man/man5/foster.ini.5
    local page
    page=$(MANWIDTH=100 man -l "$TOP/share/man/man1/foster.1" 2>&1)
    assert_contains "$page" "foster - give a test suite the database tables it reads but does not own"
    assert_contains "$page" "EXIT STATUS"
    assert_contains "$page" "foster run [--keep | --keep-on-failure] [--jobs N] [--] CMD [ARGS...]"
    page=$(MANWIDTH=100 man -l "$TOP/share/man/man5/foster.ini.5" 2>&1)
    assert_contains "$page" "foster.ini - the manifest of foster(1)"
    assert_contains "$page" "[table NAME]"
}

test_bash_completion_completes_commands_and_backends() {
    installed share/bash-completion/completions/foster
    local out
    out=$(bash -c '. "$1"
        COMP_WORDS=(foster r); COMP_CWORD=1; _foster; echo "${COMPREPLY[*]}"
        COMP_WORDS=(foster -b c); COMP_CWORD=2; _foster; echo "${COMPREPLY[*]}"
        COMP_WORDS=(foster help d); COMP_CWORD=2; _foster; echo "${COMPREPLY[*]}"' \
        _ "$TOP/share/bash-completion/completions/foster")
    assert_eq $'run reset\ncluster container\ndown diff' "$out" "completions"
}

test_zsh_completion_is_installed_and_parses() {
    local file
    file=$(find "$TOP/share/zsh" -name _foster | head -n1)
    [ -n "$file" ] || fail "no _foster under $PREFIX/share/zsh"
    command -v zsh >/dev/null || skip "zsh is not installed"
    zsh -n "$file" || fail "zsh cannot parse $file"
    assert_eq "#compdef foster" "$(head -n1 "$file")" "first line"
}

test_foster_django_imports_from_the_installed_folder_alone() {
    [ -n "$SITE" ] || fail "foster_django was not installed"
    local expected got
    expected=$(cd "$ROOT/contrib/django" && find foster_django -name '*.py' | LC_ALL=C sort)
    got=$(cd "$SITE" && find foster_django -name '*.py' | LC_ALL=C sort)
    assert_eq "$expected" "$got" "installed modules (contrib/django/meson.build lists each)"
    got=$(cd "$WORK" && env -u PYTHONPATH PYTHONPATH="$SITE" "$PYTHON" -c \
        'import foster_django, foster_django.runner, foster_django.pytest_plugin; print(foster_django.__file__)')
    assert_eq "$SITE/foster_django/__init__.py" "$got" "foster_django imported from"
    # Installed for real (no DESTDIR), the folder is one the system's Python reads.
    "$PYTHON" -c 'import sys; sys.exit(0 if sys.argv[1] in sys.path else 1)' "${SITE#"$DEST"}" ||
        fail "${SITE#"$DEST"} is not on $PYTHON's sys.path: $("$PYTHON" -c 'import sys; print(sys.path)')"
}

test_the_django_example_runs_on_the_installed_package_and_cli() {
    cp -R "$ROOT/contrib/django/example" "$WORK/example" # away from contrib/django's source package
    (cd "$WORK/example" && FOSTER=$INSTALLED_FOSTER PYTHONPATH=$SITE "$PYTHON" -c \
        'import foster_django, sys; sys.exit(0 if foster_django.__file__.startswith(sys.argv[1]) else 1)' "$SITE") ||
        fail "the example does not import the installed foster_django"
    (cd "$WORK/example" && FOSTER=$INSTALLED_FOSTER PYTHONPATH=$SITE "$PYTHON" manage.py test \
        --foster-config "$ROOT/contrib/django/example/foster.ini") >"$WORK/out" 2>&1 ||
        fail "manage.py test failed: $(cat "$WORK/out")"
    assert_contains "$(cat "$WORK/out")" $'\nOK'
    assert_runtime_empty
}

test_foster_mk_runs_the_tests_under_the_installed_cli() {
    installed share/foster/foster.mk
    cat >"$WORK/Makefile" <<EOF
FOSTER = $INSTALLED_FOSTER
FOSTER_CONFIG = $ROOT/foster.ini
TEST_CMD = $PYTHON $ROOT/tests/example/test_transfer.py
include $TOP/share/foster/foster.mk
EOF
    make --no-print-directory -C "$WORK" test-with-db >"$WORK/out" 2>&1 || fail "make failed: $(cat "$WORK/out")"
    assert_contains "$(cat "$WORK/out")" "foster: teardown: removed test_trading_"
    assert_contains "$(cat "$WORK/out")" $'\nOK'
    assert_runtime_empty
}

test_a_c_program_builds_with_pkg_config_and_provisions() {
    local pc
    pc=$(dirname "$(find "$DEST" -name foster.pc | head -n1)")
    [ -d "$pc" ] || fail "no foster.pc installed"
    PKG_CONFIG_PATH=$pc PKG_CONFIG_SYSROOT_DIR=$DEST \
        cc $SANITIZE_CFLAGS -o "$WORK/example" "$DATA/library/example.c" \
        $(PKG_CONFIG_PATH=$pc PKG_CONFIG_SYSROOT_DIR=$DEST pkg-config --cflags --libs foster) -lsqlite3 ||
        fail "cc with pkg-config foster failed"
    local out
    out=$(LD_LIBRARY_PATH=$(dirname "$pc") "$WORK/example" "$ROOT/foster.ini") || fail "the program failed: $out"
    assert_contains "$out" "has 4 users"
}

run_tests
