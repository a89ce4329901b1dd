#!/usr/bin/env bash
# mysql_test.sh — integration tests of the foster command on MySQL/MariaDB:
# the `mysql` backend (a new database on an existing server), its reset
# (the copy made ahead, swapped in), gc of its databases, and
# `foster wait mysql://…`. The mysql-cluster backend, the owner's real dumps
# and the faults are mysql_cluster_test.sh's. The server and the helpers:
# mysql_lib.sh.
#
#   usage: mysql_test.sh FOSTER_BINARY [NAME_REGEX]

# shellcheck source=SCRIPTDIR/../harness.sh
. "$(dirname "${BASH_SOURCE[0]}")/../harness.sh" "$@"
# shellcheck source=SCRIPTDIR/mysql_lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/mysql_lib.sh"

# shellcheck disable=SC2034 # read by the harness
declare -A EXPECTED_FAILURES=()

# ---------------------------------------------------------------------------
# The mysql backend.

test_mysql_run_provisions_loads_and_removes() {
    make_project
    MYSQL_PWD=$APP_PW foster_my run -- sh -c 'env >"$0"; mariadb --no-defaults -h "$MYSQL_HOST" \
        -P "$MYSQL_TCP_PORT" -u app -N -B -e "SELECT id, title, note IS NULL, note FROM book ORDER BY id" \
        "$MYSQL_DATABASE" >"$0.rows"' "$WORK/env"
    assert_exit 0
    local database
    database=$(env_value MYSQL_DATABASE)
    assert_matches "$database" '^test_shop_[0-9a-f]{8}$' "MYSQL_DATABASE"
    assert_eq "mysql" "$(env_value FOSTER_BACKEND)" "FOSTER_BACKEND"
    assert_eq "127.0.0.1" "$(env_value MYSQL_HOST)" "MYSQL_HOST"
    assert_eq "$SERVER_PORT" "$(env_value MYSQL_TCP_PORT)" "MYSQL_TCP_PORT"
    assert_eq "mysql://app:$APP_PW_URL@127.0.0.1:$SERVER_PORT/$database" \
        "$(env_value DATABASE_URL)" "DATABASE_URL (the command's, with the password)"
    # COPY's NULL rule: an empty field is NULL, "" the empty string
    assert_eq "$(printf '1\tFirst\t1\tNULL\n2\tSecond\t0\t\n3\tThird\t0\tx')" \
        "$(cat "$WORK/env.rows")" "the loaded rows"
    assert_eq 0 "$(database_count "$database")" "databases named $database after the run"
    assert_eq 0 "$(database_count "${database}_tpl")" "its pristine copy after the run"
    assert_no_password "$OUT$ERR" "run's output"
    assert_no_password "$(foster_my -v run -- true; echo "$OUT$ERR")" "run -v's output"
}

test_mysql_marker_names_run_pid_host() {
    make_project
    foster_my run -- sh -c 'echo "$MYSQL_DATABASE" >"$0"; sleep 0' "$WORK/db"
    assert_exit 0
    foster_my up
    assert_exit 0
    local database comment
    database=$(export_value "$OUT" MYSQL_DATABASE)
    comment=$(my_admin "SELECT SCHEMA_COMMENT FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '$database'")
    assert_matches "$comment" "^foster test database; run [0-9a-f]{8}; pid [0-9]+; host $(hostname); boot .*; kept 1; dir $(realpath "$RUNTIME")\$" "the marker"
    foster_my down
    assert_exit 0
    assert_eq 0 "$(database_count "$database")" "databases named $database after down"
}

test_mysql_url_from_manifest_with_variable() {
    make_project mysql
    printf '[mysql]\nurl = ${SHOP_DB}\n' >>foster.ini
    SHOP_DB=$APP_URL run_foster run -- sh -c 'echo "$MYSQL_DATABASE" >"$0"' "$WORK/db"
    assert_exit 0
    assert_matches "$(cat "$WORK/db")" '^test_shop_' "the database the command saw"
    assert_no_password "$OUT$ERR" "output"
}

test_mysql_bad_url_in_manifest_is_exit_2_with_line() {
    make_project mysql
    printf '[mysql]\nurl = mysql://app:%s@127.0.0.1:notaport/\n' "$APP_PW_URL" >>foster.ini
    run_foster up
    assert_exit 2
    assert_contains "$ERR" "foster.ini:7:"
    assert_contains "$ERR" "url of [mysql]"
    assert_no_password "$OUT$ERR" "the error"
}

test_mysql_up_prints_no_password_and_writes_option_file() {
    make_project
    foster_my up
    assert_exit 0
    assert_no_password "$OUT$ERR" "up's output"
    local file database
    file=$(export_value "$OUT" FOSTER_MYSQL_OPTION_FILE)
    database=$(export_value "$OUT" MYSQL_DATABASE)
    assert_file_exists "$file"
    assert_mode "$file" 600
    assert_eq "mysql://app@127.0.0.1:$SERVER_PORT/$database" "$(export_value "$OUT" DATABASE_URL)" \
        "up's DATABASE_URL"
    assert_eq "Ann" "$("$CLIENT" --defaults-extra-file="$file" -N -B -e "SELECT name FROM author WHERE id = 1")" \
        "a query through the option file"
    foster_my down
    assert_exit 0
    assert_no_password "$OUT$ERR" "down's output"
    assert_file_absent "$file"
    assert_eq 0 "$(database_count "$database")" "databases named $database after down"
}

# A server with a password: a plain `mariadb` after up reaches the run's
# database through the option file, not the system's socket, and no password
# is printed (the option file holds it).
test_mysql_up_plain_client_reaches_the_run_despite_system_socket() {
    require_system_client_socket
    make_project
    foster_my up
    assert_exit 0
    assert_not_contains "$OUT" "MYSQL_PWD" "up's output"
    local database home
    database=$(export_value "$OUT" MYSQL_DATABASE)
    home=$(export_value "$OUT" MYSQL_HOME)
    assert_eq "$database" "$(plain_client_after_up "$OUT")" "a plain mariadb after up"
    foster_my down
    assert_exit 0
    assert_no_password "$OUT$ERR" "down's output"
    assert_down_forgets_option_file "$OUT" "$home"
    assert_runtime_empty
}

test_mysql_foreign_key_checked_after_load_names_fixture_line() {
    make_project
    printf 'id,author_id,title,note\n1,1,First,\n2,9,Orphan,\n' >fixtures/book.csv
    foster_my run -- true
    assert_exit 125
    assert_contains "$ERR" "fixtures/book.csv:3:"
    assert_contains "$ERR" "book_author_fk"
}

test_mysql_bad_value_names_fixture_line() {
    make_project
    printf 'id,author_id,title,note\n1,1,First,\n2,1,,\n' >fixtures/book.csv
    foster_my run -- true
    assert_exit 125
    assert_contains "$ERR" "fixtures/book.csv:3"
}

test_mysql_auto_increment_past_loaded_keys() {
    make_project
    MYSQL_PWD=$APP_PW foster_my run -- sh -c 'mariadb --no-defaults -h "$MYSQL_HOST" -P "$MYSQL_TCP_PORT" \
        -u app -N -B -e "INSERT INTO book (author_id, title) VALUES (2, \"New\"); SELECT LAST_INSERT_ID()" \
        "$MYSQL_DATABASE" >"$0"' "$WORK/next"
    assert_exit 0
    assert_eq 4 "$(cat "$WORK/next")" "the next key after rows 1..3"
}

# Keys and indexes written after CREATE TABLE (as mysqldump --no-data and pg_dump write
# them) are built over the loaded rows; a foreign key the rows break names the fixture line.
test_mysql_keys_added_after_the_data_are_checked_by_foster() {
    make_project
    cat >schemas/book.sql <<'EOF'
CREATE TABLE book (
    id integer NOT NULL,
    author_id integer NOT NULL,
    title varchar(200) NOT NULL,
    note text
);

ALTER TABLE book ADD PRIMARY KEY (id);

CREATE INDEX book_title ON book (title);

ALTER TABLE book ADD CONSTRAINT book_author_fk FOREIGN KEY (author_id) REFERENCES author (id);
EOF
    foster_my run -- sh -c 'echo "$MYSQL_DATABASE" >"$0"' "$WORK/db"
    assert_exit 0
    printf 'id,author_id,title,note\n1,1,First,\n2,7,Orphan,\n' >fixtures/book.csv
    foster_my run -- true
    assert_exit 125
    assert_contains "$ERR" "fixtures/book.csv:3:"
    assert_contains "$ERR" "book_author_fk"
}

# A trigger that fills another table: created after the data, so the fixture rows of
# that table are not doubled; it fires for the tests' rows, also after a reset.
test_mysql_triggers_are_created_after_the_data() {
    make_project
    cat >schemas/book_log.sql <<'EOF'
CREATE TABLE book_log (id integer PRIMARY KEY AUTO_INCREMENT, book_id integer NOT NULL);

CREATE TRIGGER book_logged AFTER INSERT ON book FOR EACH ROW INSERT INTO book_log (book_id) VALUES (NEW.id);
EOF
    printf 'id,book_id\n1,1\n2,2\n3,3\n' >fixtures/book_log.csv
    printf '[foster]\nname = shop\n[table author]\n[table book]\n[table book_log]\ndepends = book\n' >foster.ini
    foster_my up
    assert_exit 0
    local database
    database=$(export_value "$OUT" MYSQL_DATABASE)
    assert_eq 3 "$(my_admin "SELECT COUNT(*) FROM book_log" "$database")" "book_log rows after provisioning"
    my_admin "INSERT INTO book (author_id, title) VALUES (1, 'New')" "$database"
    assert_eq "1 2 3 4" "$(my_admin "SELECT GROUP_CONCAT(book_id ORDER BY id SEPARATOR ' ') FROM book_log" "$database")" \
        "book_log after an insert (the trigger fired)"
    FOSTER_RUN_ID=$(export_value "$OUT" FOSTER_RUN_ID) foster_my reset
    assert_exit 0
    assert_eq 3 "$(my_admin "SELECT COUNT(*) FROM book_log" "$database")" "book_log rows after reset"
    my_admin "INSERT INTO book (author_id, title) VALUES (2, 'Again')" "$database"
    assert_eq 4 "$(my_admin "SELECT COUNT(*) FROM book_log" "$database")" "book_log after an insert after reset"
    foster_my down
    assert_exit 0
}

test_mysql_reset_returns_to_the_loaded_rows() {
    make_project
    foster_my up
    assert_exit 0
    local database
    database=$(export_value "$OUT" MYSQL_DATABASE)
    my_admin "DELETE FROM book; INSERT INTO author (name) VALUES ('Zed'); CREATE TABLE scratch (x int)" "$database"
    FOSTER_RUN_ID=$(export_value "$OUT" FOSTER_RUN_ID) foster_my reset
    assert_exit 0
    assert_eq 3 "$(my_admin "SELECT COUNT(*) FROM book" "$database")" "book rows after reset"
    assert_eq "Ann Bob" "$(my_admin "SELECT GROUP_CONCAT(name ORDER BY id SEPARATOR ' ') FROM author" "$database")" "authors after reset"
    assert_eq 0 "$(my_admin "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '$database' AND TABLE_NAME = 'scratch'")" "scratch table after reset"
    assert_eq 1 "$(my_admin "SELECT COUNT(*) FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = '$database'")" "foreign keys after reset"
    my_admin "INSERT INTO book (author_id, title) VALUES (1, 'x')" "$database"
    assert_eq 4 "$(my_admin "SELECT MAX(id) FROM book" "$database")" "next key after reset"
    foster_my down
    assert_exit 0
}

# A DATETIME value with a UTC offset (PostgreSQL's timestamptz form) is stored
# as the same instant in UTC; text columns keep what the fixture says.
test_mysql_timestamps_with_offset_are_stored_in_utc() {
    mkdir -p "$WORK/p/schemas" "$WORK/p/fixtures" && cd "$WORK/p" || fail "no project"
    printf '[foster]\nname = shop\n[table event]\n' >foster.ini
    printf 'CREATE TABLE event (id integer PRIMARY KEY, at datetime(6), stamp timestamp NULL, label varchar(40));\n' >schemas/event.sql
    printf 'id,at,stamp,label\n1,2024-03-01 08:12:44+00,2024-03-01 08:12:44+00,2024-03-01 08:12:44+00\n2,2024-03-01 10:12:44.5+02:00,,b\n3,2024-03-01T01:12:44-0700,2024-12-31 23:30:00-01,c\n4,2024-03-01 08:12:44,2024-03-01T08:12:44Z,d\n' >fixtures/event.csv
    foster_my run -- sh -c "\"$CLIENT\" --no-defaults -h \"\$MYSQL_HOST\" -P \"\$MYSQL_TCP_PORT\" -u \"\$MYSQL_USER\" -N -B -e \"SET time_zone = '+00:00'; SELECT id, at, IFNULL(stamp, 'NULL'), label FROM event ORDER BY id\" \"\$MYSQL_DATABASE\" >'$WORK/rows'"
    assert_exit 0
    assert_eq "1	2024-03-01 08:12:44.000000	2024-03-01 08:12:44	2024-03-01 08:12:44+00
2	2024-03-01 08:12:44.500000	NULL	b
3	2024-03-01 08:12:44.000000	2025-01-01 00:30:00	c
4	2024-03-01 08:12:44.000000	2024-03-01 08:12:44	d" "$(cat "$WORK/rows")" "the rows"
}

# A PostgreSQL schema file with <table>.mysql.sql beside it: the MySQL backend
# takes the MySQL file, SQLite the PostgreSQL one (translated).
test_mysql_takes_the_mysql_file_beside_a_postgresql_one() {
    mkdir -p "$WORK/p/schemas" "$WORK/p/fixtures" && cd "$WORK/p" || fail "no project"
    printf '[foster]\nname = shop\n[table author]\n' >foster.ini
    printf 'CREATE TABLE public.author (\n    id integer NOT NULL,\n    name text NOT NULL\n);\nALTER TABLE ONLY public.author\n    ADD CONSTRAINT author_pkey PRIMARY KEY (id);\n' >schemas/author.sql
    printf 'CREATE TABLE `author` (\n  `id` int(11) NOT NULL AUTO_INCREMENT,\n  `name` varchar(100) NOT NULL,\n  PRIMARY KEY (`id`)\n) ENGINE=InnoDB;\n' >schemas/author.mysql.sql
    printf 'id,name\n1,Ann\n2,Bob\n' >fixtures/author.csv
    foster_my -v up
    assert_exit 0
    assert_contains "$ERR" "schemas/author.mysql.sql:1: CREATE TABLE"
    local database
    database=$(export_value "$OUT" MYSQL_DATABASE)
    my_admin "INSERT INTO author (name) VALUES ('Cy')" "$database"
    assert_eq "3 varchar(100)" "$(my_admin "SELECT MAX(id), (SELECT COLUMN_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND COLUMN_NAME = 'name') FROM author" "$database" | tr '\t' ' ')" \
        "the next key and the column of the MySQL file"
    foster_my down
    assert_exit 0
    run_foster -b sqlite -v run -- true
    assert_exit 0
    assert_contains "$ERR" "schemas/author.sql:1: CREATE TABLE"
    assert_not_contains "$ERR" "author.mysql.sql" "the SQLite run"
}

# Waits until the helper making DATABASE's next copy is done (its lock file gone).
wait_for_next_copy() { # DATABASE
    local i
    for ((i = 0; i < 6000; i++)); do
        [ -e "$RUNTIME/$1.next.lock" ] || return 0
        sleep 0.01
    done
    fail "the helper making ${1}_next still runs after 60 s"
}

# A project whose book has a foreign key and a trigger that writes book_log.
make_trigger_project() {
    make_project
    cat >schemas/book_log.sql <<'EOF'
CREATE TABLE book_log (id integer PRIMARY KEY AUTO_INCREMENT, book_id integer NOT NULL);

CREATE TRIGGER book_logged AFTER INSERT ON book FOR EACH ROW INSERT INTO book_log (book_id) VALUES (NEW.id);
EOF
    printf 'id,book_id\n1,1\n2,2\n3,3\n' >fixtures/book_log.csv
    printf '[foster]\nname = shop\n[table author]\n[table book]\n[table book_log]\ndepends = book\n' >foster.ini
}

# After up, a helper copies the snapshot into <db>_next (tables and rows, no
# triggers); reset swaps its tables in (the row changed in the copy shows it),
# with the foreign key pointing into the database and the trigger back; then
# the next copy is made again, and down removes every sibling.
test_mysql_reset_swaps_in_the_copy_made_ahead() {
    make_trigger_project
    foster_my up
    assert_exit 0
    local database id
    database=$(export_value "$OUT" MYSQL_DATABASE)
    id=$(export_value "$OUT" FOSTER_RUN_ID)
    wait_for_next_copy "$database"
    assert_eq "foster test database; run $id" \
        "$(my_admin "SELECT SUBSTRING_INDEX(SCHEMA_COMMENT, ';', 2) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '${database}_next'")" \
        "the next copy's marker"
    assert_eq "3 3 0" "$(my_admin "SELECT (SELECT COUNT(*) FROM book), (SELECT COUNT(*) FROM book_log), (SELECT COUNT(*) FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE())" "${database}_next" | tr '\t' ' ')" \
        "rows and triggers of the next copy"
    my_admin "UPDATE author SET name = 'Ann (ahead)' WHERE id = 1" "${database}_next"
    my_admin "DELETE FROM book; CREATE TABLE scratch (x int)" "$database"
    FOSTER_RUN_ID=$id foster_my reset
    assert_exit 0
    assert_eq "Ann (ahead) Bob" "$(my_admin "SELECT GROUP_CONCAT(name ORDER BY id SEPARATOR ' ') FROM author" "$database")" "authors after reset (the copy made ahead)"
    assert_eq "3 3" "$(my_admin "SELECT (SELECT COUNT(*) FROM book), (SELECT COUNT(*) FROM book_log)" "$database" | tr '\t' ' ')" "rows after reset"
    assert_eq 0 "$(my_admin "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '$database' AND TABLE_NAME = 'scratch'")" "scratch table after reset"
    assert_eq "$database.author" "$(my_admin "SELECT CONCAT(REFERENCED_TABLE_SCHEMA, '.', REFERENCED_TABLE_NAME) FROM information_schema.KEY_COLUMN_USAGE WHERE TABLE_SCHEMA = '$database' AND TABLE_NAME = 'book' AND REFERENCED_TABLE_NAME IS NOT NULL")" "the foreign key after reset"
    my_admin "INSERT INTO book (author_id, title) VALUES (2, 'New')" "$database"
    assert_eq "4 4" "$(my_admin "SELECT MAX(id), (SELECT COUNT(*) FROM book_log) FROM book" "$database" | tr '\t' ' ')" "next key and the trigger after reset"
    my_admin "INSERT INTO book (author_id, title) VALUES (99, 'x')" "$database" 2>"$WORK/fk" && fail "a book of no author was accepted after reset"
    assert_contains "$(cat "$WORK/fk")" "ERROR 1452" "the foreign key refusing a book of no author"
    wait_for_next_copy "$database"
    assert_eq 1 "$(database_count "${database}_next")" "the next copy, made again"
    assert_eq 0 "$(database_count "${database}_old")" "the retired tables' database"
    FOSTER_RUN_ID=$id foster_my reset
    assert_exit 0
    assert_eq "Ann Bob" "$(my_admin "SELECT GROUP_CONCAT(name ORDER BY id SEPARATOR ' ') FROM author" "$database")" "authors after the second reset"
    foster_my down
    assert_exit 0
}

# Without the copy made ahead (dropped here), reset builds the database from the snapshot.
test_mysql_reset_without_a_copy_made_ahead_rebuilds() {
    make_trigger_project
    foster_my up
    assert_exit 0
    local database
    database=$(export_value "$OUT" MYSQL_DATABASE)
    wait_for_next_copy "$database"
    my_admin "DROP DATABASE \`${database}_next\`; DELETE FROM book" "$database"
    FOSTER_RUN_ID=$(export_value "$OUT" FOSTER_RUN_ID) foster_my reset
    assert_exit 0
    assert_eq "3 3 1" "$(my_admin "SELECT (SELECT COUNT(*) FROM book), (SELECT COUNT(*) FROM book_log), (SELECT COUNT(*) FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE())" "$database" | tr '\t' ' ')" \
        "rows and the trigger after reset"
    foster_my down
    assert_exit 0
}

test_mysql_jobs_make_marked_copies() {
    make_project
    foster_my run --jobs 2 -- sh -c 'env >"$0"' "$WORK/env"
    assert_exit 0
    local one two
    one=$(env_value DATABASE_URL_1)
    two=$(env_value DATABASE_URL_2)
    assert_eq 2 "$(env_value FOSTER_JOBS)" "FOSTER_JOBS"
    assert_matches "$one" "^mysql://app@127.0.0.1:$SERVER_PORT/test_shop_[0-9a-f]{8}_1\$" "DATABASE_URL_1"
    assert_matches "$two" "_2\$" "DATABASE_URL_2"
}

test_mysql_jobs_copies_hold_the_rows() {
    make_project
    foster_my up --jobs 2
    assert_exit 0
    local copy
    copy=$(export_value "$OUT" DATABASE_URL_2)
    copy=${copy##*/}
    assert_eq 3 "$(my_admin "SELECT COUNT(*) FROM book" "$copy")" "rows in the second copy"
    assert_contains "$(my_admin "SELECT SCHEMA_COMMENT FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '$copy'")" \
        "foster test database; run" "the copy's marker"
    foster_my down
    assert_exit 0
    assert_eq 0 "$(database_count "$copy")" "the copy after down"
}

test_mysql_load_adds_rows_to_a_marked_database() {
    make_project
    foster_my up
    assert_exit 0
    local database
    database=$(export_value "$OUT" MYSQL_DATABASE)
    printf 'id,name\n3,Cy\n' >"$WORK/more.csv"
    cp "$WORK/more.csv" fixtures/author.csv
    foster_my load --url "mysql://app:$APP_PW_URL@127.0.0.1:$SERVER_PORT/$database" fixtures/author.csv
    assert_exit 0
    assert_no_password "$OUT$ERR" "load's output"
    assert_eq "Ann Bob Cy" "$(my_admin "SELECT GROUP_CONCAT(name ORDER BY id SEPARATOR ' ') FROM author" "$database")" \
        "authors after load"
    printf 'id,name\n4,Ann\n' >fixtures/author.csv
    foster_my load --url "mysql://app:$APP_PW_URL@127.0.0.1:$SERVER_PORT/$database" fixtures/author.csv
    assert_exit 1
    assert_contains "$ERR" "fixtures/author.csv:2"
    assert_eq 3 "$(my_admin "SELECT COUNT(*) FROM author" "$database")" "authors after a refused load (rolled back)"
    foster_my down
    assert_exit 0
}

# ---- unmarked databases

make_unmarked() { # NAME
    my_admin "CREATE DATABASE \`$1\`; CREATE TABLE \`$1\`.author (id int PRIMARY KEY, name varchar(100)); INSERT INTO \`$1\`.author VALUES (7, 'Precious')"
}

test_mysql_load_refuses_unmarked_database() {
    make_project
    make_unmarked precious_test
    foster_my load --url "mysql://app:$APP_PW_URL@127.0.0.1:$SERVER_PORT/precious_test" fixtures/author.csv
    local status=$STATUS
    assert_no_password "$OUT$ERR" "load's output"
    assert_eq "Precious" "$(my_admin "SELECT GROUP_CONCAT(name) FROM author" precious_test)" "the unmarked rows"
    my_admin "DROP DATABASE precious_test"
    [ "$status" != 0 ] || fail "load into an unmarked database succeeded"
    assert_contains "$ERR" "it is not a database foster created"
}

test_mysql_down_refuses_unmarked_database() {
    make_project
    foster_my up
    assert_exit 0
    local database run
    database=$(export_value "$OUT" MYSQL_DATABASE)
    run=$(export_value "$OUT" FOSTER_RUN_ID)
    # the owner's database under the run's name: foster must not drop it
    wait_for_next_copy "$database"
    my_admin "DROP DATABASE \`$database\`; DROP DATABASE \`${database}_tpl\`; DROP DATABASE \`${database}_next\`"
    make_unmarked "$database"
    foster_my down "$run"
    local status=$STATUS
    assert_eq 1 "$(database_count "$database")" "the unmarked database after down"
    my_admin "DROP DATABASE \`$database\`"
    [ "$status" != 0 ] || fail "down of an unmarked database succeeded"
    assert_contains "$ERR" "does not carry foster's marker; leaving it alone"
    rm -rf "${RUNTIME:?}"/*
}

# The databases dropped by hand: `down` on another address of the server (its
# socket, as root) cannot tell it is the same server, so it keeps the record
# and names both; on the server the run recorded, the run is gone and
# forgotten (its record and its option file).
test_mysql_down_of_a_dropped_database_forgets_only_on_its_server() {
    make_project
    foster_my -q up
    assert_exit 0
    local database id
    database=$(export_value "$OUT" MYSQL_DATABASE)
    id=$(export_value "$OUT" FOSTER_RUN_ID)
    wait_for_next_copy "$database"
    my_admin "DROP DATABASE \`$database\`; DROP DATABASE \`${database}_tpl\`; DROP DATABASE \`${database}_next\`"
    run_foster -b mysql -u "mysql://root@localhost/?unix_socket=$SERVER_SOCKET" down "$id"
    [ "$STATUS" -ne 0 ] || fail "down on another server exited 0: $ERR"
    assert_contains "$ERR" "run $id was made on the server at 127.0.0.1:$SERVER_PORT, not on $SERVER_SOCKET where foster looks now"
    assert_file_exists "$RUNTIME/$id.run"
    assert_file_exists "$RUNTIME/$id.mysql/my.cnf"
    foster_my down "$id"
    assert_exit 0
    assert_contains "$ERR" "run $id: $database is already gone; removing its record"
    assert_file_absent "$RUNTIME/$id.run"
    assert_file_absent "$RUNTIME/$id.mysql/my.cnf"
    assert_no_password "$OUT$ERR" "down's output"
}

test_mysql_gc_drops_dead_runs_databases_only() {
    make_project mysql
    printf '[mysql]\nurl = %s\n' "$APP_URL" >>foster.ini
    start_foster run -- sleep 60
    local i database=
    for ((i = 0; i < 300; i++)); do
        database=$(my_admin "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE 'test\\_shop\\_%\\_tpl'")
        [ -n "$database" ] && break
        sleep 0.1
    done
    [ -n "$database" ] || fail "the run never made its database"
    database=${database%_tpl}
    kill_foster_and_command
    make_unmarked precious_gc
    rm -f "$RUNTIME"/*.run # a run whose record is gone too: only the marker tells
    run_foster gc
    assert_exit 0
    assert_contains "$OUT$ERR" "dropped database $database"
    assert_eq 0 "$(database_count "$database")" "the dead run's database after gc"
    assert_eq 0 "$(database_count "${database}_tpl")" "its pristine copy after gc"
    assert_eq 1 "$(database_count precious_gc)" "the unmarked database after gc"
    my_admin "DROP DATABASE precious_gc"
    rm -rf "${RUNTIME:?}"/*
}

# MySQL 8 keeps the marker in a `_foster_marker` table (no schema comments):
# gc finds a dead run's database by that table too (here the run's database
# marked so on MariaDB), and leaves a database whose `_foster_marker` table
# holds no marker of foster's.
test_mysql_gc_finds_databases_marked_by_table() {
    make_project mysql
    printf '[mysql]\nurl = %s\n' "$APP_URL" >>foster.ini
    start_foster run -- sleep 60
    local i database=
    for ((i = 0; i < 300; i++)); do
        database=$(my_admin "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE 'test\\_shop\\_%\\_tpl'")
        [ -n "$database" ] && break
        sleep 0.1
    done
    [ -n "$database" ] || fail "the run never made its database"
    database=${database%_tpl}
    kill_foster_and_command
    local marker
    marker=$(my_admin "SELECT SCHEMA_COMMENT FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '$database'")
    assert_matches "$marker" '^foster test database; run [0-9a-f]{8};' "the run's marker"
    my_admin "ALTER DATABASE \`$database\` COMMENT ''; CREATE TABLE \`$database\`._foster_marker (marker TEXT NOT NULL); INSERT INTO \`$database\`._foster_marker VALUES ('$marker')"
    my_admin "CREATE DATABASE decoy_gc; CREATE TABLE decoy_gc._foster_marker (marker TEXT NOT NULL); INSERT INTO decoy_gc._foster_marker VALUES ('not foster''s')"
    rm -f "$RUNTIME"/*.run # only the markers tell
    run_foster gc
    assert_exit 0
    assert_contains "$OUT$ERR" "dropped database $database (run "
    assert_eq 0 "$(database_count "$database")" "the table-marked database after gc"
    assert_eq 0 "$(database_count "${database}_tpl")" "its pristine copy after gc"
    assert_eq 1 "$(database_count decoy_gc)" "a database whose marker table is not foster's"
    my_admin "DROP DATABASE decoy_gc"
    rm -rf "${RUNTIME:?}"/*
}

test_mysql_gc_leaves_live_and_kept_runs() {
    make_project mysql
    printf '[mysql]\nurl = %s\n' "$APP_URL" >>foster.ini
    run_foster up
    assert_exit 0
    local database
    database=$(export_value "$OUT" MYSQL_DATABASE)
    run_foster gc
    assert_exit 0
    assert_eq 1 "$(database_count "$database")" "the kept run's database after gc"
    run_foster down
    assert_exit 0
}

# ---- wait

test_mysql_wait_ready_and_refusals() {
    run_foster wait --timeout 5 "$APP_URL"
    assert_exit 0
    run_foster wait --timeout 30 "mysql://app:wrong%40pw@127.0.0.1:$SERVER_PORT/"
    assert_exit 1
    assert_contains "$ERR" "1045"
    assert_not_contains "$ERR" "wrong@pw"
    local start=$EPOCHREALTIME port
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    run_foster wait --timeout 0.5 "mysql://app:$APP_PW_URL@127.0.0.1:$port/"
    assert_exit 1
    assert_contains "$ERR" "not ready"
    assert_no_password "$OUT$ERR" "wait's output"
}


run_tests
