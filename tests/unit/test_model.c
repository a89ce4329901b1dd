/* test_model.c — specification of the table models (src/drift/model.h) and their
 * comparison (src/drift/drift.h): what a hand-written schema file and pg_dump's
 * spelling of the same table have in common, and what a difference names. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "drift.h"
#include "model.h"

/* The model of `text` (as file `name`), every table; fails the test on a problem. */
static void model_of(const char *text, const char *name, table_model *model)
{
    sql_script script = {0};
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_int_eq(sql_split(text, strlen(text), name, &script, &diags), 0);
    ddl_file file = {0};
    ck_assert_int_eq(ddl_analyze(&script, name, &file, &diags), 0);
    ck_assert_int_eq(model_add_file(model, &file, NULL, &diags), 0);
    ck_assert_uint_eq(diags.count, 0);
    ddl_file_free(&file);
}

static const model_column *column_of(const table_model *model, const char *table,
                                     const char *column)
{
    const model_table *t = model_find_table(model, table);
    ck_assert_ptr_nonnull(t);
    const model_column *c = model_find_column(t, column);
    ck_assert_msg(c != NULL, "no column %s", column);
    return c;
}

START_TEST(hand_written_types_take_pg_dumps_spelling_and_family)
{
    table_model model = {0};
    model_of("CREATE TABLE t (\n"
             "  a varchar(150), b INT4 NOT NULL, c decimal(10), d timestamptz,\n"
             "  e timestamp(3), f bool, g char, h float8, i jsonb, j public.mood,\n"
             "  k bigserial, l int[]\n"
             ");\n",
             "t.sql", &model);
    const struct {
        const char *column, *type, *family;
        long length;
        int precision, scale;
    } expected[] = {
        {"a", "character varying(150)", "text", 150, -1, -1},
        {"b", "integer", "integer", -1, -1, -1},
        {"c", "numeric(10,0)", "decimal", -1, 10, 0},
        {"d", "timestamp with time zone", "timestamp", -1, -1, -1},
        {"e", "timestamp(3) without time zone", "timestamp", -1, -1, -1},
        {"f", "boolean", "boolean", -1, -1, -1},
        {"g", "character(1)", "text", -1, -1, -1},
        {"h", "double precision", "float", -1, -1, -1},
        {"i", "jsonb", "json", -1, -1, -1},
        {"j", "mood", "other", -1, -1, -1},
        {"k", "bigint", "integer", -1, -1, -1},
        {"l", "integer[]", "array", -1, -1, -1},
    };
    for (size_t i = 0; i < sizeof expected / sizeof expected[0]; i++) {
        const model_column *c = column_of(&model, "t", expected[i].column);
        ck_assert_str_eq(c->type, expected[i].type);
        ck_assert_str_eq(c->family, expected[i].family);
        ck_assert_int_eq(c->length, expected[i].length);
        ck_assert_int_eq(c->precision, expected[i].precision);
        ck_assert_int_eq(c->scale, expected[i].scale);
        ck_assert_int_eq(c->line, i < 4 ? 2 : i < 10 ? 3 : 4);
    }
    ck_assert(column_of(&model, "t", "b")->not_null);
    ck_assert(column_of(&model, "t", "k")->not_null);
    ck_assert_str_eq(column_of(&model, "t", "k")->default_value, "nextval('t_k_seq'::regclass)");
    table_model_free(&model);
}
END_TEST

/* The same table as pg_dump writes it, and by hand: no drift. */
static const char pg_dump_form[] =
    "CREATE TABLE public.account (\n"
    "    id integer NOT NULL,\n"
    "    owner_id integer NOT NULL,\n"
    "    name character varying(100) DEFAULT 'x'::character varying NOT NULL\n"
    ");\n"
    "ALTER TABLE ONLY public.account ALTER COLUMN id SET DEFAULT "
    "nextval('public.account_id_seq'::regclass);\n"
    "ALTER TABLE ONLY public.account\n"
    "    ADD CONSTRAINT account_pkey PRIMARY KEY (id);\n"
    "CREATE INDEX account_name_idx ON public.account USING btree (name);\n"
    "ALTER TABLE ONLY public.account\n"
    "    ADD CONSTRAINT account_owner_id_fkey FOREIGN KEY (owner_id) REFERENCES "
    "public.person(id) ON DELETE SET NULL;\n"
    "ALTER TABLE public.account OWNER TO app;\n";

static const char hand_form[] =
    "create table account (\n"
    "  id serial primary key,\n"
    "  owner_id int not null references person (id) on delete set null,\n"
    "  name VARCHAR(100) not null default 'x'::character varying\n"
    ");\n"
    "create index account_name_idx on account (name);\n";

START_TEST(pg_dump_and_hand_written_forms_of_a_table_do_not_drift)
{
    table_model ours = {0}, theirs = {0};
    model_of(hand_form, "hand.sql", &ours);
    model_of(pg_dump_form, "dump.sql", &theirs);
    const char *tables[] = {"account"};
    drift_report report = {0};
    ck_assert_int_eq(drift_compare(&ours, &theirs, tables, 1, false, &report), 0);
    ck_assert_uint_eq(report.count, 0);
    /* --strict: the dump's OWNER TO is a difference. */
    ck_assert_int_eq(drift_compare(&ours, &theirs, tables, 1, true, &report), 0);
    ck_assert_uint_eq(report.count, 1);
    ck_assert_str_eq(report.items[0].object_kind, "owner");
    ck_assert_int_eq(report.items[0].change, DRIFT_MISSING);
    ck_assert_str_eq(report.items[0].theirs, "alter table account owner to app");
    drift_report_free(&report);
    table_model_free(&ours);
    table_model_free(&theirs);
}
END_TEST

START_TEST(a_changed_unnamed_foreign_key_is_ours_extra_and_theirs_missing)
{
    table_model ours = {0}, theirs = {0};
    model_of(hand_form, "hand.sql", &ours);
    char *changed = strdup(pg_dump_form);
    char *action = strstr(changed, "ON DELETE SET NULL");
    memcpy(action, "ON DELETE CASCADE;", 18);
    action[18] = '\n', action[19] = '\0';
    model_of(changed, "dump.sql", &theirs);
    const char *tables[] = {"account"};
    drift_report report = {0};
    ck_assert_int_eq(drift_compare(&ours, &theirs, tables, 1, false, &report), 0);
    /* Our key has no name to match theirs by: ours is extra, theirs missing. */
    ck_assert_uint_eq(report.count, 2);
    const drift_item *item = &report.items[0];
    ck_assert_str_eq(item->object_kind, "foreign key");
    ck_assert_int_eq(item->change, DRIFT_EXTRA);
    ck_assert_str_eq(item->ours, "(owner_id) references person(id) on delete set null");
    ck_assert_str_eq(item->file, "hand.sql");
    ck_assert_int_eq(item->line, 3);
    item = &report.items[1];
    ck_assert_int_eq(item->change, DRIFT_MISSING);
    ck_assert_str_eq(item->object, "account_owner_id_fkey");
    ck_assert_str_eq(item->theirs, "(owner_id) references person(id) on delete cascade");
    ck_assert_str_eq(item->file, "hand.sql");
    ck_assert_int_eq(item->line, 1); /* our CREATE TABLE, where it would go */
    drift_report_free(&report);
    free(changed);
    table_model_free(&ours);
    table_model_free(&theirs);
}
END_TEST

START_TEST(a_columns_facts_for_model_checkers)
{
    table_model model = {0};
    model_of(hand_form, "hand.sql", &model);
    const model_table *t = model_find_table(&model, "account");
    ck_assert(model_column_is_primary_key(t, "id"));
    ck_assert(!model_column_is_primary_key(t, "owner_id"));
    ck_assert(!model_column_is_unique(t, "name"));
    char *target_table = NULL, *target_column = NULL;
    ck_assert_ptr_nonnull(model_column_reference(t, "owner_id", &target_table, &target_column));
    ck_assert_str_eq(target_table, "person");
    ck_assert_str_eq(target_column, "id");
    free(target_table);
    free(target_column);
    ck_assert_ptr_null(model_column_reference(t, "name", &target_table, &target_column));
    table_model_free(&model);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("model");
    TCase *tc = tcase_create("model");
    tcase_add_test(tc, hand_written_types_take_pg_dumps_spelling_and_family);
    tcase_add_test(tc, pg_dump_and_hand_written_forms_of_a_table_do_not_drift);
    tcase_add_test(tc, a_changed_unnamed_foreign_key_is_ours_extra_and_theirs_missing);
    tcase_add_test(tc, a_columns_facts_for_model_checkers);
    suite_add_tcase(s, tc);
    SRunner *runner = srunner_create(s);
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed ? 1 : 0;
}
