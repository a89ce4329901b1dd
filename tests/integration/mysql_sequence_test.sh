#!/usr/bin/env bash
# mysql_sequence_test.sh — a MariaDB SEQUENCE a table's default draws from
# (DEFAULT nextval(seq)), as the owner's real mariadb-dump writes it:
# qualified with the owner's database. foster's test database gets a
# sequence of its own, in the state the dump gives it; the owner's sequence
# is never advanced; reset and --jobs copies hold it; a reference to another
# database the dump does not create is refused at its place. The server and
# the helpers: mysql_lib.sh.
#
#   usage: mysql_sequence_test.sh FOSTER_BINARY [NAME_REGEX]

# shellcheck source=SCRIPTDIR/../harness.sh
. "$(dirname "${BASH_SOURCE[0]}")/../harness.sh" "$@"
# shellcheck source=SCRIPTDIR/mysql_lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/mysql_lib.sh"

# shellcheck disable=SC2034 # read by the harness
declare -A EXPECTED_FAILURES=()

DUMP_TOOL=$(command -v mariadb-dump || command -v mysqldump || echo mariadb-dump)

# The owner's database `seqowner`: invoice draws its key from invoice_seq (start 100, by 5),
# one row inserted (so the sequence's next value is past its start), dumped whole.
owner_project() {
    command -v "$DUMP_TOOL" >/dev/null || skip "no mariadb-dump"
    my_admin "DROP DATABASE IF EXISTS seqowner; CREATE DATABASE seqowner"
    my_admin "CREATE SEQUENCE invoice_seq START WITH 100 INCREMENT BY 5 CACHE 0;
              CREATE TABLE invoice (no bigint NOT NULL DEFAULT nextval(invoice_seq) PRIMARY KEY,
                                    amt int);
              INSERT INTO invoice (amt) VALUES (7)" seqowner
    mkdir -p "$WORK/p/schemas" && cd "$WORK/p" || fail "no project"
    "$DUMP_TOOL" --no-defaults --no-data -uroot --socket="$SERVER_SOCKET" seqowner >schemas/dump.sql ||
        fail "mariadb-dump failed"
    grep -q 'nextval(`seqowner`.`invoice_seq`)' schemas/dump.sql ||
        fail "the dump does not qualify the sequence: $(grep -n nextval schemas/dump.sql)"
    printf '[foster]\nname = seq\nschema_dump = dump.sql\n[table invoice]\n' >foster.ini
}

owner_next_value() {
    my_admin "SELECT next_not_cached_value FROM seqowner.invoice_seq"
}

# The defaults of database $1 that name a sequence, one "table.column: default" a line.
sequence_defaults() { # DATABASE
    my_admin "SELECT CONCAT(TABLE_NAME, '.', COLUMN_NAME, ': ', COLUMN_DEFAULT)
              FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = '$1'
              AND COLUMN_DEFAULT LIKE '%val(%' ORDER BY 1"
}

test_sequence_default_draws_from_foster_s_own_sequence_not_the_owner_s() {
    owner_project
    local before
    before=$(owner_next_value)
    assert_eq 105 "$before" "the owner's sequence after its one row"
    foster_my up
    assert_exit 0
    DB=$(export_value "$OUT" MYSQL_DATABASE)
    assert_eq SEQUENCE "$(my_admin "SELECT TABLE_TYPE FROM information_schema.TABLES WHERE TABLE_SCHEMA = '$DB' AND TABLE_NAME = 'invoice_seq'")" \
        "the test database's own sequence"
    my_admin "INSERT INTO invoice (amt) VALUES (1), (2)" "$DB"
    assert_eq "105 110" "$(my_admin "SELECT no FROM invoice ORDER BY no" "$DB" | xargs)" \
        "keys from the test database's sequence, in the dump's state"
    assert_eq "$before" "$(owner_next_value)" "the owner's sequence after the test's inserts"
    assert_eq 1 "$(my_admin "SELECT COUNT(*) FROM seqowner.invoice")" "the owner's rows"
    foster_my down
    assert_exit 0
    my_admin "DROP DATABASE seqowner"
}

test_jobs_copies_hold_their_own_sequence() {
    owner_project
    foster_my --jobs 2 up
    assert_exit 0
    DB=$(export_value "$OUT" MYSQL_DATABASE)
    my_admin "INSERT INTO invoice (amt) VALUES (1)" "$DB"
    local copy
    for copy in "${DB}_1" "${DB}_2"; do
        assert_eq SEQUENCE "$(my_admin "SELECT TABLE_TYPE FROM information_schema.TABLES WHERE TABLE_SCHEMA = '$copy' AND TABLE_NAME = 'invoice_seq'")" \
            "the sequence in $copy"
        my_admin "INSERT INTO invoice (amt) VALUES (1)" "$copy"
        assert_eq 105 "$(my_admin "SELECT MAX(no) FROM invoice" "$copy")" "the first key in $copy"
    done
    assert_eq 105 "$(owner_next_value)" "the owner's sequence"
    foster_my reset
    assert_exit 0
    my_admin "INSERT INTO invoice (amt) VALUES (2)" "$DB"
    assert_eq 105 "$(my_admin "SELECT no FROM invoice" "$DB")" "the first key after reset"
    assert_eq "invoice.no: nextval(\`$DB\`.\`invoice_seq\`)" "$(sequence_defaults "$DB")" \
        "the default after reset"
    for copy in "${DB}_1" "${DB}_2"; do
        assert_eq "invoice.no: nextval(\`$copy\`.\`invoice_seq\`)" "$(sequence_defaults "$copy")" \
            "the default in $copy after reset"
        my_admin "INSERT INTO invoice (amt) VALUES (2)" "$copy"
        assert_eq 110 "$(my_admin "SELECT MAX(no) FROM invoice" "$copy")" "the next key in $copy"
    done
    foster_my down
    assert_exit 0
    my_admin "DROP DATABASE seqowner"
}

test_reset_restores_the_sequence() {
    owner_project
    foster_my up
    assert_exit 0
    DB=$(export_value "$OUT" MYSQL_DATABASE)
    my_admin "INSERT INTO invoice (amt) VALUES (1)" "$DB"
    foster_my reset
    assert_exit 0
    my_admin "INSERT INTO invoice (amt) VALUES (3)" "$DB"
    assert_eq 105 "$(my_admin "SELECT no FROM invoice" "$DB")" "the first key after reset"
    assert_eq "invoice.no: nextval(\`$DB\`.\`invoice_seq\`)" "$(sequence_defaults "$DB")" \
        "the default after reset"
    foster_my reset
    assert_exit 0
    my_admin "INSERT INTO invoice (amt) VALUES (4)" "$DB"
    assert_eq 105 "$(my_admin "SELECT no FROM invoice" "$DB")" "the first key after a second reset"
    assert_eq 105 "$(owner_next_value)" "the owner's sequence"
    foster_my down
    assert_exit 0
    my_admin "DROP DATABASE seqowner"
}

test_a_sequence_of_another_database_is_refused_at_its_place() {
    owner_project
    sed -i 's/nextval(`seqowner`.`invoice_seq`)/nextval(`billing`.`invoice_seq`)/' schemas/dump.sql
    sed -i '/^-- Host:/d; /^CREATE SEQUENCE/d; /^DO SETVAL/d' schemas/dump.sql
    local line column
    line=$(grep -n 'nextval(`billing`' schemas/dump.sql | cut -d: -f1)
    column=$(($(grep 'nextval(`billing`' schemas/dump.sql | awk '{print index($0, "`billing`")}')))
    my_admin "DROP DATABASE seqowner"
    foster_my check
    assert_exit 1
    assert_contains "$ERR" "schemas/dump.sql:$line:$column: names \`billing\`.\`invoice_seq\`, which is in another database; foster creates only its own"
    assert_contains "$ERR" "hint:"
    foster_my run -- true
    assert_exit 125
    assert_contains "$ERR" "schemas/dump.sql:$line:$column:"
    assert_eq "" "$(databases | grep '^test_seq' || true)" "a test database"
}

run_tests
