/* test_model_mysql.c — specification of table models read from MySQL/MariaDB DDL
 * (src/drift/model_mysql.h): what mariadb-dump's spelling of a table and a
 * hand-written one have in common, and what a difference names. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "drift.h"
#include "model_mysql.h"

/* mariadb-dump --no-data of a table (MariaDB 10.11's spelling). */
static const char dumped[] =
    "/*M!999999\\- enable the sandbox mode */ \n"
    "/*!40101 SET @saved_cs_client     = @@character_set_client */;\n"
    "/*!40101 SET character_set_client = utf8 */;\n"
    "CREATE TABLE `account` (\n"
    "  `id` bigint(20) NOT NULL AUTO_INCREMENT,\n"
    "  `owner_id` int(11) NOT NULL,\n"
    "  `name` varchar(100) NOT NULL,\n"
    "  `balance` decimal(14,2) NOT NULL DEFAULT 0.00 CHECK (`balance` >= 0),\n"
    "  `active` tinyint(1) NOT NULL DEFAULT 1,\n"
    "  `feeling` enum('sad','ok') DEFAULT NULL,\n"
    "  `created` datetime NOT NULL DEFAULT current_timestamp() ON UPDATE current_timestamp(),\n"
    "  PRIMARY KEY (`id`),\n"
    "  UNIQUE KEY `account_name` (`name`),\n"
    "  KEY `account_owner` (`owner_id`),\n"
    "  CONSTRAINT `account_owner` FOREIGN KEY (`owner_id`) REFERENCES `auth_user` (`id`) ON "
    "DELETE CASCADE,\n"
    "  CONSTRAINT `small` CHECK (`balance` < 1000000)\n"
    ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;\n"
    "/*!40101 SET character_set_client = @saved_cs_client */;\n";

/* The same table by hand. */
static const char hand_written[] =
    "CREATE TABLE account (\n"
    "    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,\n"
    "    owner_id INTEGER NOT NULL,\n"
    "    name VARCHAR(100) NOT NULL,\n"
    "    balance DECIMAL(14,2) NOT NULL DEFAULT 0.00 CHECK (balance >= 0),\n"
    "    active BOOLEAN NOT NULL DEFAULT 1,\n"
    "    feeling ENUM('sad','ok'),\n"
    "    created DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,\n"
    "    UNIQUE KEY account_name (name),\n"
    "    KEY account_owner (owner_id),\n"
    "    CONSTRAINT account_owner FOREIGN KEY (owner_id) REFERENCES auth_user (id) ON DELETE "
    "CASCADE,\n"
    "    CONSTRAINT small CHECK (balance < 1000000)\n"
    ") ENGINE=InnoDB;\n";

static void model_of(const char *text, const char *name, table_model *model)
{
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_int_eq(model_add_text(model, text, name, SQL_DIALECT_UNKNOWN, NULL, &diags), 0);
    ck_assert_uint_eq(diags.count, 0);
}

START_TEST(a_dumped_table_gives_columns_keys_checks_and_indexes_with_their_lines)
{
    table_model model = {0};
    model_of(dumped, "account.sql", &model);
    const model_table *t = model_find_table(&model, "account");
    ck_assert_ptr_nonnull(t);
    ck_assert_int_eq(t->line, 4);
    ck_assert_uint_eq(t->column_count, 7);
    const struct {
        const char *name, *type, *family, *default_value;
        bool not_null;
        int line;
    } expected[] = {
        {"id", "bigint", "integer", NULL, true, 5},
        {"owner_id", "int", "integer", NULL, true, 6},
        {"name", "varchar(100)", "text", NULL, true, 7},
        {"balance", "decimal(14,2)", "decimal", "0.00", true, 8},
        {"active", "tinyint(1)", "boolean", "1", true, 9},
        {"feeling", "enum('sad', 'ok')", "enum", NULL, false, 10},
        {"created", "datetime", "timestamp", "current_timestamp() on update current_timestamp()",
         true, 11},
    };
    for (size_t i = 0; i < 7; i++) {
        const model_column *c = model_find_column(t, expected[i].name);
        ck_assert_msg(c != NULL, "no column %s", expected[i].name);
        ck_assert_str_eq(c->type, expected[i].type);
        ck_assert_str_eq(c->family, expected[i].family);
        if (expected[i].default_value)
            ck_assert_str_eq(c->default_value, expected[i].default_value);
        else
            ck_assert_ptr_null(c->default_value);
        ck_assert_int_eq(c->not_null, expected[i].not_null);
        ck_assert_int_eq(c->line, expected[i].line);
        ck_assert_str_eq(c->file, "account.sql");
    }
    ck_assert(model_find_column(t, "id")->identity);
    ck_assert_int_eq(model_find_column(t, "name")->length, 100);
    ck_assert_int_eq(model_find_column(t, "balance")->precision, 14);
    ck_assert(model_column_is_primary_key(t, "id"));
    ck_assert(model_column_is_unique(t, "name"));
    char *target_table = NULL, *target_column = NULL;
    ck_assert_ptr_nonnull(model_column_reference(t, "owner_id", &target_table, &target_column));
    ck_assert_str_eq(target_table, "auth_user");
    ck_assert_str_eq(target_column, "id");
    free(target_table);
    free(target_column);
    ck_assert_uint_eq(t->index_count, 1);
    ck_assert_str_eq(t->indexes[0].name, "account_owner");
    ck_assert_str_eq(t->indexes[0].definition, "(owner_id)");
    ck_assert_int_eq(t->indexes[0].line, 14);
    ck_assert_uint_eq(t->constraint_count, 5); /* inline check, PK, unique, FK, small */
    table_model_free(&model);
}
END_TEST

static size_t drift_count(const char *ours, const char *theirs, drift_report *report)
{
    table_model a = {0}, b = {0};
    model_of(ours, "ours.sql", &a);
    model_of(theirs, "theirs.sql", &b);
    const char *tables[] = {"account"};
    ck_assert_int_eq(drift_compare(&a, &b, tables, 1, false, report), 0);
    table_model_free(&a);
    table_model_free(&b);
    return report->count;
}

START_TEST(the_hand_written_table_does_not_drift_from_the_dump)
{
    drift_report report = {0};
    size_t count = drift_count(hand_written, dumped, &report);
    for (size_t i = 0; i < report.count; i++)
        fprintf(stderr, "%s %s %s: %s / %s\n", report.items[i].object_kind,
                report.items[i].object ? report.items[i].object : "",
                report.items[i].aspect ? report.items[i].aspect : "",
                report.items[i].ours ? report.items[i].ours : "",
                report.items[i].theirs ? report.items[i].theirs : "");
    ck_assert_uint_eq(count, 0);
    drift_report_free(&report);
}
END_TEST

START_TEST(a_widened_enum_and_a_dropped_key_are_drift_at_our_lines)
{
    drift_report report = {0};
    char *changed = strdup(dumped);
    char *e = strstr(changed, "enum('sad','ok')");
    memcpy(e, "enum('sad','no')", 16);
    ck_assert_uint_eq(drift_count(dumped, changed, &report), 1);
    ck_assert_str_eq(report.items[0].object, "feeling");
    ck_assert_str_eq(report.items[0].aspect, "type");
    ck_assert_str_eq(report.items[0].theirs, "enum('sad', 'no')");
    ck_assert_int_eq(report.items[0].line, 10);
    drift_report_free(&report);
    char *key = strstr(changed, "  KEY `account_owner`");
    memcpy(key, "--", 2);
    ck_assert_uint_eq(drift_count(dumped, changed, &report), 2);
    ck_assert_str_eq(report.items[1].object_kind, "index");
    ck_assert_int_eq(report.items[1].change, DRIFT_EXTRA);
    ck_assert_int_eq(report.items[1].line, 14);
    drift_report_free(&report);
    free(changed);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("model_mysql");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, a_dumped_table_gives_columns_keys_checks_and_indexes_with_their_lines);
    tcase_add_test(tc, the_hand_written_table_does_not_drift_from_the_dump);
    tcase_add_test(tc, a_widened_enum_and_a_dropped_key_are_drift_at_our_lines);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
