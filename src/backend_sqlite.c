/*
 * backend_sqlite.c — the SQLite implementation of backend.h.
 *
 * The database is either in this process's memory (library use) or a file in
 * a private, memory-backed directory that the command under test opens by
 * path. Its marker is PRAGMA application_id. Fixtures load with one prepared
 * INSERT per table inside one transaction; foreign keys are enforced row by
 * row, except for tables that reference themselves or sit in a cycle, whose
 * checks are deferred to the end of the table and then mapped back to the
 * fixture line of each offending row.
 */
#include "backend.h"

#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fixtures.h"
#include "strbuf.h"

/* "fost" — the value of PRAGMA application_id in every database foster creates. */
#define FOSTER_SQLITE_APPLICATION_ID 0x666f7374

/* A fixture whose foreign keys are checked after its rows are in. */
typedef struct pending_check {
    char *table;
    char *file;
} pending_check;

typedef struct sqlite_backend {
    backend base;
    char *directory; /* NULL: in memory */
    char *path;      /* the database file, or NULL in memory */
    char *url;
    bool created; /* this backend made the database (and may drop it) */
    bool marked;
    sqlite3 *db;

    /* The table being loaded. */
    sqlite3_stmt *insert;
    char *table;
    char *file;
    char **columns; /* header names, for messages */
    size_t column_count;
    bool in_cycle;    /* its foreign keys wait until the whole cycle is in */
    bool check_later; /* in a cycle, or its foreign keys are DEFERRABLE INITIALLY DEFERRED */

    /* Fixtures loaded since the last check of deferred foreign keys. */
    pending_check *pending;
    size_t pending_count;
} sqlite_backend;

static sqlite_backend *as_sqlite(backend *b)
{
    return (sqlite_backend *)b;
}

static void add_sqlite_error(sqlite_backend *s, diag_list *diags, const char *file, int line,
                             const char *what)
{
    diag_add(diags, file, line, 0, "%s: %s", what, s->db ? sqlite3_errmsg(s->db) : "no database");
}

static int exec(sqlite_backend *s, const char *sql, diag_list *diags)
{
    char *error = NULL;
    if (sqlite3_exec(s->db, sql, NULL, NULL, &error) != SQLITE_OK) {
        diag_add(diags, s->path, 0, 0, "%s: %s", sql, error ? error : "failed");
        sqlite3_free(error);
        return -1;
    }
    return 0;
}

static int read_application_id(sqlite_backend *s, int *id)
{
    sqlite3_stmt *stmt;
    if (sqlite3_prepare_v2(s->db, "PRAGMA application_id", -1, &stmt, NULL) != SQLITE_OK)
        return -1;
    int rc = sqlite3_step(stmt) == SQLITE_ROW ? 0 : -1;
    if (rc == 0)
        *id = sqlite3_column_int(stmt, 0);
    sqlite3_finalize(stmt);
    return rc;
}

/* Tuning for a throwaway database: nothing here needs to survive a crash. */
static int configure(sqlite_backend *s, diag_list *diags)
{
    return exec(s,
                "PRAGMA foreign_keys = ON; PRAGMA synchronous = OFF; "
                "PRAGMA journal_mode = MEMORY; PRAGMA temp_store = MEMORY",
                diags);
}

static int sqlite_create(backend *b, const char *database_name, const char *run_id,
                         diag_list *diags)
{
    sqlite_backend *s = as_sqlite(b);
    (void)run_id; /* the run id is in the file name */
    const char *target = ":memory:";
    if (s->directory) {
        s->path = strbuf_format("%s/%s.sqlite3", s->directory, database_name);
        if (!s->path)
            return diag_add(diags, NULL, 0, 0, "out of memory"), -1;
        /* O_EXCL: never take over a file somebody else made; 0600: rule 3. */
        int fd = open(s->path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd < 0) {
            diag_add(diags, s->path, 0, 0, "cannot create the test database: %s", strerror(errno));
            free(s->path);
            s->path = NULL;
            return -1;
        }
        close(fd);
        target = s->path;
    }
    s->created = true;
    if (sqlite3_open_v2(target, &s->db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        add_sqlite_error(s, diags, s->path, 0, "cannot open the test database");
        return -1;
    }
    s->url = strbuf_format("sqlite:///%s", s->path ? s->path : ":memory:");
    if (!s->url)
        return diag_add(diags, NULL, 0, 0, "out of memory"), -1;
    char pragma[64];
    snprintf(pragma, sizeof pragma, "PRAGMA application_id = %d", FOSTER_SQLITE_APPLICATION_ID);
    if (exec(s, pragma, diags) < 0 || configure(s, diags) < 0)
        return -1;
    s->marked = true;
    return 0;
}

/* sqlite:////abs/path, sqlite:///rel/path or a plain path. */
static const char *path_of_url(const char *url)
{
    if (strncmp(url, "sqlite:///", 10) == 0)
        return url + 10;
    if (strncmp(url, "sqlite://", 9) == 0)
        return url + 9;
    return url;
}

static int sqlite_open_existing(backend *b, const char *url, bool *marked, diag_list *diags)
{
    sqlite_backend *s = as_sqlite(b);
    s->path = strdup(path_of_url(url));
    s->url = strbuf_format("sqlite:///%s", s->path ? s->path : "");
    if (!s->path || !s->url)
        return diag_add(diags, NULL, 0, 0, "out of memory"), -1;
    if (access(s->path, F_OK) < 0 && errno == ENOENT)
        return 1;
    /* No SQLITE_OPEN_CREATE: a typo must not create an empty database. */
    if (sqlite3_open_v2(s->path, &s->db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        add_sqlite_error(s, diags, s->path, 0, "cannot open the database");
        return -1;
    }
    int id = 0;
    if (read_application_id(s, &id) < 0) {
        add_sqlite_error(s, diags, s->path, 0, "not a SQLite database");
        return -1;
    }
    s->marked = *marked = id == FOSTER_SQLITE_APPLICATION_ID;
    return configure(s, diags);
}

static int sqlite_create_tables(backend *b, const schema_set *schemas, diag_list *diags)
{
    sqlite_backend *s = as_sqlite(b);
    for (size_t i = 0; i < schemas->sqlite.count; i++) {
        const sqlite_statement *st = &schemas->sqlite.items[i];
        char *error = NULL;
        if (sqlite3_exec(s->db, st->sql, NULL, NULL, &error) != SQLITE_OK) {
            diag *d = diag_add(diags, st->file, st->line, 0, "SQLite rejected the statement: %s",
                               error ? error : "unknown error");
            diag_set_hint(d, "foster ran: %s", st->sql);
            sqlite3_free(error);
            return -1;
        }
    }
    return 0;
}

static int sqlite_load_begin(backend *b, const schema_set *schemas, diag_list *diags)
{
    (void)schemas;
    return exec(as_sqlite(b), "BEGIN", diags);
}

static void forget_table(sqlite_backend *s)
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
static int header_column_of_error(sqlite_backend *s, const csv_row *header)
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

static int sqlite_table_begin(backend *b, const char *schema, const char *table,
                              const csv_row *header, const char *file, bool deferred,
                              diag_list *diags)
{
    sqlite_backend *s = as_sqlite(b);
    (void)schema; /* SQLite has every table in main (translate_sqlite.h) */
    forget_table(s);
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
    s->in_cycle = deferred;
    s->check_later = deferred || has_deferred_foreign_keys(s, table);
    if (deferred)
        return exec(s, "PRAGMA defer_foreign_keys = ON", diags);
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
static void explain_foreign_key(sqlite_backend *s, const csv_row *row, diag *d)
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
        const csv_field *value = NULL;
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
static const csv_field *field_of_constraint_error(const sqlite_backend *s, const csv_row *row,
                                                  const char *message)
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

static int sqlite_table_row(backend *b, const csv_row *row, diag_list *diags)
{
    sqlite_backend *s = as_sqlite(b);
    for (size_t i = 0; i < row->count; i++) {
        const csv_field *f = &row->fields[i];
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
    const csv_field *field = field_of_constraint_error(s, row, message);
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
 * One row of PRAGMA foreign_key_check: find the fixture line that holds the
 * row's value (re-reading the table's fixtures: costs nothing until a row
 * fails, unlike remembering the line of every row).
 */
static void report_violation(sqlite_backend *s, const char *table, sqlite3_int64 rowid,
                             const char *parent, int id, diag_list *diags)
{
    char *from, *to;
    foreign_key_columns(s, table, id, &from, &to);
    char *value = from ? value_in_row(s, table, from, rowid) : NULL;
    const char *file = NULL;
    int line = 0, column = 0;
    for (size_t p = 0; value && !line && p < s->pending_count; p++)
        if (strcmp(s->pending[p].table, table) == 0) {
            file = s->pending[p].file;
            line = fixtures_find_value(file, from, value, &column);
        }
    diag *d = diag_add(diags, file, line, column,
                       "row of \"%s\" references a missing \"%s\" row (foreign key violation)",
                       table, parent);
    if (from && value)
        describe_violation(d, from, value, parent, to);
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
        add_sqlite_error(s, diags, NULL, 0, "cannot check foreign keys");
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

static void forget_pending(sqlite_backend *s)
{
    for (size_t p = 0; p < s->pending_count; p++) {
        free(s->pending[p].table);
        free(s->pending[p].file);
    }
    free(s->pending);
    s->pending = NULL;
    s->pending_count = 0;
}

static int sqlite_check_deferred(backend *b, diag_list *diags)
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
    forget_pending(s);
    if (rc == 0)
        rc = exec(s, "PRAGMA defer_foreign_keys = OFF", diags);
    return rc;
}

static int sqlite_table_end(backend *b, diag_list *diags)
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
    forget_table(s);
    return rc;
}

static int sqlite_exec_sql(backend *b, const sql_statement *statement, const char *file,
                           diag_list *diags)
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

static int sqlite_load_end(backend *b, bool commit, diag_list *diags)
{
    sqlite_backend *s = as_sqlite(b);
    forget_table(s);
    forget_pending(s);
    if (!commit)
        return sqlite3_get_autocommit(s->db) ? 0 : exec(s, "ROLLBACK", diags);
    if (exec(s, "COMMIT", diags) < 0) {
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        return -1;
    }
    return 0;
}

static void remove_file(const char *path, const char *suffix)
{
    char *name = strbuf_format("%s%s", path, suffix);
    if (name)
        unlink(name);
    free(name);
}

static int sqlite_drop(backend *b, diag_list *diags)
{
    sqlite_backend *s = as_sqlite(b);
    if (!s->marked && !s->created) {
        diag_add(diags, s->path, 0, 0, "refusing to remove a database foster did not create");
        return -1;
    }
    forget_table(s);
    sqlite3_close(s->db);
    s->db = NULL;
    if (!s->path)
        return 0;
    if (unlink(s->path) < 0 && errno != ENOENT) {
        diag_add(diags, s->path, 0, 0, "cannot remove the test database: %s", strerror(errno));
        return -1;
    }
    remove_file(s->path, "-journal");
    remove_file(s->path, "-wal");
    remove_file(s->path, "-shm");
    return 0;
}

static const char *sqlite_database(const backend *b)
{
    const char *path = ((const sqlite_backend *)b)->path;
    const char *base = path ? strrchr(path, '/') : NULL;
    return base ? base + 1 : path ? path : ":memory:";
}

static const char *sqlite_url(const backend *b)
{
    return ((const sqlite_backend *)b)->url;
}

static int sqlite_environment(const backend *b, env_var **vars, size_t *count)
{
    const sqlite_backend *s = (const sqlite_backend *)b;
    if (env_list_add(vars, count, "DATABASE_URL", s->url) < 0)
        return -1;
    if (s->path && env_list_add(vars, count, "FOSTER_SQLITE_PATH", s->path) < 0)
        return -1;
    return 0;
}

static void sqlite_free(backend *b)
{
    sqlite_backend *s = as_sqlite(b);
    if (!s)
        return;
    forget_table(s);
    forget_pending(s);
    sqlite3_close(s->db);
    free(s->directory);
    free(s->path);
    free(s->url);
    free(s);
}

static const backend_ops sqlite_ops = {
    .name = "sqlite",
    .create = sqlite_create,
    .open_existing = sqlite_open_existing,
    .create_tables = sqlite_create_tables,
    .load_begin = sqlite_load_begin,
    .table_begin = sqlite_table_begin,
    .table_row = sqlite_table_row,
    .table_end = sqlite_table_end,
    .check_deferred = sqlite_check_deferred,
    .exec_sql = sqlite_exec_sql,
    .load_end = sqlite_load_end,
    .drop = sqlite_drop,
    .database = sqlite_database,
    .url = sqlite_url,
    .environment = sqlite_environment,
    .free = sqlite_free,
};

backend *backend_sqlite_new(const char *directory)
{
    sqlite_backend *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->base.ops = &sqlite_ops;
    if (directory && !(s->directory = strdup(directory))) {
        free(s);
        return NULL;
    }
    return &s->base;
}

int env_list_add(env_var **vars, size_t *count, const char *name, const char *value)
{
    env_var *grown = realloc(*vars, (*count + 1) * sizeof *grown);
    if (!grown)
        return -1;
    *vars = grown;
    char *copy = strdup(value);
    if (!copy)
        return -1;
    grown[(*count)++] = (env_var){name, copy};
    return 0;
}

void env_list_free(env_var *vars, size_t count)
{
    for (size_t i = 0; i < count; i++)
        free(vars[i].value);
    free(vars);
}
