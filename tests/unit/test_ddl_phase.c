/*
 * test_ddl_phase.c — specification of ddl_statement_phase and ddl_text_phase
 * (src/sql/ddl_phase.h): which statements of a pg_dump file run before the
 * fixtures load, which after, and which last (triggers).
 */
#include <check.h>
#include <string.h>

#include "ddl.h"
#include "ddl_phase.h"

/* The phase of each statement of `text`, as a string of letters: - P D T. */
static void expect_phases(const char *text, const char *expected)
{
    sql_script script = {0};
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_int_eq(sql_split(text, strlen(text), "t.sql", &script, &diags), 0);
    ddl_file file = {0};
    ck_assert_int_eq(ddl_analyze(&script, "t.sql", &file, &diags), 0);
    char got[64] = "";
    for (size_t i = 0; i < file.statement_count && i + 1 < sizeof got; i++)
        got[i] = "-PDT"[ddl_statement_phase(&file.statements[i])];
    ck_assert_str_eq(got, expected);
    ddl_file_free(&file);
    diag_list_clear(&diags);
}

START_TEST(test_tables_types_sequences_and_functions_come_before_the_data)
{
    expect_phases("CREATE SCHEMA billing;\n"
                  "CREATE TYPE mood AS ENUM ('sad', 'ok');\n"
                  "CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; "
                  "END$$;\n"
                  "CREATE TABLE public.t (id integer NOT NULL, p integer REFERENCES public.p(id), "
                  "PRIMARY KEY (id));\n"
                  "CREATE SEQUENCE public.t_id_seq;\n"
                  "ALTER SEQUENCE public.t_id_seq OWNED BY public.t.id;\n"
                  "ALTER TABLE ONLY public.t ALTER COLUMN id SET DEFAULT "
                  "nextval('public.t_id_seq'::regclass);\n"
                  "ALTER TABLE public.t ADD CONSTRAINT t_id_check CHECK ((id > 0));\n",
                  "PPPPPPPP");
}
END_TEST

START_TEST(test_keys_and_indexes_pg_dump_adds_come_after_the_data)
{
    expect_phases(
        "ALTER TABLE ONLY public.t ADD CONSTRAINT t_pkey PRIMARY KEY (id);\n"
        "ALTER TABLE ONLY public.t ADD CONSTRAINT t_code_key UNIQUE (code);\n"
        "ALTER TABLE ONLY public.t ADD CONSTRAINT t_p_fkey FOREIGN KEY (p) "
        "REFERENCES public.p(id) DEFERRABLE INITIALLY DEFERRED;\n"
        "ALTER TABLE public.t ADD PRIMARY KEY (id);\n"
        "ALTER TABLE ONLY public.t ADD CONSTRAINT t_excl EXCLUDE USING gist (r WITH &&);\n"
        "CREATE INDEX t_p_idx ON public.t USING btree (p);\n"
        "CREATE UNIQUE INDEX t_lower_idx ON public.t USING btree (lower(code));\n"
        "ALTER TABLE public.t CLUSTER ON t_pkey;\n"
        "ALTER TABLE ONLY public.t REPLICA IDENTITY USING INDEX t_pkey;\n"
        "ALTER TABLE public.t ENABLE ROW LEVEL SECURITY;\n"
        "CREATE POLICY p ON public.t USING (true);\n"
        "CREATE RULE r AS ON UPDATE TO public.t DO INSTEAD NOTHING;\n",
        "DDDDDDDDDDDD");
}
END_TEST

START_TEST(test_triggers_come_last_and_skipped_statements_nowhere)
{
    expect_phases("CREATE TRIGGER t_noted AFTER INSERT ON public.t FOR EACH ROW EXECUTE FUNCTION "
                  "f();\n"
                  "CREATE OR REPLACE TRIGGER t2 BEFORE UPDATE ON public.t FOR EACH ROW EXECUTE "
                  "FUNCTION f();\n"
                  "CREATE CONSTRAINT TRIGGER t3 AFTER INSERT ON public.t FOR EACH ROW EXECUTE "
                  "FUNCTION f();\n"
                  "ALTER TABLE public.t DISABLE TRIGGER t_noted;\n"
                  "ALTER TABLE public.t ENABLE ALWAYS TRIGGER t2;\n"
                  "ALTER TABLE public.t OWNER TO someone;\n"
                  "SET search_path = '';\n"
                  "COMMENT ON TABLE public.t IS 'x';\n",
                  "TTTTT---");
}
END_TEST

START_TEST(test_sqlite_statements_by_their_first_words)
{
    ck_assert_int_eq(ddl_text_phase("CREATE TABLE t (id INTEGER PRIMARY KEY)"), DDL_PHASE_PRE_DATA);
    ck_assert_int_eq(ddl_text_phase("CREATE INDEX t_p ON t (p)"), DDL_PHASE_POST_DATA);
    ck_assert_int_eq(ddl_text_phase("create unique index t_c on t (c)"), DDL_PHASE_POST_DATA);
    ck_assert_int_eq(ddl_text_phase("CREATE TRIGGER x AFTER INSERT ON t BEGIN SELECT 1; END"),
                     DDL_PHASE_TRIGGERS);
    ck_assert_int_eq(ddl_text_phase("CREATE TEMP TRIGGER x AFTER INSERT ON t BEGIN SELECT 1; END"),
                     DDL_PHASE_TRIGGERS);
    ck_assert_int_eq(ddl_text_phase("CREATE VIEW v AS SELECT 1"), DDL_PHASE_PRE_DATA);
}
END_TEST

int main(void)
{
    Suite *suite = suite_create("ddl_phase");
    TCase *phases = tcase_create("phases");
    tcase_add_test(phases, test_tables_types_sequences_and_functions_come_before_the_data);
    tcase_add_test(phases, test_keys_and_indexes_pg_dump_adds_come_after_the_data);
    tcase_add_test(phases, test_triggers_come_last_and_skipped_statements_nowhere);
    tcase_add_test(phases, test_sqlite_statements_by_their_first_words);
    suite_add_tcase(suite, phases);
    SRunner *runner = srunner_create(suite);
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed ? 1 : 0;
}
