/* test_ddl_elements.c — specification of the reader of a CREATE TABLE's column list
 * (src/sql/ddl_elements.h): element kinds, each constraint's parts as token ranges,
 * quoted names, brackets nested in DEFAULT and CHECK, and what it says of odd input. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "ddl_elements.h"
#include "sqlcursor.h"

typedef struct parsed {
    char *text;
    sql_tokens tokens;
    ddl_elements elements;
} parsed;

/* Tokenises `sql` and reads the elements of its first bracketed list. */
static void parse(parsed *p, const char *sql)
{
    memset(p, 0, sizeof *p);
    p->text = strdup(sql);
    ck_assert_ptr_nonnull(p->text);
    sql_statement statement = {p->text, 1, 1, false};
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_int_eq(sql_tokenize(&statement, "t.sql", &p->tokens, &diags), 0);
    size_t open = 0;
    while (open < p->tokens.count && !punct_at(&p->tokens, open, '('))
        open++;
    size_t close = sql_closing_bracket(&p->tokens, open, p->tokens.count);
    ck_assert_uint_lt(close, p->tokens.count);
    ck_assert_int_eq(ddl_read_elements(&p->tokens, open, close, &p->elements), 0);
    ck_assert_uint_eq(p->elements.open, open);
    ck_assert_uint_eq(p->elements.close, close);
}

/* Every range lies in its element, every element in the list: nothing read past its end. */
static void assert_nested(const parsed *p)
{
    for (size_t i = 0; i < p->elements.count; i++) {
        const ddl_element *e = &p->elements.items[i];
        ck_assert_uint_le(e->range.begin, e->range.end);
        ck_assert_uint_le(e->range.end, p->elements.close);
        for (size_t k = 0; k < e->constraint_count; k++) {
            const ddl_constraint *c = &e->constraints[k];
            ck_assert_uint_ge(c->range.begin, e->range.begin);
            ck_assert_uint_le(c->range.end, e->range.end);
            ck_assert_uint_le(c->options.end, c->range.end);
            ck_assert_uint_le(c->expr.end, c->range.end);
        }
    }
}

static void parsed_free(parsed *p)
{
    assert_nested(p);
    ddl_elements_free(&p->elements);
    sql_tokens_free(&p->tokens);
    free(p->text);
}

/* Asserts that `range` holds the source text `expected`, from its first token to its last. */
static void assert_range(const parsed *p, sql_range range, const char *expected)
{
    ck_assert_uint_le(range.begin, range.end);
    if (range.begin == range.end) {
        ck_assert_str_eq("", expected);
        return;
    }
    const sql_token *first = &p->tokens.items[range.begin];
    const sql_token *last = &p->tokens.items[range.end - 1];
    int length = (int)(last->start + last->length - first->start);
    ck_assert_msg(strlen(expected) == (size_t)length && memcmp(first->start, expected, length) == 0,
                  "range is \"%.*s\", expected \"%s\"", length, first->start, expected);
}

static void assert_token(const parsed *p, size_t index, const char *expected)
{
    ck_assert_uint_lt(index, p->tokens.count);
    assert_range(p, (sql_range){index, index + 1}, expected);
}

static const ddl_element *element(const parsed *p, size_t i, ddl_element_kind kind)
{
    ck_assert_uint_lt(i, p->elements.count);
    ck_assert_int_eq(p->elements.items[i].kind, kind);
    return &p->elements.items[i];
}

START_TEST(test_columns_types_and_inline_constraints)
{
    parsed p;
    parse(&p, "CREATE TABLE public.account (\n"
              "    id integer NOT NULL,\n"
              "    name character varying(150) DEFAULT 'x'::text NOT NULL,\n"
              "    balance numeric(12, 2) NULL CHECK ((balance >= (0)::numeric)),\n"
              "    owner_id bigint CONSTRAINT account_owner_fk REFERENCES auth.owner (id) "
              "ON DELETE CASCADE,\n"
              "    code text COLLATE pg_catalog.\"C\" UNIQUE PRIMARY KEY\n"
              ")");
    ck_assert_uint_eq(p.elements.count, 5);

    const ddl_element *id = element(&p, 0, DDL_ELEMENT_COLUMN);
    assert_token(&p, id->name, "id");
    assert_range(&p, id->type, "integer");
    assert_range(&p, id->range, "id integer NOT NULL");
    ck_assert_uint_eq(id->constraint_count, 1);
    ck_assert_int_eq(id->constraints[0].kind, DDL_CONSTRAINT_NOT_NULL);
    ck_assert_ptr_null(id->expected);

    const ddl_element *name = element(&p, 1, DDL_ELEMENT_COLUMN);
    assert_range(&p, name->type, "character varying(150)");
    ck_assert_uint_eq(name->constraint_count, 2);
    ck_assert_int_eq(name->constraints[0].kind, DDL_CONSTRAINT_DEFAULT);
    assert_range(&p, name->constraints[0].expr, "'x'::text");
    assert_range(&p, name->constraints[0].range, "DEFAULT 'x'::text");
    ck_assert_int_eq(name->constraints[1].kind, DDL_CONSTRAINT_NOT_NULL);

    const ddl_element *balance = element(&p, 2, DDL_ELEMENT_COLUMN);
    assert_range(&p, balance->type, "numeric(12, 2)");
    ck_assert_uint_eq(balance->constraint_count, 2);
    ck_assert_int_eq(balance->constraints[0].kind, DDL_CONSTRAINT_NULL);
    ck_assert_int_eq(balance->constraints[1].kind, DDL_CONSTRAINT_CHECK);
    assert_range(&p, balance->constraints[1].expr, "(balance >= (0)::numeric)");

    const ddl_element *owner = element(&p, 3, DDL_ELEMENT_COLUMN);
    ck_assert_uint_eq(owner->constraint_count, 1);
    const ddl_constraint *fk = &owner->constraints[0];
    ck_assert_int_eq(fk->kind, DDL_CONSTRAINT_FOREIGN_KEY);
    assert_token(&p, fk->name, "account_owner_fk");
    assert_token(&p, fk->keyword, "REFERENCES");
    assert_range(&p, fk->target, "auth.owner");
    assert_range(&p, fk->target_columns, "id");
    assert_range(&p, fk->options, "ON DELETE CASCADE");
    assert_range(&p, fk->range,
                 "CONSTRAINT account_owner_fk REFERENCES auth.owner (id) ON DELETE CASCADE");

    const ddl_element *code = element(&p, 4, DDL_ELEMENT_COLUMN);
    ck_assert_uint_eq(code->constraint_count, 3);
    ck_assert_int_eq(code->constraints[0].kind, DDL_CONSTRAINT_COLLATE);
    assert_range(&p, code->constraints[0].expr, "pg_catalog.\"C\"");
    ck_assert_int_eq(code->constraints[1].kind, DDL_CONSTRAINT_UNIQUE);
    ck_assert_uint_eq(code->constraints[1].columns.begin, code->constraints[1].columns.end);
    ck_assert_int_eq(code->constraints[2].kind, DDL_CONSTRAINT_PRIMARY_KEY);
    ck_assert_ptr_eq(ddl_element_constraint(code, DDL_CONSTRAINT_PRIMARY_KEY),
                     &code->constraints[2]);
    ck_assert_ptr_null(ddl_element_constraint(code, DDL_CONSTRAINT_CHECK));
    parsed_free(&p);
}
END_TEST

START_TEST(test_quoted_names_are_columns_not_keywords)
{
    parsed p;
    parse(&p, "CREATE TABLE t (\"Order\" \"char\", \"primary\" text, \"check\" int[] NOT NULL)");
    ck_assert_uint_eq(p.elements.count, 3);
    const ddl_element *order = element(&p, 0, DDL_ELEMENT_COLUMN);
    assert_token(&p, order->name, "\"Order\"");
    assert_range(&p, order->type, "\"char\"");
    ck_assert_uint_eq(order->constraint_count, 0);
    const ddl_element *primary = element(&p, 1, DDL_ELEMENT_COLUMN);
    assert_token(&p, primary->name, "\"primary\"");
    const ddl_element *check = element(&p, 2, DDL_ELEMENT_COLUMN);
    assert_range(&p, check->type, "int[]");
    ck_assert_int_eq(check->constraints[0].kind, DDL_CONSTRAINT_NOT_NULL);
    parsed_free(&p);
}
END_TEST

START_TEST(test_nested_brackets_in_default_and_check)
{
    parsed p;
    parse(&p, "CREATE TABLE t (\n"
              "  a integer DEFAULT (COALESCE((1), 2) + 3) CHECK (a IN (1, (2), 3)) NOT NULL,\n"
              "  b bigint DEFAULT nextval('public.b_seq'::regclass) NOT NULL,\n"
              "  c text DEFAULT NULL,\n"
              "  d text DEFAULT upper('a, b') DEFERRABLE\n"
              ")");
    ck_assert_uint_eq(p.elements.count, 4);
    const ddl_element *a = element(&p, 0, DDL_ELEMENT_COLUMN);
    ck_assert_uint_eq(a->constraint_count, 3);
    assert_range(&p, a->constraints[0].expr, "(COALESCE((1), 2) + 3)");
    ck_assert(!ddl_range_calls_nextval(&p.tokens, a->constraints[0].expr));
    assert_range(&p, a->constraints[1].expr, "a IN (1, (2), 3)");
    ck_assert_int_eq(a->constraints[2].kind, DDL_CONSTRAINT_NOT_NULL);
    const ddl_element *b = element(&p, 1, DDL_ELEMENT_COLUMN);
    assert_range(&p, b->constraints[0].expr, "nextval('public.b_seq'::regclass)");
    ck_assert(ddl_range_calls_nextval(&p.tokens, b->constraints[0].expr));
    const ddl_element *c = element(&p, 2, DDL_ELEMENT_COLUMN);
    ck_assert_uint_eq(c->constraint_count, 1);
    assert_range(&p, c->constraints[0].expr, "NULL"); /* NULL is the expression here */
    const ddl_element *d = element(&p, 3, DDL_ELEMENT_COLUMN);
    assert_range(&p, d->constraints[0].expr, "upper('a, b')");
    ck_assert_uint_eq(d->constraint_count, 2); /* deferral belongs to keys, not DEFAULT */
    assert_range(&p, d->constraints[0].options, "");
    ck_assert_int_eq(d->constraints[1].kind, DDL_CONSTRAINT_OTHER);
    ck_assert_str_eq(d->expected, "a column constraint");
    assert_token(&p, d->error_at, "DEFERRABLE");
    parsed_free(&p);
}
END_TEST

START_TEST(test_generated_and_identity_columns)
{
    parsed p;
    parse(&p, "CREATE TABLE t (\n"
              "  id bigint GENERATED BY DEFAULT AS IDENTITY (START WITH 10 INCREMENT BY 2),\n"
              "  n integer GENERATED ALWAYS AS IDENTITY NOT NULL,\n"
              "  twice integer GENERATED ALWAYS AS (n * 2) STORED,\n"
              "  s text STORAGE EXTERNAL COMPRESSION pglz\n"
              ")");
    const ddl_element *id = element(&p, 0, DDL_ELEMENT_COLUMN);
    ck_assert_uint_eq(id->constraint_count, 1);
    ck_assert_int_eq(id->constraints[0].kind, DDL_CONSTRAINT_IDENTITY);
    assert_range(&p, id->constraints[0].expr, "START WITH 10 INCREMENT BY 2");
    const ddl_element *n = element(&p, 1, DDL_ELEMENT_COLUMN);
    ck_assert_uint_eq(n->constraint_count, 2);
    ck_assert_int_eq(n->constraints[0].kind, DDL_CONSTRAINT_IDENTITY);
    ck_assert_uint_eq(n->constraints[0].expr.begin, n->constraints[0].expr.end);
    const ddl_element *twice = element(&p, 2, DDL_ELEMENT_COLUMN);
    ck_assert_int_eq(twice->constraints[0].kind, DDL_CONSTRAINT_GENERATED);
    assert_range(&p, twice->constraints[0].expr, "n * 2");
    assert_range(&p, twice->constraints[0].range, "GENERATED ALWAYS AS (n * 2) STORED");
    const ddl_element *s = element(&p, 3, DDL_ELEMENT_COLUMN);
    ck_assert_uint_eq(s->constraint_count, 2);
    ck_assert_int_eq(s->constraints[0].kind, DDL_CONSTRAINT_STORAGE);
    assert_range(&p, s->constraints[1].expr, "pglz");
    parsed_free(&p);
}
END_TEST

START_TEST(test_table_constraints_and_like)
{
    parsed p;
    parse(&p, "CREATE TABLE t (\n"
              "  a int, b int,\n"
              "  CONSTRAINT t_pkey PRIMARY KEY (a, b) INCLUDE (c) DEFERRABLE INITIALLY DEFERRED,\n"
              "  UNIQUE NULLS NOT DISTINCT (b),\n"
              "  FOREIGN KEY (a, b) REFERENCES other (x, y) MATCH FULL ON DELETE SET NULL (a) "
              "ON UPDATE NO ACTION,\n"
              "  CONSTRAINT positive CHECK (a > 0 AND (b > 0)) NO INHERIT,\n"
              "  EXCLUDE USING gist (a WITH =),\n"
              "  LIKE template INCLUDING ALL\n"
              ")");
    ck_assert_uint_eq(p.elements.count, 8);
    const ddl_element *pk = element(&p, 2, DDL_ELEMENT_CONSTRAINT);
    ck_assert_uint_eq(pk->constraint_count, 1);
    ck_assert_int_eq(pk->constraints[0].kind, DDL_CONSTRAINT_PRIMARY_KEY);
    assert_token(&p, pk->constraints[0].name, "t_pkey");
    assert_range(&p, pk->constraints[0].columns, "a, b");
    assert_range(&p, pk->constraints[0].options, "INCLUDE (c) DEFERRABLE INITIALLY DEFERRED");
    ck_assert_uint_eq(pk->name, DDL_NO_TOKEN);
    const ddl_element *unique = element(&p, 3, DDL_ELEMENT_CONSTRAINT);
    ck_assert_int_eq(unique->constraints[0].kind, DDL_CONSTRAINT_UNIQUE);
    ck_assert_uint_eq(unique->constraints[0].name, DDL_NO_TOKEN);
    assert_range(&p, unique->constraints[0].columns, "b");
    const ddl_element *fk = element(&p, 4, DDL_ELEMENT_CONSTRAINT);
    ck_assert_int_eq(fk->constraints[0].kind, DDL_CONSTRAINT_FOREIGN_KEY);
    assert_range(&p, fk->constraints[0].columns, "a, b");
    assert_range(&p, fk->constraints[0].target, "other");
    assert_range(&p, fk->constraints[0].target_columns, "x, y");
    assert_range(&p, fk->constraints[0].options,
                 "MATCH FULL ON DELETE SET NULL (a) ON UPDATE NO ACTION");
    ck_assert_ptr_null(fk->expected);
    const ddl_element *check = element(&p, 5, DDL_ELEMENT_CONSTRAINT);
    ck_assert_int_eq(check->constraints[0].kind, DDL_CONSTRAINT_CHECK);
    assert_range(&p, check->constraints[0].expr, "a > 0 AND (b > 0)");
    assert_range(&p, check->constraints[0].options, "NO INHERIT");
    const ddl_element *exclude = element(&p, 6, DDL_ELEMENT_CONSTRAINT);
    ck_assert_int_eq(exclude->constraints[0].kind, DDL_CONSTRAINT_EXCLUDE);
    assert_range(&p, exclude->constraints[0].range, "EXCLUDE USING gist (a WITH =)");
    const ddl_element *like = element(&p, 7, DDL_ELEMENT_LIKE);
    assert_range(&p, like->range, "LIKE template INCLUDING ALL");
    ck_assert_uint_eq(like->constraint_count, 0);
    parsed_free(&p);
}
END_TEST

START_TEST(test_empty_list_has_no_elements)
{
    parsed p;
    parse(&p, "CREATE TABLE t ()");
    ck_assert_uint_eq(p.elements.count, 0);
    parsed_free(&p);
}
END_TEST

/* The element at `i` names `expected` at the token written `at` (NULL: the element's end). */
static void assert_error(const parsed *p, size_t i, ddl_element_kind kind, const char *expected,
                         const char *at)
{
    const ddl_element *e = element(p, i, kind);
    ck_assert_ptr_nonnull(e->expected);
    ck_assert_str_eq(e->expected, expected);
    if (at)
        assert_token(p, e->error_at, at);
    else
        ck_assert_uint_eq(e->error_at, e->range.end);
}

START_TEST(test_malformed_elements_say_what_was_expected)
{
    parsed p;
    parse(&p, "CREATE TABLE t (\n"
              "  lonely,\n"
              "  ,\n"
              "  b int DEFAULT,\n"
              "  c int REFERENCES,\n"
              "  CHECK a > 0,\n"
              "  d int CONSTRAINT,\n"
              "  e int GENERATED ALWAYS,\n"
              "  f int NOT VALID,\n"
              "  42,\n"
              "  PRIMARY KEY (a) extra,\n"
              "  UNIQUE NULLS,\n"
              "  z int REFERENCES y ON DELETE NO\n"
              ")");
    ck_assert_uint_eq(p.elements.count, 12);
    assert_error(&p, 0, DDL_ELEMENT_COLUMN, "a column type", NULL);
    assert_error(&p, 1, DDL_ELEMENT_EMPTY, "a column or a constraint", NULL);
    assert_error(&p, 2, DDL_ELEMENT_COLUMN, "an expression after DEFAULT", NULL);
    assert_error(&p, 3, DDL_ELEMENT_COLUMN, "a table name after REFERENCES", NULL);
    assert_error(&p, 4, DDL_ELEMENT_CONSTRAINT, "a bracketed expression after CHECK", "a");
    assert_error(&p, 5, DDL_ELEMENT_COLUMN, "a constraint name", NULL);
    assert_error(&p, 6, DDL_ELEMENT_COLUMN, "ALWAYS AS or BY DEFAULT AS after GENERATED", "ALWAYS");
    assert_error(&p, 7, DDL_ELEMENT_COLUMN, "a column constraint", "NOT");
    assert_error(&p, 8, DDL_ELEMENT_OTHER, "a column name", "42");
    assert_error(&p, 9, DDL_ELEMENT_CONSTRAINT, "the end of the constraint", "extra");
    const ddl_element *unique = element(&p, 10, DDL_ELEMENT_CONSTRAINT);
    ck_assert_uint_eq(unique->constraints[0].range.end, unique->range.end);
    const ddl_element *z = element(&p, 11, DDL_ELEMENT_COLUMN);
    assert_range(&p, z->constraints[0].options, "ON DELETE NO");
    parsed_free(&p);
}
END_TEST

START_TEST(test_unclosed_bracket_inside_an_element)
{
    char text[] = "a int CHECK (a > 0";
    sql_statement statement = {text, 1, 1, false};
    sql_tokens t = {0};
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_int_eq(sql_tokenize(&statement, "t.sql", &t, &diags), 0);
    ddl_element e;
    ck_assert_int_eq(ddl_read_element(&t, 0, t.count, &e), 0);
    ck_assert_int_eq(e.kind, DDL_ELEMENT_COLUMN);
    ck_assert_uint_eq(e.constraint_count, 1);
    ck_assert_int_eq(e.constraints[0].kind, DDL_CONSTRAINT_CHECK);
    ck_assert_str_eq(e.expected, "a closing bracket");
    ck_assert_uint_eq(e.error_at, 3); /* the "(" */
    ck_assert_uint_eq(e.constraints[0].range.end, t.count);
    ddl_element_free(&e);
    sql_tokens_free(&t);
}
END_TEST

static Suite *ddl_elements_suite(void)
{
    Suite *suite = suite_create("ddl_elements");
    TCase *read = tcase_create("read");
    tcase_add_test(read, test_columns_types_and_inline_constraints);
    tcase_add_test(read, test_quoted_names_are_columns_not_keywords);
    tcase_add_test(read, test_nested_brackets_in_default_and_check);
    tcase_add_test(read, test_generated_and_identity_columns);
    tcase_add_test(read, test_table_constraints_and_like);
    tcase_add_test(read, test_empty_list_has_no_elements);
    suite_add_tcase(suite, read);
    TCase *errors = tcase_create("errors");
    tcase_add_test(errors, test_malformed_elements_say_what_was_expected);
    tcase_add_test(errors, test_unclosed_bracket_inside_an_element);
    suite_add_tcase(suite, errors);
    return suite;
}

int main(void)
{
    SRunner *runner = srunner_create(ddl_elements_suite());
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
