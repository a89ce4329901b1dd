#!/usr/bin/env bash
# drift_mysql_test.sh — `foster snapshot` and `foster diff` against a real
# MariaDB "owner" database: a snapshot through mariadb-dump --no-data (and,
# without a dump tool, SHOW CREATE TABLE), then each kind of change made on
# the owner and found by diff with the right table, object and file:line; no
# drift on a fresh snapshot; files foster does not know never overwritten;
# nothing written to the owner (a read-only user, and the server's general
# log).
#
#   usage: drift_mysql_test.sh FOSTER_BINARY [NAME_REGEX]
#
# The runner starts ONE private MariaDB server (mariadb-install-db in a
# private directory, its own socket and port, every statement in its general
# log); each test builds its own owner database from
# tests/data/drift_mysql/owner.sql and copies the project
# tests/data/drift_mysql/project into $WORK. Without mariadbd or mariadb-dump
# every test is reported SKIP and the script exits 77.

# shellcheck source=SCRIPTDIR/../harness.sh
. "$(dirname "${BASH_SOURCE[0]}")/../harness.sh" "$@"
CASES=$DATA/drift_mysql

# shellcheck source=SCRIPTDIR/mariadb_server.sh
. "$(dirname "${BASH_SOURCE[0]}")/mariadb_server.sh"
READER_PW='r3ad:only@pw'
READER_PW_URL='r3ad%3Aonly%40pw'

# ---------------------------------------------------------------------------
# The server.

before_all() {
    command -v mariadb-dump >/dev/null || skip_all "no mariadb-dump; install mariadb-client"
    start_mariadb_server foster-drift-my --general-log=1 --general-log-file=@DIR@/general.log
}

after_all() {
    stop_mariadb_server
}

describe_suite() {
    echo "# MariaDB $("$MARIADBD" --version 2>/dev/null | awk '{print $3}'), $(mariadb-dump --version 2>/dev/null | awk '{print $1, $2, $3}')"
}

before_each() {
    RUNTIME=$(mktemp -d "$WORK/runtime.XXXXXX")
    OWNER_DB=owner_$(basename "$WORK" | tr -dc 'a-z0-9' | tail -c 12)
    # The owner, and a user that may only read it (what a snapshot needs).
    my_admin "CREATE DATABASE $OWNER_DB" &&
        my_admin "$(cat "$CASES/owner.sql")" "$OWNER_DB" &&
        my_admin "CREATE USER reader_$OWNER_DB@'%' IDENTIFIED BY '$READER_PW';
                  GRANT SELECT, SHOW VIEW, TRIGGER ON $OWNER_DB.* TO reader_$OWNER_DB@'%'"
}

prepare_environment() {
    unset MYSQL_HOST MYSQL_TCP_PORT MYSQL_UNIX_PORT MYSQL_PWD
    export OWNER_DB OWNER_URL="mysql://reader_$OWNER_DB:$READER_PW_URL@127.0.0.1:$SERVER_PORT/$OWNER_DB"
    cp -R "$CASES/project/." "$WORK/"
}

after_each() {
    my_admin "DROP DATABASE IF EXISTS $OWNER_DB; DROP USER IF EXISTS reader_$OWNER_DB@'%'" \
        >/dev/null 2>&1 || leftover "cannot drop $OWNER_DB"
    report_runtime_left "$(ls -A "$RUNTIME" 2>/dev/null)"
}

# ---------------------------------------------------------------------------
# Helpers.

owner_sql() { # SQL: a change on the owner, as root
    my_admin "$1" "$OWNER_DB" >/dev/null || fail "the owner refused: $1"
}

snapshot() { # [ARGS...]: a snapshot that must succeed
    run_foster snapshot --from "$OWNER_URL" "$@"
    assert_exit 0
}

# Each difference of the last `diff --json` as "table|kind|object|change|aspect|file:line".
differences() {
    printf '%s\n' "$OUT" | python3 -c 'import json, sys
doc = json.load(sys.stdin)
for d in doc["differences"]:
    print("|".join(str(d[k]) if d[k] is not None else "" for k in
                   ("table", "kind", "object", "change", "aspect")) + "|%s:%d" % (d["file"], d["line"]))'
}

line_of() { # FILE ERE: the line of FILE holding the first match of ERE
    grep -nE -- "$2" "$1" | head -n 1 | cut -d: -f1
}

# After a snapshot: SQL on the owner, and diff finds exactly EXPECTED.
expect_drift() { # SQL EXPECTED
    owner_sql "$1"
    run_foster diff --against "$OWNER_URL" --json
    assert_exit 1
    assert_eq "$2" "$(differences)" "the differences found"
    run_foster diff --against "$OWNER_URL"
    assert_exit 1
    assert_contains "$ERR" "foster: diff: the schema files and the owner differ"
    assert_not_contains "$OUT$ERR" "$READER_PW" "diff's output"
}

# The general log's statements from line FROM on, without the test's own (root's).
statements_since() { # FROM
    tail -n +"$1" "$SERVER_DIR/general.log" | grep -E '^\s*([0-9: ]+)?\s*[0-9]+ (Query|Connect)'
}

# ===========================================================================

test_snapshot_writes_each_tables_file_through_mariadb_dump() {
    snapshot
    assert_eq "auth_user.sql trading_account.sql" "$(ls schemas | tr '\n' ' ' | sed 's/ $//')" "the files written"
    local account=schemas/trading_account.sql
    assert_eq "-- foster snapshot of table trading_account" "$(head -n 1 $account)"
    assert_contains "$(sed -n 2p $account)" "from mariadb-dump --no-data --single-transaction;"
    assert_contains "$(cat $account)" "CREATE TABLE \`trading_account\` ("
    assert_contains "$(cat $account)" "\`feeling\` enum('sad','ok','happy') DEFAULT NULL,"
    assert_contains "$(cat $account)" "CONSTRAINT \`balance_not_negative\` CHECK (\`balance\` >= 0)"
    assert_not_contains "$(cat schemas/*.sql)" "AUTO_INCREMENT=" "the next keys"
    assert_not_contains "$(cat schemas/*.sql)" "audit_log" "the schema files"
    assert_not_contains "$(cat schemas/*.sql)$OUT$ERR" "$READER_PW" "the files and output"
    assert_contains "$ERR" "foster: snapshot: schemas/auth_user.sql created"
    run_foster schema
    assert_exit 0
    assert_contains "$OUT" "table trading_account (schemas/trading_account.sql:"
}

test_fresh_snapshot_shows_no_drift_and_check_writes_nothing() {
    snapshot
    run_foster diff --against "$OWNER_URL"
    assert_exit 0
    assert_eq "" "$OUT" "stdout"
    assert_eq "foster: diff: no drift" "$ERR"
    # New rows change AUTO_INCREMENT, not the schema.
    owner_sql "INSERT INTO auth_user (username) VALUES ('carol')"
    run_foster snapshot --from "$OWNER_URL" --check
    assert_exit 0
    assert_contains "$ERR" "schemas/trading_account.sql unchanged"
    local before
    before=$(cat schemas/*.sql | md5sum)
    owner_sql "ALTER TABLE auth_user ADD COLUMN nickname varchar(20) DEFAULT NULL"
    run_foster snapshot --from "$OWNER_URL" --check
    assert_exit 1
    assert_contains "$ERR" "foster: snapshot: schemas/auth_user.sql would be rewritten"
    assert_eq "$before" "$(cat schemas/*.sql | md5sum)" "the files after --check"
    snapshot
    assert_contains "$(cat schemas/auth_user.sql)" "\`nickname\` varchar(20) DEFAULT NULL"
}

test_snapshot_and_diff_never_write_to_the_owner() {
    local from
    from=$(($(wc -l <"$SERVER_DIR/general.log") + 1))
    snapshot
    run_foster diff --against "$OWNER_URL"
    assert_exit 0
    local statements
    statements=$(statements_since "$from")
    assert_contains "$statements" "reader_$OWNER_DB@" "the dump's connection"
    assert_contains "$statements" "START TRANSACTION" "the dump's statements"
    assert_no_match "$statements" 'Query\s+(INSERT|UPDATE|DELETE|REPLACE|CREATE|ALTER|DROP|TRUNCATE|RENAME|GRANT|FLUSH|LOCK)' \
        "the dump's statements"
    # The user may only read: a dump that wrote would have been refused.
    assert_eq "GRANT SELECT, SHOW VIEW, TRIGGER ON \`$OWNER_DB\`.* TO \`reader_$OWNER_DB\`@\`%\`" \
        "$(my_admin "SHOW GRANTS FOR reader_$OWNER_DB@'%'" | tail -n 1)" "the reader's grants"
    run_foster snapshot --help
    assert_contains "$OUT" "mariadb-dump"
}

test_snapshot_refuses_a_file_foster_does_not_know() {
    mkdir schemas
    printf 'CREATE TABLE auth_user (id int PRIMARY KEY);\n' >schemas/auth_user.sql
    run_foster snapshot --from "$OWNER_URL"
    assert_exit 2
    assert_contains "$ERR" "foster: error: schemas/auth_user.sql:1: not overwritten: neither foster snapshot nor a dump tool"
    assert_eq "CREATE TABLE auth_user (id int PRIMARY KEY);" "$(cat schemas/auth_user.sql)" "the hand-written file"
    assert_file_absent schemas/trading_account.sql
    # A file mariadb-dump wrote is one foster knows.
    mariadb-dump --no-defaults --no-data -uroot --socket="$SERVER_SOCKET" "$OWNER_DB" auth_user >schemas/auth_user.sql
    snapshot
    assert_eq "-- foster snapshot of table auth_user" "$(head -n 1 schemas/auth_user.sql)"
}

test_snapshot_of_a_table_the_owner_lacks_fails() {
    owner_sql "DROP TABLE trading_account"
    run_foster snapshot --from "$OWNER_URL"
    assert_exit 125
    assert_contains "$ERR" "table trading_account is not in the owner's database"
    assert_file_absent schemas
}

# ---- each kind of change

test_diff_finds_a_not_null_column_the_owner_added() {
    snapshot
    expect_drift "ALTER TABLE trading_account ADD COLUMN nickname varchar(20) NOT NULL DEFAULT ''" \
        "trading_account|column|nickname|missing||schemas/trading_account.sql:$(line_of schemas/trading_account.sql '^CREATE TABLE `trading_account`')"
    assert_contains "$OUT" "+varchar(20) NOT NULL DEFAULT ''"
}

test_diff_finds_a_widened_type() {
    snapshot
    expect_drift "ALTER TABLE auth_user MODIFY username varchar(200) NOT NULL" \
        "auth_user|column|username|changed|type|schemas/auth_user.sql:$(line_of schemas/auth_user.sql '^  `username`')"
    assert_contains "$OUT" $'-varchar(150)\n+varchar(200)'
}

test_diff_finds_a_dropped_index() {
    snapshot
    expect_drift "ALTER TABLE trading_account DROP INDEX trading_account_name" \
        "trading_account|index|trading_account_name|extra||schemas/trading_account.sql:$(line_of schemas/trading_account.sql '^  KEY `trading_account_name`')"
}

test_diff_finds_a_renamed_constraint() {
    snapshot
    expect_drift "ALTER TABLE trading_account DROP CONSTRAINT balance_not_negative, ADD CONSTRAINT balance_ok CHECK (balance >= 0)" \
        "trading_account|check|balance >= 0|changed|name|schemas/trading_account.sql:$(line_of schemas/trading_account.sql 'CONSTRAINT `balance_not_negative`')"
}

test_diff_finds_a_new_enum_value() {
    snapshot
    expect_drift "ALTER TABLE trading_account MODIFY feeling enum('sad','ok','happy','ecstatic') DEFAULT NULL" \
        "trading_account|column|feeling|changed|type|schemas/trading_account.sql:$(line_of schemas/trading_account.sql '^  `feeling`')"
    assert_contains "$OUT" "+enum('sad', 'ok', 'happy', 'ecstatic')"
}

test_diff_finds_a_changed_default() {
    snapshot
    expect_drift "ALTER TABLE trading_account ALTER COLUMN balance SET DEFAULT 10" \
        "trading_account|column|balance|changed|default|schemas/trading_account.sql:$(line_of schemas/trading_account.sql '^  `balance`')"
}

test_diff_finds_a_removed_foreign_key() {
    snapshot
    expect_drift "ALTER TABLE trading_account DROP FOREIGN KEY trading_account_owner" \
        "trading_account|foreign key|trading_account_owner|extra||schemas/trading_account.sql:$(line_of schemas/trading_account.sql 'CONSTRAINT `trading_account_owner`')"
}

test_diff_finds_a_dropped_table() {
    snapshot
    expect_drift "DROP TABLE trading_account" \
        "trading_account|table||extra||schemas/trading_account.sql:$(line_of schemas/trading_account.sql '^CREATE TABLE `trading_account`')"
}

# ---- without a server, and without a dump tool

test_diff_against_dir_compares_mysql_snapshots_and_hand_written_ddl() {
    snapshot
    cp -R schemas published
    run_foster diff --against-dir published
    assert_exit 0
    mkdir hand
    cat >hand/auth_user.sql <<'SQL'
-- The owner's table written by hand: other spellings of the same types and keys.
CREATE TABLE auth_user (
    id INTEGER NOT NULL AUTO_INCREMENT,
    username VARCHAR(150) NOT NULL,
    email varchar(254),
    PRIMARY KEY (id),
    UNIQUE KEY auth_user_username (username)
) ENGINE=InnoDB;
SQL
    cp schemas/trading_account.sql hand/
    run_foster diff --against-dir hand
    assert_exit 0
    sed -i 's/VARCHAR(150)/VARCHAR(160)/' hand/auth_user.sql
    run_foster diff --against-dir hand --json
    assert_exit 1
    assert_eq "auth_user|column|username|changed|type|schemas/auth_user.sql:$(line_of schemas/auth_user.sql '^  `username`')" \
        "$(differences)"
    assert_contains "$OUT" '"their_file": "hand/auth_user.sql", "their_line": 4'
}

test_without_a_dump_tool_snapshot_reads_show_create_table_read_only() {
    snapshot
    mv schemas published
    mkdir no-dump-tool
    PATH=$WORK/no-dump-tool command -v mariadb-dump mysqldump && fail "a dump tool is still found"
    local from
    from=$(($(wc -l <"$SERVER_DIR/general.log") + 1))
    PATH=$WORK/no-dump-tool run_foster snapshot --from "$OWNER_URL"
    assert_exit 0
    assert_contains "$(sed -n 2p schemas/auth_user.sql)" "from SHOW CREATE TABLE (no mariadb-dump or mysqldump found), in a read-only transaction;"
    assert_contains "$(cat schemas/trading_account.sql)" "CREATE TABLE \`trading_account\` ("
    assert_not_contains "$(cat schemas/*.sql)" "AUTO_INCREMENT=" "the next keys"
    local statements
    statements=$(statements_since "$from")
    assert_contains "$statements" "START TRANSACTION READ ONLY"
    assert_contains "$statements" "SHOW CREATE TABLE \`trading_account\`"
    assert_no_match "$statements" 'Query\s+(INSERT|UPDATE|DELETE|REPLACE|CREATE|ALTER|DROP|TRUNCATE|RENAME|GRANT|FLUSH|LOCK)' \
        "the statements"
    run_foster diff --against-dir published
    assert_exit 0
    assert_eq "foster: diff: no drift" "$ERR"
    PATH=$WORK/no-dump-tool run_foster diff --against "$OWNER_URL"
    assert_exit 0
    owner_sql "ALTER TABLE auth_user MODIFY username varchar(200) NOT NULL"
    PATH=$WORK/no-dump-tool run_foster diff --against "$OWNER_URL" --json
    assert_exit 1
    assert_eq "auth_user|column|username|changed|type|schemas/auth_user.sql:$(line_of schemas/auth_user.sql '^  `username`')" \
        "$(differences)"
}

test_an_unreachable_owner_or_a_url_without_database_fails_without_the_password() {
    snapshot
    run_foster diff --against "mysql://reader:s3cret-pw@127.0.0.1:1/nothing"
    assert_exit 125
    assert_contains "$ERR" "foster: error: mariadb-dump of mysql://reader:***@127.0.0.1:1/nothing failed"
    assert_not_contains "$OUT$ERR" "s3cret-pw"
    run_foster diff --against "mysql://reader:s3cret-pw@127.0.0.1:$SERVER_PORT/"
    assert_exit 125
    assert_contains "$ERR" "names no database"
    assert_not_contains "$OUT$ERR" "s3cret-pw"
}

run_tests
