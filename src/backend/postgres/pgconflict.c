/*
 * pgconflict.c — the rows that break a unique or exclusion key built over
 * the loaded rows (pgschema.c), found by the key's own comparison.
 *
 * PostgreSQL refuses the key ("could not create unique index", "could not
 * create exclusion constraint") naming the key in its DETAIL as
 * "Key (<expressions>)=(<values>) ...": the expressions are SQL, as
 * pg_get_indexdef writes them (reserved and mixed-case names quoted), the
 * values are text forms, which need not be those of any fixture (a citext
 * key's "Ann" against "ann"). So the values are not searched for: once the
 * pass is rolled back (the rows stay; they were committed by the load), a
 * self-join of the table on the key's expressions, with the key's own
 * operators (`=`, or those after WITH in an EXCLUDE), and the key's
 * predicate, finds two rows that conflict; their values of the table's
 * columns the expressions use go with the violation (diag_set_key_rows) for
 * src/fixtures/ to find their lines. The join is the failing path's cost
 * alone.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend_postgres.h"
#include "pgconn.h"
#include "sqlcursor.h"
#include "strbuf.h"

struct pg_conflict {
    size_t diag_index; /* the diag the rows go with */
    char *table;       /* schema.table, quoted */
    char *expressions; /* the DETAIL's key expressions, as written there */
    char **operators;  /* per expression; NULL: every one `=` */
    size_t operator_count;
    char *predicate;  /* the key's WHERE, NULL: none */
    bool nulls_equal; /* NULLS NOT DISTINCT */
};

static void free_conflict(pg_conflict *c)
{
    if (!c)
        return;
    free(c->table);
    free(c->expressions);
    for (size_t i = 0; i < c->operator_count; i++)
        free(c->operators[i]);
    free(c->operators);
    free(c->predicate);
    free(c);
}

void pg_conflict_forget(pg_backend *p)
{
    free_conflict(p->conflict);
    p->conflict = NULL;
}

/* The text of tokens [begin, end) as written. */
static char *raw_text(const sql_tokens *t, size_t begin, size_t end)
{
    if (begin >= end)
        return NULL;
    const sql_token *last = &t->items[end - 1];
    return strndup(t->items[begin].start,
                   (size_t)(last->start + last->length - t->items[begin].start));
}

/*
 * The expression list of "Key (<list>)=..." in a DETAIL: up to the bracket
 * closing the one after "Key ", quotes and brackets inside it skipped.
 */
static char *detail_expressions(const char *detail)
{
    if (!detail || strncmp(detail, "Key (", 5) != 0)
        return NULL;
    const char *start = detail + 5;
    int depth = 1;
    char quote = 0;
    for (const char *at = start; *at; at++) {
        if (quote) {
            if (*at == quote && at[1] == quote)
                at++;
            else if (*at == quote)
                quote = 0;
        } else if (*at == '\'' || *at == '"') {
            quote = *at;
        } else if (*at == '(') {
            depth++;
        } else if (*at == ')' && --depth == 0) {
            return strndup(start, (size_t)(at - start));
        }
    }
    return NULL;
}

/* The index of the first top-level word `word` in [i, end), or `end`. */
static size_t find_word(const sql_tokens *t, size_t i, size_t end, const char *word)
{
    while (i < end && !word_at(t, i, word))
        i = sql_skip_group(t, i, end);
    return i;
}

/* An EXCLUDE's operators, one per element: the tokens after its last top-level WITH. */
static int read_operators(pg_conflict *c, const sql_tokens *t, size_t open, size_t close)
{
    for (size_t i = open + 1; i < close;) {
        size_t comma = sql_next_top_level_comma(t, i, close), with = comma;
        for (size_t w = find_word(t, i, comma, "WITH"); w < comma;
             w = find_word(t, w + 1, comma, "WITH"))
            with = w;
        char **grown = realloc(c->operators, (c->operator_count + 1) * sizeof *grown);
        if (!grown)
            return -1;
        c->operators = grown;
        if (!(c->operators[c->operator_count] = raw_text(t, with + 1, comma)))
            return -1;
        c->operator_count++;
        i = comma + 1;
    }
    return 0;
}

/* The operators, predicate and NULLS NOT DISTINCT of the statement that failed. */
static int read_statement(pg_conflict *c, const char *sql, bool exclusion)
{
    sql_tokens t = {0};
    if (!sql || sql_tokenize_text(sql, &t) < 0)
        return exclusion ? -1 : 0;
    int rc = 0;
    size_t at = find_word(&t, 0, t.count, exclusion ? "EXCLUDE" : "UNIQUE");
    if (exclusion) {
        at += 1 + 2 * word_at(&t, at + 1, "USING");
        size_t close = sql_closing_bracket(&t, at, t.count);
        rc = punct_at(&t, at, '(') && close < t.count ? read_operators(c, &t, at, close) : -1;
        at = close;
    }
    for (size_t i = at; i + 2 < t.count; i++)
        if (word_at(&t, i, "NULLS") && word_at(&t, i + 1, "NOT") && word_at(&t, i + 2, "DISTINCT"))
            c->nulls_equal = true;
    size_t where = find_word(&t, at < t.count ? at : 0, t.count, "WHERE");
    if (rc == 0 && where < t.count) {
        /* EXCLUDE ... WHERE (predicate) [DEFERRABLE ...]; CREATE INDEX ... WHERE predicate */
        size_t end = exclusion ? sql_skip_group(&t, where + 1, t.count) : t.count;
        rc = (c->predicate = raw_text(&t, where + 1, end)) ? 0 : -1;
    }
    sql_tokens_free(&t);
    return rc;
}

diag *pg_conflict_note(pg_backend *p, PGresult *result, const sql_statement *source,
                       diag_list *diags)
{
    const char *state = PQresultErrorField(result, PG_DIAG_SQLSTATE);
    bool exclusion = state && strcmp(state, "23P01") == 0;
    const char *detail = PQresultErrorField(result, PG_DIAG_MESSAGE_DETAIL);
    const char *constraint = PQresultErrorField(result, PG_DIAG_CONSTRAINT_NAME);
    const char *table = PQresultErrorField(result, PG_DIAG_TABLE_NAME);
    const char *schema = PQresultErrorField(result, PG_DIAG_SCHEMA_NAME);
    /* Said as it is of a row refused on arrival: "... already exists.", "... conflicts with
       existing key ..." */
    strbuf words = STRBUF_INIT;
    strbuf_appendf(&words, "%s key value violates %s constraint \"%s\"",
                   exclusion ? "conflicting" : "duplicate", exclusion ? "exclusion" : "unique",
                   constraint ? constraint : "?");
    const char *duplicated = detail ? strstr(detail, ") is duplicated.") : NULL;
    if (duplicated && !duplicated[16])
        strbuf_appendf(&words, ": %.*s) already exists.", (int)(duplicated - detail), detail);
    else if (detail)
        strbuf_appendf(&words, ": %s", detail);
    diag *d =
        diag_add(diags, NULL, 0, 0, "%s", words.failed ? "a key is broken" : strbuf_str(&words));
    strbuf_free(&words);
    /* Without the rows (when they cannot be found), a one-column key's value is looked for */
    char column[128], value[256];
    bool one = duplicated &&
               sscanf(detail, "Key (%127[^)])=(%255[^)]) is duplicated.", column, value) == 2;
    diag_set_violation(d, table, constraint, one ? column : NULL, one ? value : NULL, 0);
    if (d && d->violation)
        d->violation->duplicate = true;
    pg_conflict_forget(p);
    pg_conflict *c = d && d->violation && table ? calloc(1, sizeof *c) : NULL;
    if (!c)
        return d;
    c->diag_index = (size_t)(d - diags->items);
    c->table = pgconn_quote_table(p->db, schema, table);
    c->expressions = detail_expressions(detail);
    if (!c->table || !c->expressions ||
        read_statement(c, source ? source->text : NULL, exclusion) < 0)
        free_conflict(c);
    else
        p->conflict = c;
    return d;
}

/* The table's columns, in order; NULL when they cannot be read. */
static PGresult *table_columns(PGconn *conn, const char *table)
{
    const char *params[] = {table};
    PGresult *result = PQexecParams(conn,
                                    "SELECT attname FROM pg_attribute WHERE attrelid = "
                                    "$1::regclass AND attnum > 0 AND NOT attisdropped "
                                    "ORDER BY attnum",
                                    1, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(result) == PGRES_TUPLES_OK)
        return result;
    PQclear(result);
    return NULL;
}

/*
 * The columns the expressions use (names, each once, in the table's order):
 * the identifiers among their tokens that name a column of the table.
 */
static size_t key_columns(const sql_tokens *t, PGresult *columns, const char **names)
{
    size_t count = 0;
    for (int row = 0; row < PQntuples(columns); row++) {
        const char *name = PQgetvalue(columns, row, 0);
        bool used = false;
        for (size_t i = 0; !used && i < t->count; i++) {
            char *id =
                is_identifier_token(&t->items[i]) ? sql_token_identifier(&t->items[i]) : NULL;
            used = id && strcmp(id, name) == 0 && !punct_at(t, i + 1, '(') &&
                   !(i && t->items[i - 1].kind == SQL_TOKEN_OPERATOR);
            free(id);
        }
        if (used)
            names[count++] = name;
    }
    return count;
}

/* ", a.c1, a.c2" for `side` "a." or "b." (or ""). */
static void append_columns(strbuf *sb, PGconn *conn, const char *side, const char **names,
                           size_t count)
{
    for (size_t i = 0; i < count; i++) {
        char *quoted = pgconn_quote_identifier(conn, names[i]);
        strbuf_appendf(sb, ", %s%s", side, quoted ? quoted : "\"?\"");
        free(quoted);
    }
}

/*
 * WITH k AS (SELECT ctid AS foster_row, (e1) AS foster_key_1, ..., <columns>
 *            FROM table WHERE (predicate))
 * SELECT NULL, a.<columns>, b.<columns> FROM k a JOIN k b ON a.foster_row < b.foster_row
 *   AND a.foster_key_1 <op1> b.foster_key_1 ... ORDER BY b.foster_row, a.foster_row LIMIT 1
 */
static char *conflict_query(PGconn *conn, const pg_conflict *c, const sql_tokens *t,
                            const char **names, size_t count)
{
    strbuf sb = STRBUF_INIT;
    strbuf_append_str(&sb, "WITH k AS (SELECT ctid AS foster_row");
    size_t expressions = 0;
    for (size_t i = 0; i < t->count; i = sql_next_top_level_comma(t, i, t->count) + 1) {
        char *e = raw_text(t, i, sql_next_top_level_comma(t, i, t->count));
        strbuf_appendf(&sb, ", (%s) AS foster_key_%zu", e ? e : "NULL", ++expressions);
        free(e);
    }
    append_columns(&sb, conn, "", names, count);
    strbuf_appendf(&sb, " FROM %s", c->table);
    if (c->predicate)
        strbuf_appendf(&sb, " WHERE (%s)", c->predicate);
    strbuf_append_str(&sb, ") SELECT NULL");
    append_columns(&sb, conn, "a.", names, count);
    append_columns(&sb, conn, "b.", names, count);
    strbuf_append_str(&sb, " FROM k a JOIN k b ON a.foster_row < b.foster_row");
    for (size_t i = 0; i < expressions; i++) {
        const char *op = c->operators ? c->operators[i] : "=";
        if (c->nulls_equal && !c->operators)
            op = "IS NOT DISTINCT FROM";
        strbuf_appendf(&sb, " AND a.foster_key_%zu %s b.foster_key_%zu", i + 1, op, i + 1);
    }
    strbuf_append_str(&sb, " ORDER BY b.foster_row, a.foster_row LIMIT 1");
    if (c->operators && c->operator_count != expressions)
        sb.failed = true;
    return sb.failed ? (strbuf_free(&sb), NULL) : strbuf_detach(&sb);
}

/* The two rows' values of `count` columns, to the diag; 0 or -1. */
static int give_rows(PGresult *rows, size_t count, const char **names, diag *d)
{
    const char **values = calloc(2 * count, sizeof *values);
    if (!values)
        return -1;
    for (size_t i = 0; i < 2 * count; i++)
        values[i] = PQgetisnull(rows, 0, (int)i + 1) ? NULL : PQgetvalue(rows, 0, (int)i + 1);
    int rc = diag_set_key_rows(d, count, names, 2, values);
    free(values);
    return rc;
}

void pg_conflict_locate(pg_backend *p, diag_list *diags)
{
    pg_conflict *c = p->conflict;
    p->conflict = NULL;
    sql_tokens t = {0};
    PGresult *columns = NULL, *rows = NULL;
    if (!c || c->diag_index >= diags->count || sql_tokenize_text(c->expressions, &t) < 0 ||
        !t.count || !(columns = table_columns(p->db, c->table)))
        goto done;
    const char **names = calloc((size_t)PQntuples(columns) + 1, sizeof *names);
    size_t count = names ? key_columns(&t, columns, names) : 0;
    char *sql = count ? conflict_query(p->db, c, &t, names, count) : NULL;
    /* A bound on the join, which without an index compares every pair */
    diag_list ignored = DIAG_LIST_INIT;
    if (sql && pgconn_command(p->db, "BEGIN READ ONLY", "begin", &ignored) == 0 &&
        pgconn_command(p->db, "SET LOCAL statement_timeout = '60s'", "timeout", &ignored) == 0) {
        rows = PQexec(p->db, sql);
        if (PQresultStatus(rows) == PGRES_TUPLES_OK && PQntuples(rows) == 1)
            give_rows(rows, count, names, &diags->items[c->diag_index]);
        pgconn_command(p->db, "ROLLBACK", "rollback", &ignored);
    }
    diag_list_clear(&ignored);
    free(sql);
    free(names);
done:
    PQclear(rows);
    PQclear(columns);
    sql_tokens_free(&t);
    free_conflict(c);
}
