#!/usr/bin/env bash
# mysql_fixtures_test.sh — what CSV and Django JSON fixtures put into MySQL/MariaDB
# columns the text of a file cannot fill as written (BIT), and the errors of a load
# the server refuses, each at its fixture's file:line[:column], with nothing left
# loaded. Each BIT test runs twice: through LOAD DATA LOCAL INFILE and through
# multi-row INSERTs (the server's local_infile off). The server and the helpers:
# mysql_lib.sh.
#
#   usage: mysql_fixtures_test.sh FOSTER_BINARY [NAME_REGEX]

# shellcheck source=SCRIPTDIR/../harness.sh
. "$(dirname "${BASH_SOURCE[0]}")/../harness.sh" "$@"
# shellcheck source=SCRIPTDIR/mysql_lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/mysql_lib.sh"

# shellcheck disable=SC2034 # read by the harness
declare -A EXPECTED_FAILURES=()

# A project in $WORK/p with table t (its schema as the arguments), fixtures/ empty.
make_table_project() { # CREATE_TABLE_SQL
    mkdir -p "$WORK/p/schemas" "$WORK/p/fixtures" && cd "$WORK/p" || fail "no project"
    printf '[foster]\nname = fx\n[table t]\n' >foster.ini
    echo "$1" >schemas/t.sql
}

# Runs QUERY in the test database of `foster run`; its rows (tab-separated) into $ROWS.
run_and_query() { # QUERY
    MYSQL_PWD=$APP_PW foster_my run -- sh -c 'mariadb --no-defaults -h "$MYSQL_HOST" \
        -P "$MYSQL_TCP_PORT" -u app -N -B -e "$1" "$MYSQL_DATABASE" >"$0"' "$WORK/rows" "$1"
    ROWS=$(cat "$WORK/rows" 2>/dev/null)
}

# Runs the test function $1 with LOAD DATA LOCAL (the server's default here), then
# with multi-row INSERTs (local_infile off, as on MySQL 8).
both_methods() { # FUNCTION
    "$1" "LOAD DATA"
    my_admin "SET GLOBAL local_infile = 0"
    ("$1" "INSERT") # a failure exits the subshell: local_infile is put back all the same
    local status=$?
    my_admin "SET GLOBAL local_infile = 1"
    [ "$status" == 0 ] || exit "$status"
}

BIT_TABLE="CREATE TABLE t (id int NOT NULL PRIMARY KEY, flag bit(1), mask bit(8) NOT NULL DEFAULT b'0');"

bit_columns_from_csv() { # METHOD
    make_table_project "$BIT_TABLE"
    printf '%s\n' 'id,flag,mask' '1,1,0' '2,0,255' '3,true,b'"'"'00000101'"'" '4,false,0x1f' \
        '5,TRUE,x'"'"'FF'"'" '6,b'"'"'1'"'"',0b101' '7,0x01,128' '8,,7' >fixtures/t.csv
    run_and_query "SELECT id, flag + 0, mask + 0 FROM t ORDER BY id"
    assert_exit 0
    assert_eq "$(printf '1\t1\t0\n2\t0\t255\n3\t1\t5\n4\t0\t31\n5\t1\t255\n6\t1\t5\n7\t1\t128\n8\tNULL\t7')" \
        "$ROWS" "BIT(1) and BIT(8) from CSV ($1)"
}

test_mysql_bit_columns_take_each_form_from_csv() {
    both_methods bit_columns_from_csv
}

bit_columns_from_json() { # METHOD
    make_table_project "$BIT_TABLE"
    printf '[foster]\nname = fx\n[table t]\nmodel = app.t\nfixtures = t.json\n' >foster.ini
    cat >fixtures/t.json <<'JSON'
[{"model": "app.t", "pk": 1, "fields": {"flag": true, "mask": 255}},
 {"model": "app.t", "pk": 2, "fields": {"flag": false, "mask": "b'0101'"}},
 {"model": "app.t", "pk": 3, "fields": {"flag": 1, "mask": "0x1f"}},
 {"model": "app.t", "pk": 4, "fields": {"flag": null, "mask": "7"}}]
JSON
    run_and_query "SELECT id, flag + 0, mask + 0 FROM t ORDER BY id"
    assert_exit 0
    assert_eq "$(printf '1\t1\t255\n2\t0\t5\n3\t1\t31\n4\tNULL\t7')" "$ROWS" \
        "BIT(1) and BIT(8) from JSON ($1)"
}

test_mysql_bit_columns_take_each_form_from_json() {
    both_methods bit_columns_from_json
}

bit_value_that_fits_no_form() { # METHOD
    make_table_project "$BIT_TABLE"
    printf 'id,flag,mask\n1,1,0\n2,0,256\n' >fixtures/t.csv
    foster_my run -- touch "$WORK/ran"
    assert_exit 125
    assert_contains "$ERR" "error: fixtures/t.csv:3:5: column \"mask\" is BIT(8): \"256\" is not true, false, a number from 0 to 255, b'0101' or 0x1f"
    assert_file_absent "$WORK/ran"
    printf 'id,flag,mask\n1,yes,0\n' >fixtures/t.csv
    foster_my run -- touch "$WORK/ran"
    assert_exit 125
    assert_contains "$ERR" "error: fixtures/t.csv:2:3: column \"flag\" is BIT(1): \"yes\" is not true, false, a number from 0 to 1, b'0101' or 0x1f"
    assert_file_absent "$WORK/ran"
}

test_mysql_bit_value_that_fits_no_form_names_file_line_column() {
    both_methods bit_value_that_fits_no_form
}

# parent (a CHECK, a JSON column) and child (a foreign key), no fixtures yet.
make_keys_project() {
    make_table_project ""
    rm schemas/t.sql
    printf '[foster]\nname = fx\n[table parent]\n[table child]\n' >foster.ini
    cat >schemas/parent.sql <<'SQL'
CREATE TABLE parent (id int NOT NULL PRIMARY KEY, amount int NOT NULL CHECK (amount >= 0), meta json);
SQL
    cat >schemas/child.sql <<'SQL'
CREATE TABLE child (id int NOT NULL PRIMARY KEY, parent_id int,
    CONSTRAINT fk FOREIGN KEY (parent_id) REFERENCES parent (id));
SQL
}

# A refusal that names no row is narrowed down to its row; the message names the
# table, not the test database (dropped by the time it is read).
check_constraints_name_the_line() { # METHOD
    make_keys_project
    printf 'id,amount,meta\n1,5,\n2,6,\n3,-1,\n4,7,\n' >fixtures/parent.csv
    foster_my run -- touch "$WORK/ran"
    assert_exit 125
    assert_eq 'foster: error: fixtures/parent.csv:4: CONSTRAINT `parent.amount` failed for `parent` (error 4025)' \
        "$(tail -n 1 <<<"$ERR")" "a CHECK refused ($1)"
    assert_file_absent "$WORK/ran"
    printf 'id,amount,meta\n1,5,\n2,6,\n3,1,not json\n' >fixtures/parent.csv
    foster_my run -- touch "$WORK/ran"
    assert_exit 125
    # MariaDB words it as LOAD DATA's warning or as the INSERT's CHECK
    local refusal="Syntax error in JSON text in argument 1 to function 'json_valid' at position 1 (error 4038)"
    [ "$1" == INSERT ] && refusal='CONSTRAINT `parent.meta` failed for `parent` (error 4025)'
    assert_eq "foster: error: fixtures/parent.csv:4: $refusal" \
        "$(tail -n 1 <<<"$ERR")" "a JSON column's check refused ($1)"
    assert_file_absent "$WORK/ran"
}

test_mysql_check_constraint_refusal_names_fixture_line() {
    both_methods check_constraints_name_the_line
}

test_mysql_foreign_key_broken_by_a_sql_fixture_names_its_line() {
    make_keys_project
    printf 'id,amount,meta\n1,5,\n' >fixtures/parent.csv
    printf 'INSERT INTO child VALUES (1, 1);\nINSERT INTO child VALUES (2, 99);\n' >fixtures/child.sql
    printf '[foster]\nname = fx\n[table parent]\n[table child]\nfixtures = child.sql\n' >foster.ini
    foster_my run -- touch "$WORK/ran"
    assert_exit 125
    assert_eq 'foster: error: fixtures/child.sql:2:30: insert or update on table "child" violates foreign key constraint "fk": Key (parent_id)=(99) is not present in table "parent"' \
        "$(tail -n 1 <<<"$ERR")" "the foreign key broken"
    assert_file_absent "$WORK/ran"
}

# A data dump listed on one table fills others: the row it breaks is found in it,
# also in a multi-row INSERT with its columns named.
test_mysql_foreign_key_broken_by_a_dump_listed_on_another_table_names_its_line() {
    make_keys_project
    cat >fixtures/all.sql <<'SQL'
INSERT INTO parent VALUES (1, 5, NULL);
INSERT INTO `child` (`parent_id`, `id`) VALUES (1, 1),
  (99, 2);
SQL
    printf '[foster]\nname = fx\n[table parent]\nfixtures = all.sql\n[table child]\n' >foster.ini
    foster_my run -- touch "$WORK/ran"
    assert_exit 125
    assert_eq 'foster: error: fixtures/all.sql:3:4: insert or update on table "child" violates foreign key constraint "fk": Key (parent_id)=(99) is not present in table "parent"' \
        "$(tail -n 1 <<<"$ERR")" "the foreign key broken"
    assert_file_absent "$WORK/ran"
}

run_tests
