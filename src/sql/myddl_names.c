/*
 * myddl_names.c — the names of tables and sequences in a MySQL/MariaDB
 * schema file, and the database qualifiers on them.
 *
 * mariadb-dump qualifies a sequence a column default draws from with the
 * owner's database (DEFAULT nextval(`owner`.`invoice_seq`)). Run as written,
 * that statement would make foster's test table write into the owner's
 * sequence. So every qualifier on a table or sequence name is looked at:
 * one that names the dump's own database (its header's "Database: x") or
 * sits on a name the file itself creates is blanked out of the statement's
 * text (spaces: lines and columns stay), so the name resolves inside
 * foster's database; any other is refused at its place. See myddl.h.
 */
#include <stdlib.h>
#include <string.h>

#include "ddl_internal.h"
#include "myddl.h"
#include "myddl_internal.h"
#include "mysplit.h"
#include "strbuf.h"

/* Where a sequence name follows token `i`: nextval(s), lastval(s), setval(s, ...),
 * NEXT VALUE FOR s, PREVIOUS VALUE FOR s. The index of the name, or 0. */
static size_t sequence_name_at(const sql_tokens *t, size_t i)
{
    if ((word_at(t, i, "NEXTVAL") || word_at(t, i, "LASTVAL") || word_at(t, i, "SETVAL")) &&
        punct_at(t, i + 1, '('))
        return i + 2;
    if ((word_at(t, i, "NEXT") || word_at(t, i, "PREVIOUS")) && word_at(t, i + 1, "VALUE") &&
        word_at(t, i + 2, "FOR"))
        return i + 3;
    return 0;
}

/* The index of the table or sequence name the statement is about (CREATE/ALTER TABLE or
 * SEQUENCE x, ... ON x for an index or trigger), or 0. */
static size_t head_name_at(const ddl_statement *st, const sql_tokens *t)
{
    for (size_t i = 1; i < t->count && i < 16 && !punct_at(t, i, '('); i++) {
        bool named = word_at(t, i, "TABLE") || word_at(t, i, "SEQUENCE") ||
                     (word_at(t, i, "ON") &&
                      (st->kind == DDL_CREATE_INDEX || st->kind == DDL_CREATE_TRIGGER));
        if (!named || word_at(t, 0, "DO") || word_at(t, 0, "SELECT"))
            continue;
        i++;
        if (word_at(t, i, "IF") && word_at(t, i + 1, "NOT") && word_at(t, i + 2, "EXISTS"))
            i += 3;
        else if (word_at(t, i, "IF") && word_at(t, i + 1, "EXISTS"))
            i += 2;
        return i;
    }
    return 0;
}

long my_statement_sequences(const ddl_statement *st, const char *display_name, char ***out)
{
    *out = NULL;
    sql_tokens t = {0};
    diag_list ignored = DIAG_LIST_INIT;
    int rc = my_sql_tokenize(st->source, display_name, &t, &ignored);
    diag_list_clear(&ignored);
    if (rc < 0)
        return 0; /* the reader already said what is wrong with it */
    ddl_statement names = {0};
    for (size_t i = 0; rc == 0 && i < t.count; i++) {
        size_t at = sequence_name_at(&t, i);
        sql_name_parts name = {{NULL}, 0};
        if (at && sql_read_name(&t, &at, &name) > 0) {
            char *copy = strdup(name.part[name.count - 1]);
            rc = copy ? ddl_add_reference(&names, copy) : -1;
        }
        sql_name_parts_free(&name);
    }
    sql_tokens_free(&t);
    if (rc < 0) {
        strings_free(names.references, names.reference_count);
        return -1;
    }
    *out = names.references;
    return (long)names.reference_count;
}

/* Whether the file creates a table or sequence named `name` (unqualified). */
static bool file_creates(const ddl_file *file, const char *name)
{
    for (size_t i = 0; i < file->statement_count; i++) {
        const ddl_statement *st = &file->statements[i];
        const char *made = st->kind == DDL_CREATE_SEQUENCE ? st->object_name
                           : st->kind == DDL_CREATE_TABLE  ? st->table
                                                           : NULL;
        const char *dot = made ? strrchr(made, '.') : NULL;
        if (made && strcmp(dot ? dot + 1 : made, name) == 0)
            return true;
    }
    return false;
}

/* The qualified name starting at token `at`: its qualifier blanked when it is the dump's own
 * database or the file creates the object; a diag otherwise. */
static int localize_name(const ddl_file *file, const char *dump_database, const sql_tokens *t,
                         size_t at, diag_list *diags)
{
    size_t i = at;
    sql_name_parts name = {{NULL}, 0};
    int rc = sql_read_name(t, &i, &name);
    if (rc <= 0 || name.count < 2) {
        sql_name_parts_free(&name);
        return rc < 0 ? -1 : 0;
    }
    const char *database = name.part[name.count - 2], *object = name.part[name.count - 1];
    if ((dump_database && strcmp(database, dump_database) == 0) || file_creates(file, object)) {
        /* the qualifier tokens and their dots: all but the last part, which is i - 1 */
        for (size_t k = at; k + 1 < i; k++)
            memset((char *)t->items[k].start, ' ', t->items[k].length);
    } else {
        const sql_token *q = &t->items[at];
        diag *d = diag_add(diags, file->display_name, q->line, q->column,
                           "names `%s`.`%s`, which is in another database; foster creates only "
                           "its own",
                           database, object);
        diag_set_kind(d, DIAG_BAD_INPUT);
        diag_set_hint(d,
                      "foster creates the tables in a database of its own and touches no other: "
                      "dump `%s` into the same file, or drop the qualifier `%s`.",
                      object, database);
        rc = -1;
    }
    sql_name_parts_free(&name);
    return rc < 0 ? -1 : 0;
}

static int localize_statement(const ddl_file *file, const ddl_statement *st,
                              const char *dump_database, diag_list *diags)
{
    if (st->kind == DDL_SKIP)
        return 0;
    sql_tokens t = {0};
    if (my_sql_tokenize(st->source, file->display_name, &t, diags) < 0)
        return -1;
    int rc = 0;
    size_t head = head_name_at(st, &t);
    if (head && localize_name(file, dump_database, &t, head, diags) < 0)
        rc = -1;
    for (size_t i = 0; i < t.count; i++) {
        size_t at = word_at(&t, i, "REFERENCES") ? i + 1 : sequence_name_at(&t, i);
        if (at && localize_name(file, dump_database, &t, at, diags) < 0)
            rc = -1;
    }
    sql_tokens_free(&t);
    return rc;
}

int my_ddl_localize_names(ddl_file *file, const char *dump_database, diag_list *diags)
{
    int rc = 0;
    for (size_t i = 0; i < file->statement_count; i++)
        if (localize_statement(file, &file->statements[i], dump_database, diags) < 0)
            rc = -1;
    return rc;
}

char *my_dump_database(const char *text, size_t length)
{
    static const char mark[] = "Database: ";
    int line = 1;
    for (size_t i = 0; i < length && line <= 12; i++) {
        if (text[i] == '\n') {
            line++;
            continue;
        }
        if ((i == 0 || text[i - 1] == '\n') && length - i > 3 && memcmp(text + i, "-- ", 3) == 0) {
            const char *end = memchr(text + i, '\n', length - i);
            size_t n = end ? (size_t)(end - (text + i)) : length - i;
            char *row = strndup(text + i, n);
            char *found = row ? strstr(row, mark) : NULL;
            char *name = NULL;
            if (found) {
                found += sizeof mark - 1;
                size_t size = strcspn(found, " \t\r");
                name = size ? strndup(found, size) : NULL;
            }
            free(row);
            if (name)
                return name;
        }
    }
    return NULL;
}
