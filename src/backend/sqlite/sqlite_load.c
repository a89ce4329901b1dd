/*
 * sqlite_load.c — fixture rows into SQLite: one prepared INSERT per table
 * inside the load's transaction; foreign keys enforced row by row, except for
 * tables in a cycle and tables whose keys are DEFERRABLE INITIALLY DEFERRED,
 * which are checked once their rows (or their whole cycle) are in. When
 * provisioning, foreign keys are off while rows arrive and checked once
 * after, with the indexes built over the loaded rows (sqlite_finish_schema).
 * Every rejected row is named by its fixture file, line and column.
 */
#include <stdlib.h>
#include <string.h>

#include "backend_sqlite.h"
#include "strbuf.h"

int sqlite_load_begin(backend *b, const schema_set *schemas, diag_list *diags)
{
    sqlite_backend *s = as_sqlite(b);
    (void)schemas;
    /* Provisioning: foreign keys are checked once, by sqlite_finish_schema. */
    if (s->schema_unfinished && sqlite_exec(s, "PRAGMA foreign_keys = OFF", diags) < 0)
        return -1;
    return sqlite_exec(s, "BEGIN", diags);
}

void sqlite_forget_table(sqlite_backend *s)
{
    sqlite3_finalize(s->insert);
    s->insert = NULL;
    free(s->table);
    free(s->file);
    for (size_t i = 0; i < s->column_count; i++)
        free(s->columns[i]);
    free(s->columns);
    s->table = s->file = NULL;
    s->columns = NULL;
    s->column_count = 0;
}

/* "table t has no column named x": point at x in the header. */
static int header_column_of_error(sqlite_backend *s, const backend_row *header)
{
    const char *message = sqlite3_errmsg(s->db);
    const char *named = strstr(message, "no column named ");
    if (!named)
        return 0;
    named += strlen("no column named ");
    for (size_t i = 0; i < header->count; i++)
        if (strcmp(header->fields[i].value, named) == 0)
            return header->fields[i].column;
    return 0;
}

/*
 * Foreign keys declared DEFERRABLE INITIALLY DEFERRED (Django declares all of
 * its own so) are checked only at COMMIT, where SQLite no longer says which
 * row failed; such tables are checked right after their load instead.
 */
static bool has_deferred_foreign_keys(sqlite_backend *s, const char *table)
{
    sqlite3_stmt *stmt;
    if (sqlite3_prepare_v2(s->db,
                           "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?1 "
                           "AND sql LIKE '%initially deferred%'",
                           -1, &stmt, NULL) != SQLITE_OK)
        return true; /* checking once more is harmless */
    sqlite3_bind_text(stmt, 1, table, -1, SQLITE_STATIC);
    bool found = sqlite3_step(stmt) == SQLITE_ROW;
    sqlite3_finalize(stmt);
    return found;
}

int sqlite_table_begin(backend *b, const char *schema, const char *table, const backend_row *header,
                       const char *file, bool deferred, diag_list *diags)
{
    sqlite_backend *s = as_sqlite(b);
    (void)schema; /* SQLite has every table in main (translate_sqlite.h) */
    sqlite_forget_table(s);
    strbuf sql = STRBUF_INIT;
    strbuf_append_str(&sql, "INSERT INTO ");
    strbuf_append_identifier(&sql, table);
    strbuf_append_str(&sql, " (");
    for (size_t i = 0; i < header->count; i++) {
        if (i)
            strbuf_append_str(&sql, ", ");
        strbuf_append_identifier(&sql, header->fields[i].value);
    }
    strbuf_append_str(&sql, ") VALUES (");
    for (size_t i = 0; i < header->count; i++)
        strbuf_append_str(&sql, i ? ", ?" : "?");
    strbuf_append_char(&sql, ')');
    if (sql.failed) {
        strbuf_free(&sql);
        return diag_add(diags, NULL, 0, 0, "out of memory"), -1;
    }
    int rc = sqlite3_prepare_v2(s->db, strbuf_str(&sql), -1, &s->insert, NULL);
    strbuf_free(&sql);
    if (rc != SQLITE_OK) {
        diag_add(diags, file, header->line, header_column_of_error(s, header),
                 "cannot load into \"%s\": %s", table, sqlite3_errmsg(s->db));
        return -1;
    }
    s->table = strdup(table);
    s->file = strdup(file);
    s->columns = calloc(header->count ? header->count : 1, sizeof *s->columns);
    if (!s->table || !s->file || !s->columns)
        return diag_add(diags, NULL, 0, 0, "out of memory"), -1;
    for (size_t i = 0; i < header->count; i++)
        if (!(s->columns[s->column_count++] = strdup(header->fields[i].value)))
            return diag_add(diags, NULL, 0, 0, "out of memory"), -1;
    if (s->schema_unfinished)
        return 0; /* foreign keys are off: sqlite_finish_schema checks them all */
    s->in_cycle = deferred;
    s->check_later = deferred || has_deferred_foreign_keys(s, table);
    if (deferred)
        return sqlite_exec(s, "PRAGMA defer_foreign_keys = ON", diags);
    return 0;
}

/* The one wording of a foreign key violation, immediate or deferred. */
static void describe_violation(diag *d, const char *column, const char *value, const char *parent,
                               const char *parent_column)
{
    if (!d)
        return;
    free(d->message);
    d->message =
        strbuf_format("column \"%s\" = %s: no row of \"%s\" has %s = %s "
                      "(foreign key violation)",
                      column, value, parent, parent_column ? parent_column : "rowid", value);
    diag_set_hint(d,
                  "load the \"%s\" row first (list its fixture in the manifest) or fix the "
                  "value",
                  parent);
}

/*
 * SQLite says only "FOREIGN KEY constraint failed". Find which foreign key
 * the row breaks, so the message can name the column and the missing parent.
 */
static void explain_foreign_key(sqlite_backend *s, const backend_row *row, diag *d)
{
    sqlite3_stmt *list;
    char *sql = sqlite3_mprintf("PRAGMA foreign_key_list(\"%w\")", s->table);
    if (!sql || sqlite3_prepare_v2(s->db, sql, -1, &list, NULL) != SQLITE_OK) {
        sqlite3_free(sql);
        return;
    }
    sqlite3_free(sql);
    while (sqlite3_step(list) == SQLITE_ROW) {
        const char *parent = (const char *)sqlite3_column_text(list, 2);
        const char *from = (const char *)sqlite3_column_text(list, 3);
        const char *to = (const char *)sqlite3_column_text(list, 4);
        const backend_field *value = NULL;
        for (size_t i = 0; i < s->column_count && i < row->count; i++)
            if (strcmp(s->columns[i], from) == 0)
                value = &row->fields[i];
        if (!value || value->is_null || !parent)
            continue;
        sqlite3_stmt *probe;
        char *query = to ? sqlite3_mprintf("SELECT 1 FROM \"%w\" WHERE \"%w\" = ?", parent, to)
                         : sqlite3_mprintf("SELECT 1 FROM \"%w\" WHERE rowid = ?", parent);
        if (!query || sqlite3_prepare_v2(s->db, query, -1, &probe, NULL) != SQLITE_OK) {
            sqlite3_free(query);
            continue;
        }
        sqlite3_free(query);
        sqlite3_bind_text(probe, 1, value->value, (int)value->length, SQLITE_STATIC);
        bool found = sqlite3_step(probe) == SQLITE_ROW;
        sqlite3_finalize(probe);
        if (!found) {
            free(d->message);
            d->message = strbuf_format("column \"%s\" = %s: no row of \"%s\" has %s = %s "
                                       "(foreign key violation)",
                                       from, value->value, parent, to ? to : "rowid", value->value);
            d->line = value->line;
            d->column = value->column;
            diag_set_hint(d,
                          "load the \"%s\" row first (list its fixture in the manifest) or "
                          "fix the value",
                          parent);
            break;
        }
    }
    sqlite3_finalize(list);
}

/*
 * "UNIQUE constraint failed: t.c" and "NOT NULL constraint failed: t.c" name
 * the column; find its field in the row.
 */
static const backend_field *field_of_constraint_error(const sqlite_backend *s,
                                                      const backend_row *row, const char *message)
{
    const char *failed = strstr(message, "constraint failed: ");
    if (!failed)
        return NULL;
    const char *name = strchr(failed, '.');
    if (!name)
        return NULL;
    name++;
    size_t length = strcspn(name, ", ");
    for (size_t i = 0; i < s->column_count && i < row->count; i++)
        if (strlen(s->columns[i]) == length && strncmp(s->columns[i], name, length) == 0)
            return &row->fields[i];
    return NULL;
}

int sqlite_table_row(backend *b, const backend_row *row, diag_list *diags)
{
    sqlite_backend *s = as_sqlite(b);
    for (size_t i = 0; i < row->count; i++) {
        const backend_field *f = &row->fields[i];
        if (f->is_null)
            sqlite3_bind_null(s->insert, (int)i + 1);
        else
            sqlite3_bind_text(s->insert, (int)i + 1, f->value, (int)f->length, SQLITE_STATIC);
    }
    int rc = sqlite3_step(s->insert);
    sqlite3_reset(s->insert);
    if (rc == SQLITE_DONE)
        return 0;
    const char *message = sqlite3_errmsg(s->db);
    const backend_field *field = field_of_constraint_error(s, row, message);
    diag *d = diag_add(diags, s->file, field ? field->line : row->line, field ? field->column : 0,
                       "cannot load row into \"%s\": %s", s->table, message);
    if (d && sqlite3_extended_errcode(s->db) == SQLITE_CONSTRAINT_FOREIGNKEY)
        explain_foreign_key(s, row, d);
    return -1;
}

/* At most this many violations of one table are listed. */
#define SQLITE_MAX_VIOLATIONS 20

/* The text of `column` in row `rowid` of `table` (caller frees), or NULL. */
static char *value_in_row(sqlite_backend *s, const char *table, const char *column,
                          sqlite3_int64 rowid)
{
    sqlite3_stmt *stmt;
    char *sql =
        sqlite3_mprintf("SELECT CAST(\"%w\" AS TEXT) FROM \"%w\" WHERE rowid = ?", column, table);
    char *value = NULL;
    if (sql && sqlite3_prepare_v2(s->db, sql, -1, &stmt, NULL) == SQLITE_OK) {
        sqlite3_bind_int64(stmt, 1, rowid);
        if (sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0))
            value = strdup((const char *)sqlite3_column_text(stmt, 0));
        sqlite3_finalize(stmt);
    }
    sqlite3_free(sql);
    return value;
}

/* Foreign key `id` of `table`: its (first) column and the parent's column. */
static void foreign_key_columns(sqlite_backend *s, const char *table, int id, char **from,
                                char **to)
{
    sqlite3_stmt *list;
    char *sql = sqlite3_mprintf("PRAGMA foreign_key_list(\"%w\")", table);
    *from = *to = NULL;
    if (sql && sqlite3_prepare_v2(s->db, sql, -1, &list, NULL) == SQLITE_OK) {
        while (!*from && sqlite3_step(list) == SQLITE_ROW)
            if (sqlite3_column_int(list, 0) == id) {
                const unsigned char *f = sqlite3_column_text(list, 3);
                const unsigned char *t = sqlite3_column_text(list, 4);
                *from = f ? strdup((const char *)f) : NULL;
                *to = t ? strdup((const char *)t) : NULL;
            }
        sqlite3_finalize(list);
    }
    sqlite3_free(sql);
}

/*
 * One row of PRAGMA foreign_key_check, reported as data (table, column,
 * value): src/fixtures/ finds the fixture line that holds the value
 * (re-reading the table's fixtures costs nothing until a row fails, unlike
 * remembering the line of every row).
 */
static void report_violation(sqlite_backend *s, const char *table, sqlite3_int64 rowid,
                             const char *parent, int id, diag_list *diags)
{
    char *from, *to;
    foreign_key_columns(s, table, id, &from, &to);
    char *value = from ? value_in_row(s, table, from, rowid) : NULL;
    diag *d = diag_add(diags, NULL, 0, 0,
                       "row of \"%s\" references a missing \"%s\" row (foreign key violation)",
                       table, parent);
    if (from && value) {
        describe_violation(d, from, value, parent, to);
        diag_set_violation(d, table, NULL, from, value, 0);
    }
    free(from);
    free(to);
    free(value);
}

/* Reports the rows of `table` whose parent never arrived. */
static int report_violations(sqlite_backend *s, const char *table, diag_list *diags)
{
    sqlite3_stmt *check;
    char *sql = sqlite3_mprintf("PRAGMA foreign_key_check(\"%w\")", table);
    if (!sql || sqlite3_prepare_v2(s->db, sql, -1, &check, NULL) != SQLITE_OK) {
        sqlite3_free(sql);
        sqlite_add_error(s, diags, NULL, 0, "cannot check foreign keys");
        return -1;
    }
    sqlite3_free(sql);
    int violations = 0;
    while (violations < SQLITE_MAX_VIOLATIONS && sqlite3_step(check) == SQLITE_ROW) {
        const char *parent = (const char *)sqlite3_column_text(check, 2);
        report_violation(s, table, sqlite3_column_int64(check, 1), parent ? parent : "?",
                         sqlite3_column_int(check, 3), diags);
        violations++;
    }
    sqlite3_finalize(check);
    return violations ? -1 : 0;
}

void sqlite_forget_pending(sqlite_backend *s)
{
    for (size_t p = 0; p < s->pending_count; p++) {
        free(s->pending[p].table);
        free(s->pending[p].file);
    }
    free(s->pending);
    s->pending = NULL;
    s->pending_count = 0;
}

int sqlite_check_deferred(backend *b, diag_list *diags)
{
    sqlite_backend *s = as_sqlite(b);
    int rc = 0;
    for (size_t p = 0; p < s->pending_count; p++) {
        bool seen = false; /* a table loaded from several files is checked once */
        for (size_t q = 0; q < p; q++)
            seen = seen || strcmp(s->pending[q].table, s->pending[p].table) == 0;
        if (!seen && report_violations(s, s->pending[p].table, diags) < 0)
            rc = -1;
    }
    sqlite_forget_pending(s);
    if (rc == 0)
        rc = sqlite_exec(s, "PRAGMA defer_foreign_keys = OFF", diags);
    return rc;
}

int sqlite_table_end(backend *b, diag_list *diags)
{
    sqlite_backend *s = as_sqlite(b);
    int rc = 0;
    if (s->check_later) {
        pending_check *pending = realloc(s->pending, (s->pending_count + 1) * sizeof *pending);
        if (!pending)
            return diag_add(diags, NULL, 0, 0, "out of memory"), -1;
        s->pending = pending;
        pending[s->pending_count++] = (pending_check){s->table, s->file};
        s->table = s->file = NULL;
        /* Outside a cycle every parent is in already: check now. */
        if (!s->in_cycle)
            rc = sqlite_check_deferred(b, diags);
    }
    sqlite_forget_table(s);
    return rc;
}

int sqlite_exec_sql(backend *b, const sql_statement *statement, const char *file, diag_list *diags)
{
    sqlite_backend *s = as_sqlite(b);
    char *error = NULL;
    if (sqlite3_exec(s->db, statement->text, NULL, NULL, &error) != SQLITE_OK) {
        diag_add(diags, file, statement->line, statement->column, "%s",
                 error ? error : "statement failed");
        sqlite3_free(error);
        return -1;
    }
    return 0;
}

int sqlite_load_end(backend *b, bool commit, diag_list *diags)
{
    sqlite_backend *s = as_sqlite(b);
    sqlite_forget_table(s);
    sqlite_forget_pending(s);
    if (!commit)
        return sqlite3_get_autocommit(s->db) ? 0 : sqlite_exec(s, "ROLLBACK", diags);
    if (sqlite_exec(s, "COMMIT", diags) < 0) {
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        return -1;
    }
    return 0;
}

/* The first column a "UNIQUE constraint failed: t.a[, t.b]" message names, split. */
static bool unique_column_of(const char *error, char **table, char **column)
{
    const char *failed = error ? strstr(error, "constraint failed: ") : NULL;
    *table = *column = NULL;
    if (!failed)
        return false;
    failed += strlen("constraint failed: ");
    const char *dot = strchr(failed, '.');
    if (!dot || strncmp(failed, "index ", 6) == 0)
        return false;
    *table = strndup(failed, (size_t)(dot - failed));
    *column = strndup(dot + 1, strcspn(dot + 1, ", "));
    return *table && *column;
}

/* The text of a value `column` of `table` holds more than once, or NULL. */
static char *repeated_value(sqlite_backend *s, const char *table, const char *column)
{
    sqlite3_stmt *stmt;
    char *sql = sqlite3_mprintf("SELECT CAST(\"%w\" AS TEXT) FROM \"%w\" WHERE \"%w\" IS NOT NULL "
                                "GROUP BY \"%w\" HAVING count(*) > 1 LIMIT 1",
                                column, table, column, column);
    char *value = NULL;
    if (sql && sqlite3_prepare_v2(s->db, sql, -1, &stmt, NULL) == SQLITE_OK) {
        if (sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0))
            value = strdup((const char *)sqlite3_column_text(stmt, 0));
        sqlite3_finalize(stmt);
    }
    sqlite3_free(sql);
    return value;
}

void sqlite_report_duplicate(sqlite_backend *s, const char *error, diag_list *diags)
{
    char *table, *column;
    bool named = unique_column_of(error, &table, &column);
    diag *d = diag_add(diags, NULL, 0, 0, "cannot load row into \"%s\": %s", named ? table : "?",
                       error ? error : "UNIQUE constraint failed");
    char *value = named ? repeated_value(s, table, column) : NULL;
    if (d && value) {
        diag_set_violation(d, table, NULL, column, value, 0);
        if (d->violation)
            d->violation->duplicate = true;
    }
    free(value);
    free(table);
    free(column);
}

/* PRAGMA foreign_key_check over every table, in order; stops at the first table at fault. */
static int check_all_foreign_keys(sqlite_backend *s, const schema_set *schemas, diag_list *diags)
{
    for (size_t k = 0; k < schemas->count; k++) {
        const ddl_table *table = schema_set_table(schemas, schemas->order[k]);
        if (table && report_violations(s, table->bare_name, diags) < 0)
            return -1;
    }
    return 0;
}

int sqlite_finish_schema(backend *b, const schema_set *schemas, diag_list *diags)
{
    sqlite_backend *s = as_sqlite(b);
    s->schema_unfinished = false;
    int rc = sqlite_exec(s, "BEGIN", diags);
    if (rc == 0)
        rc = sqlite_run_phase(s, schemas, DDL_PHASE_POST_DATA, diags);
    if (rc == 0)
        rc = check_all_foreign_keys(s, schemas, diags);
    if (rc == 0)
        rc = sqlite_run_phase(s, schemas, DDL_PHASE_TRIGGERS, diags);
    if (rc == 0)
        rc = sqlite_exec(s, "COMMIT", diags);
    else
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    /* From here on (load, the tests) every row is checked as it arrives. */
    diag_list ignored = DIAG_LIST_INIT;
    if (sqlite_exec(s, "PRAGMA foreign_keys = ON", rc == 0 ? diags : &ignored) < 0)
        rc = -1;
    diag_list_clear(&ignored);
    return rc;
}
