#!/usr/bin/env bash
# mysql_copy_test.sh — what the copies of a MySQL/MariaDB test database hold
# (the pristine copy `_tpl`, `reset`'s copy, the `--jobs` copies), beside
# mysql_test.sh: system-versioned tables with their rows, and triggers under
# the sql_mode they were made with. The server and the helpers: mysql_lib.sh.
#
#   usage: mysql_copy_test.sh FOSTER_BINARY [NAME_REGEX]

# shellcheck source=SCRIPTDIR/../harness.sh
. "$(dirname "${BASH_SOURCE[0]}")/../harness.sh" "$@"
# shellcheck source=SCRIPTDIR/mysql_lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/mysql_lib.sh"

# shellcheck disable=SC2034 # read by the harness
declare -A EXPECTED_FAILURES=()

# The rows of price_history in DATABASE: current ones, all with the history, the row start of 1.
price_history_in() { # DATABASE
    my_admin "SELECT CONCAT_WS('|', (SELECT GROUP_CONCAT(CONCAT(id, ':', price) ORDER BY id) FROM price_history),
        (SELECT COUNT(*) FROM price_history FOR SYSTEM_TIME ALL),
        (SELECT row_start FROM price_history WHERE id = 1))" "$1"
}

# A table WITH SYSTEM VERSIONING (MariaDB reports it as TABLE_TYPE 'SYSTEM VERSIONED',
# not 'BASE TABLE') is in every copy with the rows as provisioned, row start included.
test_mysql_system_versioned_table_in_every_copy_and_after_reset() {
    make_project
    cat >schemas/price_history.sql <<'EOF2'
CREATE TABLE price_history (id integer PRIMARY KEY, price decimal(10,2)) WITH SYSTEM VERSIONING;
EOF2
    printf 'id,price\n1,9.99\n2,5.00\n' >fixtures/price_history.csv
    printf '[foster]\nname = shop\n[table author]\n[table book]\n[table price_history]\n' >foster.ini
    foster_my up --jobs 2
    assert_exit 0
    local database provisioned copy
    database=$(export_value "$OUT" MYSQL_DATABASE)
    provisioned=$(price_history_in "$database")
    assert_matches "$provisioned" '^1:9\.99,2:5\.00\|2\|[0-9]{4}-' "price_history as provisioned"
    for copy in tpl 1 2; do
        assert_eq "$provisioned" "$(price_history_in "${database}_$copy")" "price_history in ${database}_$copy"
    done
    my_admin "UPDATE price_history SET price = 1; INSERT INTO price_history VALUES (3, 3); DELETE FROM price_history WHERE id = 2" "$database"
    FOSTER_RUN_ID=$(export_value "$OUT" FOSTER_RUN_ID) foster_my reset
    assert_exit 0
    assert_eq "$provisioned" "$(price_history_in "$database")" "price_history after reset"
    FOSTER_RUN_ID=$(export_value "$OUT" FOSTER_RUN_ID) foster_my reset
    assert_exit 0
    assert_eq "$provisioned" "$(price_history_in "$database")" "price_history after a second reset"
    foster_my down
    assert_exit 0
}

# mariadb-dump writes each trigger after SET sql_mode = '<the trigger's>': the trigger
# gets that mode in the test database, the pristine copy, reset's copy and --jobs copies,
# so an INSERT only a non-strict mode takes (the trigger cuts a long value) is taken in each.
test_mysql_trigger_keeps_the_dump_sql_mode_in_every_copy() {
    mkdir -p "$WORK/p/schemas" && cd "$WORK/p" || fail "no project"
    cat >schemas/dump.sql <<'EOF2'
/*!40101 SET @OLD_SQL_MODE=@@SQL_MODE, SQL_MODE='NO_AUTO_VALUE_ON_ZERO' */;
CREATE TABLE `t` (
  `id` int(11) NOT NULL,
  `email` varchar(255) DEFAULT NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
CREATE TABLE `log` (
  `what` varchar(10) DEFAULT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
/*!50003 SET @saved_cs_client      = @@character_set_client */ ;
/*!50003 SET @saved_sql_mode       = @@sql_mode */ ;
/*!50003 SET sql_mode              = '' */ ;
DELIMITER ;;
/*!50003 CREATE*/ /*!50017 DEFINER=`root`@`localhost`*/ /*!50003 TRIGGER t_ai AFTER INSERT ON t FOR EACH ROW INSERT INTO log VALUES (CONCAT('new ', NEW.email)) */;;
DELIMITER ;
/*!50003 SET sql_mode              = @saved_sql_mode */ ;
/*!40101 SET SQL_MODE=@OLD_SQL_MODE */;
EOF2
    printf '[foster]\nname = trg\nschema_dump = dump.sql\n[table t]\n[table log]\n' >foster.ini
    foster_my up --jobs 2
    assert_exit 0
    local database db
    database=$(export_value "$OUT" MYSQL_DATABASE)
    for db in "$database" "${database}_tpl" "${database}_1" "${database}_2"; do
        assert_eq "t_ai:[]" "$(my_admin "SELECT CONCAT(TRIGGER_NAME, ':[', sql_mode, ']') FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = '$db'")" \
            "the trigger's sql_mode in $db"
    done
    for db in "$database" "${database}_2"; do
        my_admin "INSERT INTO t VALUES (1, 'averyveryverylong@example.org')" "$db" ||
            fail "the INSERT the owner takes was refused in $db"
        assert_eq "new averyv" "$(my_admin "SELECT what FROM log" "$db")" "log in $db"
    done
    FOSTER_RUN_ID=$(export_value "$OUT" FOSTER_RUN_ID) foster_my reset
    assert_exit 0
    assert_eq "t_ai:[]" "$(my_admin "SELECT CONCAT(TRIGGER_NAME, ':[', sql_mode, ']') FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = '$database'")" \
        "the trigger's sql_mode after reset"
    my_admin "INSERT INTO t VALUES (1, 'averyveryverylong@example.org')" "$database" ||
        fail "the INSERT the owner takes was refused after reset"
    assert_eq "new averyv" "$(my_admin "SELECT what FROM log" "$database")" "log after reset"
    foster_my down
    assert_exit 0
}

run_tests
